// bot:list and bot:set (SPEC §11). A bot is the name of the token its signals come with; bot:set
// only says how the public pages name and describe it.
import { BOT_NAME_PATTERN } from '../../shared/constants.ts';
import { NO_CONTROL_CHARACTERS } from '../../shared/signal-schema.ts';
import { roundMoney } from '../../shared/trade-math.ts';
import { BotRepository } from '../persistence/bot-repository.ts';
import { SqlRunner } from '../persistence/sql-runner.ts';
import { UsageError, type Flags } from './cli-args.ts';
import type { CommandContext } from './command-context.ts';
import { printTable } from './table-output.ts';

const LIMITS = { 'display-name': 80, description: 500 } as const;

function text(flags: Flags, name: keyof typeof LIMITS): string | undefined {
  const v = flags.optional(name)?.trim();
  if (v === undefined) return undefined;
  if (v.length > LIMITS[name]) throw new UsageError(`--${name} must be at most ${LIMITS[name]} characters, got ${v.length}`);
  if (!NO_CONTROL_CHARACTERS.test(v)) throw new UsageError(`--${name} must not contain control characters`);
  return v;
}

export async function botSet(ctx: CommandContext, flags: Flags): Promise<void> {
  const name = flags.argument('a bot NAME (bot:set NAME --display-name TEXT)');
  const displayName = text(flags, 'display-name');
  const description = text(flags, 'description');
  flags.done();
  if (!BOT_NAME_PATTERN.test(name)) throw new UsageError(`NAME must be a token name (1-64 letters, digits, ".", "_" or "-"), got "${name}"`);
  if (displayName === undefined && description === undefined) throw new UsageError('bot:set needs --display-name and/or --description');
  await ctx.withDatabase(async (orm) => {
    const repo = new BotRepository((sql, b) => new SqlRunner(orm).query(sql, b));
    const known = await repo.namesWithTrades();
    const saved = await repo.set(name, { displayName, description });
    ctx.out(`${saved.name}: display name "${saved.displayName ?? saved.name}"${saved.description ? `, description "${saved.description}"` : ''}.`);
    if (!known.includes(name)) ctx.err(`Note: no signal has come from a bot named "${name}" yet; the settings apply once one does.`);
  });
}

export async function botList(ctx: CommandContext, flags: Flags): Promise<void> {
  flags.done();
  await ctx.withDatabase(async (orm) => {
    const repo = new BotRepository((sql, b) => new SqlRunner(orm).query(sql, b));
    const [figures, settings] = await Promise.all([repo.figures(), repo.settings()]);
    const byName = new Map(settings.map((s) => [s.name, s]));
    const names = [...new Set([...figures.map((f) => f.name), ...settings.map((s) => s.name)])].sort();
    const fig = new Map(figures.map((f) => [f.name, f]));
    const rows = names.map((n) => {
      const f = fig.get(n);
      const s = byName.get(n);
      return [
        n,
        s?.displayName ?? '',
        String(f?.totalTrades ?? 0),
        String(f?.openTrades ?? 0),
        String(f?.closedTrades ?? 0),
        String(roundMoney(f?.totalProfitLoss ?? 0)),
      ];
    });
    printTable(ctx, ['NAME', 'DISPLAY NAME', 'TRADES', 'OPEN', 'CLOSED', 'REALISED P/L'], rows);
    if (names.length === 0) ctx.err('(no bots yet: a bot appears with its first signal)');
  });
}

// bot:list and bot:set (SPEC §11). A bot is the name of the token its signals come with; bot:set
// says how the public pages name and describe it, and its visibility (for its signals from then on).
import { BOT_NAME_PATTERN, BOT_VISIBILITIES, type BotVisibility } from '../../shared/constants.ts';
import { NO_CONTROL_CHARACTERS } from '../../shared/signal-schema.ts';
import { roundMoney } from '../../shared/trade-math.ts';
import { BotRepository, type BotFigures } from '../persistence/bot-repository.ts';
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
  const visibility = flags.optional('visibility') === undefined ? undefined : flags.oneOf('visibility', BOT_VISIBILITIES);
  flags.done();
  if (!BOT_NAME_PATTERN.test(name)) throw new UsageError(`NAME must be a token name (1-64 letters, digits, ".", "_" or "-"), got "${name}"`);
  if (displayName === undefined && description === undefined && visibility === undefined) {
    throw new UsageError('bot:set needs --display-name, --description and/or --visibility');
  }
  await ctx.withDatabase(async (orm) => {
    const repo = new BotRepository((sql, b) => new SqlRunner(orm).query(sql, b));
    const [figures, held, before] = await Promise.all([repo.figures(), repo.privateTradeCounts(), repo.settings()]);
    const saved = await repo.set(name, { displayName, description, visibility });
    ctx.out(
      `${saved.name}: display name "${saved.displayName ?? saved.name}"${saved.description ? `, description "${saved.description}"` : ''}, ${saved.visibility}.`,
    );
    const pub = figures.find((f) => f.name === name);
    const priv = held.get(name);
    if (pub === undefined && priv === undefined) ctx.err(`Note: no signal has come from a bot named "${name}" yet; the settings apply once one does.`);
    const was = before.find((s) => s.name === name)?.visibility ?? 'public';
    if (visibility !== undefined && visibility !== was) ctx.err(visibilityNote(visibility, pub, priv));
  });
}

/** What a change of visibility does to the trades a bot already has (SPEC §11, docs/decisions.md). */
function visibilityNote(to: BotVisibility, pub: BotFigures | undefined, priv: { total: number; open: number } | undefined): string {
  const applies = 'It applies to signals from now on.';
  if (to === 'private') {
    return pub
      ? `${applies} The bot's ${pub.totalTrades} public trades (${pub.openTrades} open) stay public: they are in the public ledger, which cannot take them back.`
      : applies;
  }
  const kept = priv ? ` Its ${priv.total} private trades stay private.` : '';
  return to === 'unlisted'
    ? `It leaves the bots list and the all-bots record (past and new trades) within seconds; its page stays reachable by name.${kept}`
    : `${applies}${kept}${pub ? ' Its public trades count in the all-bots record again.' : ''}`;
}

export async function botList(ctx: CommandContext, flags: Flags): Promise<void> {
  flags.done();
  await ctx.withDatabase(async (orm) => {
    const repo = new BotRepository((sql, b) => new SqlRunner(orm).query(sql, b));
    const [figures, settings, held] = await Promise.all([repo.figures(), repo.settings(), repo.privateTradeCounts()]);
    const byName = new Map(settings.map((s) => [s.name, s]));
    const names = [...new Set([...figures.map((f) => f.name), ...settings.map((s) => s.name), ...held.keys()])].sort();
    const fig = new Map(figures.map((f) => [f.name, f]));
    const rows = names.map((n) => {
      const f = fig.get(n);
      const s = byName.get(n);
      return [
        n,
        s?.displayName ?? '',
        s?.visibility ?? 'public',
        String(f?.totalTrades ?? 0),
        String(f?.openTrades ?? 0),
        String(f?.closedTrades ?? 0),
        String(roundMoney(f?.totalProfitLoss ?? 0)),
        String(held.get(n)?.total ?? 0),
      ];
    });
    printTable(ctx, ['NAME', 'DISPLAY NAME', 'VISIBILITY', 'TRADES', 'OPEN', 'CLOSED', 'REALISED P/L', 'PRIVATE TRADES'], rows);
    if (names.length === 0) ctx.err('(no bots yet: a bot appears with its first signal)');
  });
}

// notify:add / notify:list / notify:remove / notify:test / notify:dead / notify:retry (SPEC §14):
// where a bot's public events are sent. Targets take effect for events committed from then on; the
// running server picks them up with no restart (the outbox rows are written by the event's own
// transaction, which reads the targets table).
import { BOT_NAME_PATTERN } from '../../shared/constants.ts';
import { SqlRunner } from '../persistence/sql-runner.ts';
import { NotifyTargetStore } from '../persistence/notify-targets.ts';
import { NotifyOutboxStore } from '../persistence/notify-outbox.ts';
import { loadNotifications } from '../persistence/notify-events.ts';
import { createDeliver } from '../notify/channels/deliver.ts';
import { describeTarget, discordTarget, telegramTarget, TargetInputError, webhookTarget } from '../notify/target-input.ts';
import { TARGET_REMOVED, type Notification, type NotifyTarget } from '../notify/notification.ts';
import { UsageError, type Flags } from './cli-args.ts';
import type { CommandContext } from './command-context.ts';
import { printTable } from './table-output.ts';
import type { MikroORM } from '@mikro-orm/postgresql';
import { systemTradeSql } from '../privacy/trade-scope.ts';

const query = (orm: MikroORM) => (sql: string, b?: readonly unknown[]) => new SqlRunner(orm).query(sql, b);

function botName(flags: Flags, usage: string): string {
  const bot = flags.argument(usage);
  if (!BOT_NAME_PATTERN.test(bot)) throw new UsageError(`BOT must be a bot name (1-64 letters, digits, ".", "_" or "-"), got "${bot}"`);
  return bot;
}

function targetId(flags: Flags, usage: string): number {
  const raw = flags.argument(usage);
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id < 1) throw new UsageError(`ID must be a target id from notify:list, got "${raw}"`);
  return id;
}

function readTarget(flags: Flags): { target: NotifyTarget; generatedSecret: string | null } {
  const webhook = flags.optional('webhook');
  const secret = flags.optional('secret');
  const token = flags.optional('telegram-token');
  const chat = flags.optional('chat-id');
  const discord = flags.optional('discord');
  const given = [webhook, token ?? chat, discord].filter((v) => v !== undefined).length;
  if (given !== 1) throw new UsageError('notify:add needs exactly one of --webhook URL, --telegram-token TOKEN --chat-id ID, --discord WEBHOOK_URL');
  try {
    if (webhook !== undefined) return webhookTarget(webhook, secret);
    if (secret !== undefined) throw new UsageError('--secret goes with --webhook only');
    if (discord !== undefined) return { target: discordTarget(discord), generatedSecret: null };
    if (token === undefined || chat === undefined) throw new UsageError('--telegram-token and --chat-id go together');
    return { target: telegramTarget(token, chat), generatedSecret: null };
  } catch (err) {
    if (err instanceof TargetInputError) throw new UsageError(err.message);
    throw err;
  }
}

export async function notifyAdd(ctx: CommandContext, flags: Flags): Promise<void> {
  const bot = botName(flags, 'a bot NAME (notify:add NAME --webhook URL | --telegram-token T --chat-id C | --discord URL)');
  const { target, generatedSecret } = readTarget(flags);
  flags.done();
  await ctx.withDatabase(async (orm) => {
    const saved = await new NotifyTargetStore(query(orm)).add(bot, target);
    ctx.err(`Target ${saved.id}: ${bot}'s opened, leg and closed events → ${target.kind} ${describeTarget(target)}.`);
    if (generatedSecret) {
      ctx.err('Webhook signing secret (shown once; the receiver checks X-Paperbook-Signature: sha256=HMAC-SHA256(secret, body)):');
      ctx.out(generatedSecret);
    } else ctx.out(String(saved.id));
  });
}

export async function notifyList(ctx: CommandContext, flags: Flags): Promise<void> {
  const bot = flags.optional('bot');
  flags.done();
  await ctx.withDatabase(async (orm) => {
    const store = new NotifyTargetStore(query(orm));
    const targets = await store.list(bot);
    const counts = await store.counts(targets.map((t) => t.id));
    const rows = targets.map((t) => {
      const c = counts.get(t.id);
      return [
        String(t.id),
        t.bot,
        t.target.kind,
        describeTarget(t.target),
        String(c?.queued ?? 0),
        String(c?.sent ?? 0),
        String(c?.dead ?? 0),
        c?.lastError ?? '',
      ];
    });
    printTable(ctx, ['ID', 'BOT', 'CHANNEL', 'DESTINATION', 'QUEUED', 'SENT', 'DEAD', 'LAST ERROR'], rows);
    if (targets.length === 0) ctx.err('(no notification targets: add one with notify:add)');
  });
}

export async function notifyRemove(ctx: CommandContext, flags: Flags): Promise<void> {
  const id = targetId(flags, 'a target ID (notify:remove ID)');
  flags.done();
  await ctx.withDatabase(async (orm) => {
    if (!(await new NotifyTargetStore(query(orm)).remove(id))) throw new UsageError(`no notification target ${id} (see notify:list)`);
    ctx.out(`Removed target ${id}; its queued notifications are dropped.`);
  });
}

/** The dead letters (newest first): what was given up on and why. */
export async function notifyDead(ctx: CommandContext, flags: Flags): Promise<void> {
  const bot = flags.optional('bot');
  flags.done();
  await ctx.withDatabase(async (orm) => {
    const dead = await new NotifyOutboxStore(query(orm)).deadLetters(200, bot);
    printTable(
      ctx,
      ['OUTBOX ID', 'TARGET', 'BOT', 'CHANNEL', 'LEDGER SEQ', 'TRIES', 'QUEUED AT', 'STATUS', 'ERROR'],
      dead.map((d) => [
        String(d.id),
        String(d.targetId),
        d.bot,
        d.kind,
        String(d.ledgerSeq),
        String(d.attempts),
        d.createdAt.toISOString(),
        String(d.lastStatus ?? ''),
        d.lastError ?? '',
      ]),
    );
    if (dead.length === 0) ctx.err('(no dead letters)');
  });
}

/** Every dead letter (of --bot) back in the queue, due now, with a fresh retry window. */
export async function notifyRetry(ctx: CommandContext, flags: Flags): Promise<void> {
  const bot = flags.optional('bot');
  flags.done();
  await ctx.withDatabase(async (orm) => {
    const outbox = new NotifyOutboxStore(query(orm));
    const dead = await outbox.deadLetters(1_000_000, bot);
    const n = await outbox.requeue(dead.filter((d) => d.lastError !== TARGET_REMOVED).map((d) => d.id));
    ctx.out(`Requeued ${n} notification${n === 1 ? '' : 's'}.`);
  });
}

/** Sends one notification to a target now, outside the outbox, and says what the receiver answered. */
export async function notifyTest(ctx: CommandContext, flags: Flags): Promise<void> {
  const id = targetId(flags, 'a target ID (notify:test ID)');
  flags.done();
  await ctx.withDatabase(async (orm) => {
    const q = query(orm);
    const stored = (await new NotifyTargetStore(q).byIds([id])).get(id);
    if (!stored || stored.removedAt) throw new UsageError(`no notification target ${id} (see notify:list)`);
    const n = await sampleFor(q, stored.bot, ctx.config.publicUrl ?? `http://localhost:${ctx.config.port}`);
    const outcome = await createDeliver(ctx.config.notify)(n, stored.target);
    if (outcome.ok) ctx.out(`Delivered a test ${n.kind} (${n.id}) to target ${id}: HTTP ${outcome.status}.`);
    else throw new Error(`target ${id} refused the test notification${outcome.status ? ` (HTTP ${outcome.status})` : ''}: ${outcome.error}`);
  });
}

/** The bot's latest notified event (marked as a test), or a made-up opened trade when it has none. */
async function sampleFor(q: ReturnType<typeof query>, bot: string, baseUrl: string): Promise<Notification> {
  const latest = await q(
    `select l.seq from ledger l join paper_trades p on p.id = l.trade_id and ${systemTradeSql('p')} where p.bot = ? and l.kind in ('trade_opened', 'trade_leg', 'trade_closed') order by l.seq desc limit 1`,
    [bot],
  );
  const seq = latest[0] ? Number(latest[0].seq) : null;
  const real = seq === null ? undefined : (await loadNotifications(q, [seq], baseUrl)).get(seq);
  const at = new Date().toISOString();
  if (real) return { ...real, id: `pb-test-${Date.now()}` };
  return {
    id: `pb-test-${Date.now()}`,
    kind: 'trade.opened',
    at,
    bot,
    botDisplayName: null,
    tradeUrl: `${baseUrl}/bots/${encodeURIComponent(bot)}`,
    trade: {
      id: 0,
      symbol: 'BTCUSDT',
      direction: 'LONG',
      marketType: 'SPOT',
      timeframe: '1h',
      leverage: 1,
      entryPrice: 50_000,
      takeProfit: [51_000, 52_000],
      stopLoss: 49_000,
      positionSize: 100,
      status: 'OPEN',
    },
    ledger: { seq: 0, hash: '0'.repeat(64) },
  };
}

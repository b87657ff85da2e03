// The outbox is written by the ledger's own statement batch (SPEC §14): a public bot's opened,
// leg and closed events queue one row per live target; a private bot's and a user's trades queue
// none; a rolled-back event queues nothing; the worker's claim leases rows once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knex } from '@mikro-orm/knex';
import { openTestStore, type TestStore } from '../helpers/db.ts';
import { closeOf, INGEST, longSignal } from './fixtures.ts';
import { NotifyTargetStore } from '../../server/persistence/notify-targets.ts';
import { NotifyOutboxStore } from '../../server/persistence/notify-outbox.ts';
import { loadNotifications } from '../../server/persistence/notify-events.ts';
import { SqlRunner } from '../../server/persistence/sql-runner.ts';

let t: TestStore;
let other: ReturnType<typeof knex>;
let targets: NotifyTargetStore;
let outbox: NotifyOutboxStore;
const q = (sql: string, b?: readonly unknown[]) => new SqlRunner(t.orm).query(sql, b);

const rowsOf = async (tradeId: number) =>
  (
    (await other.raw(
      `select o.target_id, l.kind from notify_outbox o join ledger l on l.seq = o.ledger_seq where l.trade_id = ? order by o.ledger_seq, o.target_id`,
      [tradeId],
    )) as { rows: { target_id: number; kind: string }[] }
  ).rows;

beforeAll(async () => {
  t = await openTestStore();
  other = knex({ client: 'pg', connection: t.db.url, pool: { min: 1, max: 2 } });
  targets = new NotifyTargetStore(q);
  outbox = new NotifyOutboxStore(q);
  await other.raw(`insert into bots (name, visibility) values ('hidden-bot', 'private'), ('quiet-bot', 'unlisted')`);
});
afterAll(async () => {
  await other?.destroy();
  await t?.close();
});

describe('notification outbox', () => {
  it("queues a public bot's opened and closed events once per live target, in the ledger's commit", async () => {
    const a = await targets.add('test-bot', { kind: 'webhook', url: 'http://127.0.0.1:9/a', secret: 'x'.repeat(32) });
    const b = await targets.add('test-bot', { kind: 'telegram', botToken: `1:${'A'.repeat(35)}`, chatId: '42' });
    const gone = await targets.add('test-bot', { kind: 'webhook', url: 'http://127.0.0.1:9/gone', secret: 'y'.repeat(32) });
    await targets.add('another-bot', { kind: 'webhook', url: 'http://127.0.0.1:9/other', secret: 'z'.repeat(32) });
    expect(await targets.remove(gone.id)).toBe(true);
    const trade = (await t.store.ingestSignal(longSignal(), INGEST)).trade!;
    expect(await rowsOf(trade.id)).toEqual([
      { target_id: a.id, kind: 'trade_opened' },
      { target_id: b.id, kind: 'trade_opened' },
    ]);
    expect(await t.store.closeTrade(closeOf(trade.id))).toBe(true);
    expect((await rowsOf(trade.id)).map((r) => r.kind)).toEqual(['trade_opened', 'trade_opened', 'trade_closed', 'trade_closed']);
    // What the receiver is told, read back from the ledger rows.
    const seqs = (await other.raw(`select ledger_seq from notify_outbox where target_id = ? order by ledger_seq`, [a.id])).rows.map(
      (r: { ledger_seq: string }) => Number(r.ledger_seq),
    );
    const told = await loadNotifications(q, seqs, 'https://paper.example');
    expect(told.get(seqs[0]!)).toMatchObject({
      kind: 'trade.opened',
      bot: 'test-bot',
      tradeUrl: `https://paper.example/trades/${trade.id}`,
      trade: { id: trade.id, symbol: 'BTCUSDT', direction: 'LONG', entryPrice: 50_000, takeProfit: [52_000], stopLoss: 49_000 },
    });
    expect(told.get(seqs[1]!)).toMatchObject({ kind: 'trade.closed', close: { status: 'CLOSED_TP', reason: 'TP', exitPrice: 52_000, profitLoss: 3.796 } });
    expect(told.get(seqs[0]!)!.id).toMatch(/^pb-\d+-[0-9a-f]{16}$/);
  });

  it("queues an unlisted bot's events, never a private bot's or a user's", async () => {
    await targets.add('quiet-bot', { kind: 'webhook', url: 'http://127.0.0.1:9/q', secret: 'q'.repeat(32) });
    await targets.add('hidden-bot', { kind: 'webhook', url: 'http://127.0.0.1:9/h', secret: 'h'.repeat(32) });
    const quiet = (await t.store.ingestSignal(longSignal({ source: 'quiet-bot' }), INGEST)).trade!;
    expect((await rowsOf(quiet.id)).map((r) => r.kind)).toEqual(['trade_opened']);
    const hidden = (await t.store.ingestSignal(longSignal({ source: 'hidden-bot' }), INGEST)).trade!;
    expect(hidden.userId).toBe(-1);
    expect(await t.store.closeTrade(closeOf(hidden.id))).toBe(true);
    // A user's trade of the same bot name's signal cannot exist; a user's own trade closes with no event.
    const user = (await other.raw(`insert into users (username, password_hash) values ('ann', '!') returning id`)).rows[0].id as number;
    const own = (
      await other.raw(
        `insert into paper_trades (user_id, symbol, direction, market_type, timeframe, confidence, leverage, entry_price, entry_time,
           position_size, quantity, take_profit, stop_loss, status) values (?, 'BTCUSDT', 'LONG', 'SPOT', '1h', 0.5, 1, 50000, now(), 100, 0.002, 52000, 49000, 'OPEN') returning id`,
        [user],
      )
    ).rows[0].id as string;
    expect(await t.store.closeTrade(closeOf(Number(own)))).toBe(true);
    const held = await other.raw(`select count(*)::int as n from notify_outbox o join ledger l on l.seq = o.ledger_seq where l.trade_id in (?, ?)`, [
      hidden.id,
      Number(own),
    ]);
    expect(held.rows[0].n).toBe(0);
  });

  it('claims due rows once, leased; a retry waits, a dead letter stays listed', async () => {
    await other.raw(`update notify_outbox set state = 'sent'`);
    const trade = (await t.store.ingestSignal(longSignal(), INGEST)).trade!;
    const first = await outbox.claim(100, 60_000);
    expect(first.map((c) => c.attempts)).toEqual([1, 1]);
    expect(await outbox.claim(100, 60_000)).toEqual([]); // leased
    await outbox.markRetry(first[0]!.id, 60_000, 500, 'HTTP 500');
    await outbox.markDead(first[1]!.id, 401, 'Unauthorized');
    await outbox.releaseLeases();
    expect(await outbox.claim(100, 60_000)).toEqual([]); // the retry is not due yet, the dead one never
    const stats = await outbox.stats();
    expect(stats).toMatchObject({ queued: 1, dead: 1 });
    expect((await outbox.deadLetters(10)).map((d) => [d.ledgerSeq, d.lastStatus, d.lastError])).toEqual([[first[1]!.ledgerSeq, 401, 'Unauthorized']]);
    expect(await outbox.requeue([first[1]!.id])).toBe(1);
    const again = await outbox.claim(100, 60_000);
    expect(again.map((c) => [c.id, c.attempts])).toEqual([[first[1]!.id, 1]]);
    expect((await rowsOf(trade.id)).length).toBe(2);
  });

  it('prunes delivered rows past the keep window, never queued or dead ones', async () => {
    await other.raw(`update notify_outbox set state = 'sent', sent_at = now() - interval '8 days' where id = (select min(id) from notify_outbox)`);
    const before = Number((await other.raw(`select count(*) as n from notify_outbox`)).rows[0].n);
    expect(await outbox.pruneSent(7)).toBe(1);
    expect(Number((await other.raw(`select count(*) as n from notify_outbox`)).rows[0].n)).toBe(before - 1);
    expect(await outbox.pruneSent(7)).toBe(0);
  });

  it("keeps a target's events in ledger order: a later one waits while an earlier one awaits its retry", async () => {
    await other.raw(`update notify_outbox set state = 'sent'`);
    const trade = (await t.store.ingestSignal(longSignal(), INGEST)).trade!;
    await t.store.closeTrade(closeOf(trade.id));
    const claimed = await outbox.claim(100, 60_000);
    // Two targets of test-bot, each with the opening and the close.
    expect(claimed).toHaveLength(4);
    const [opened, closed] = claimed.filter((c) => c.targetId === claimed[0]!.targetId);
    expect(closed!.ledgerSeq).toBeGreaterThan(opened!.ledgerSeq);
    await outbox.markRetry(opened!.id, 60_000, 500, 'HTTP 500');
    await outbox.release([closed!.id]);
    await other.raw(`update notify_outbox set state = 'sent' where id <> all(?::bigint[])`, [[opened!.id, closed!.id]]);
    expect(await outbox.claim(100, 60_000), 'the close waits for the opening').toEqual([]);
    await other.raw(`update notify_outbox set next_attempt_at = now() where id = ?`, [opened!.id]);
    const next = await outbox.claim(100, 60_000);
    expect(next.map((c) => [c.id, c.attempts])).toEqual([
      [opened!.id, 2],
      [closed!.id, 1],
    ]);
  });
});

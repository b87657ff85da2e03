// Issue 21 under kill -9: the notification outbox loses nothing between an event's commit and its
// delivery. A server process (PostgreSQL outside it) acks signals — each ack means its event and
// its outbox rows are committed — while its webhook receiver holds every request unanswered; the
// Node process is SIGKILLed with one delivery in flight and the rest queued. Restarted on the same
// database with the receiver well, every event is delivered, each with its ledger row's key. A
// second round kills it while deliveries succeed: an event may arrive twice (at least once: it was
// delivered, the kill came before its row was marked sent) but only the one in flight, never more.
import { afterAll, describe, expect, it } from 'vitest';
import knex, { type Knex } from 'knex';
import type { Socket } from 'socket.io-client';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { connectBot, connected, waitFor } from '../helpers/sockets.ts';
import { runCli } from '../cli/run-cli.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../fakes/webhook-receiver.ts';
import { killNodeOnly, spawnServer, terminate, type ChildServer } from './support/child-server.ts';

const TOKEN = 'kill9-notify-bot-token-0123456789';
const SECRET = 'kill9-notify-secret-0123456789ab';
const N = 25;
const ENV = { BOT_TOKEN: TOKEN, NOTIFY_POLL_MS: '50', NOTIFY_BACKOFF_BASE_MS: '50', NOTIFY_BACKOFF_MAX_MS: '200', NOTIFY_TIMEOUT_MS: '60000' };

let db: TestDatabase | null = null;
let k: Knex | null = null;
let server: ChildServer | null = null;
let receiver: WebhookReceiver | null = null;
let bot: Socket | null = null;

afterAll(async () => {
  bot?.close();
  if (server) await terminate(server);
  await receiver?.close();
  await k?.destroy();
  await db?.drop();
});

/** The idempotency keys the ledger says these trades' opened events have. */
async function expectedKeys(tradeIds: readonly number[]): Promise<Set<string>> {
  const rows = await k!.raw(`select seq, hash from ledger where kind = 'trade_opened' and trade_id = any(?::bigint[])`, [[...tradeIds]]);
  return new Set((rows.rows as { seq: string; hash: string }[]).map((r) => `pb-${r.seq}-${r.hash.slice(0, 16)}`));
}

async function sendSignals(prefix: string): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < N; i++) {
    const ack = (await bot!
      .timeout(10_000)
      .emitWithAck('signal', { external_id: `${prefix}-${i}`, symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 120, sl: 80 })) as {
      ok: boolean;
      trade_id: number;
    };
    expect(ack.ok).toBe(true);
    ids.push(ack.trade_id);
  }
  return ids;
}

async function restart(): Promise<void> {
  bot?.close();
  server = await spawnServer({ ...ENV, DATABASE_URL: db!.url });
  bot = connectBot(server.url, TOKEN);
  await connected(bot);
}

describe('kill -9 between commit and delivery', () => {
  it(`delivers every acknowledged event after a restart, none twice beyond the one in flight (${N} signals a round)`, async () => {
    db = await createTestDatabase();
    k = knex({ client: 'pg', connection: db.url, pool: { min: 0, max: 2 } });
    receiver = await startWebhookReceiver(SECRET);
    await restart();
    const added = await runCli(['notify:add', 'default', '--webhook', receiver.url, '--secret', SECRET], { DATABASE_URL: db.url });
    expect(added.code, added.stderr).toBe(0);

    // Round 1: nothing is answered; killed with one request held and the rest queued.
    receiver.failFor(3_600_000, { status: 503, delayMs: 20_000 });
    const first = await sendSignals('r1');
    await waitFor(() => receiver!.deliveries.length >= 1, 10_000, 'a delivery in flight');
    killNodeOnly(server!.pid);
    await server!.exited;
    const queued = await k.raw(`select count(*)::int as n from notify_outbox where state = 'queued'`);
    expect(queued.rows[0].n, 'all queued at the kill').toBe(N);

    receiver.failFor(0);
    await restart();
    const want1 = await expectedKeys(first);
    const ok = () => receiver!.deliveries.filter((d) => d.status === 200);
    await waitFor(() => new Set(ok().map((d) => d.idempotencyKey)).size >= N, 20_000, 'round 1 delivered after the restart');
    expect(new Set(ok().map((d) => d.idempotencyKey))).toEqual(want1);
    expect(ok().length, 'nothing had been delivered before the kill: each once').toBe(N);

    // Round 2: killed while deliveries succeed (each answered after 100 ms).
    receiver.failFor(3_600_000, { status: 200, delayMs: 100 });
    const second = await sendSignals('r2');
    await waitFor(() => ok().length >= N + 3, 10_000, 'a few of round 2 delivered');
    killNodeOnly(server!.pid);
    await server!.exited;
    receiver.failFor(0);
    await restart();
    const want2 = await expectedKeys(second);
    await waitFor(() => [...want2].every((key) => ok().some((d) => d.idempotencyKey === key)), 20_000, 'round 2 delivered after the restart');
    const times = new Map<string, number>();
    for (const d of ok()) if (want2.has(d.idempotencyKey!)) times.set(d.idempotencyKey!, (times.get(d.idempotencyKey!) ?? 0) + 1);
    const twice = [...times.values()].filter((n) => n > 1);
    expect(twice.length, 'delivered twice: at most the one in flight at the kill').toBeLessThanOrEqual(1);
    expect(Math.max(...times.values())).toBeLessThanOrEqual(2);
    expect(receiver.deliveries.every((d) => d.signatureValid)).toBe(true);
    await waitFor(
      async () => (await k!.raw(`select count(*)::int as n from notify_outbox where state <> 'sent'`)).rows[0].n === 0,
      10_000,
      'every outbox row marked sent',
    );
    console.log(`kill9-notifications: ${JSON.stringify({ round1: N, round2: N, duplicatesRound2: twice.length })}`);
  }, 120_000);
});

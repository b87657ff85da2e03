// Outbound webhooks end to end (SPEC §14, issue 21): a real server, a target added with the CLI, a
// managed signal that opens, fills a target and closes, and a local receiver that checks every
// signature with its own HMAC code. The receiver answers 500 for a while: the event is delivered
// once after it recovers, with the same idempotency key on every try; a receiver that never
// recovers is dead-lettered after the retry window and listed by notify:dead; /metrics counts it all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connected, waitFor } from '../helpers/sockets.ts';
import { runCli } from '../cli/run-cli.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../fakes/webhook-receiver.ts';

const SECRET = 'receiver-secret-0123456789abcdef';
let server: TestServer;
let bot: Socket;
let healthy: WebhookReceiver;
let broken: WebhookReceiver;
let ts = Date.now();

const tick = (price: number) => bot.timeout(5000).emitWithAck('prices', { ticks: [{ symbol: 'ETHUSDT', price, ts: ++ts }] });
const cli = (args: string[]) => runCli(args, { DATABASE_URL: server.db.url });
const metric = async (name: string): Promise<number> => {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))].reduce((s, m) => s + Number(m[1]), 0);
};

beforeAll(async () => {
  // A short retry window and fast backoff: the dead-letter path within the test's time.
  server = await startTestServer({ NOTIFY_POLL_MS: '50', NOTIFY_BACKOFF_BASE_MS: '100', NOTIFY_BACKOFF_MAX_MS: '400', NOTIFY_RETRY_HOURS: '0.001' });
  healthy = await startWebhookReceiver(SECRET);
  broken = await startWebhookReceiver(SECRET, '/broken');
  broken.failFor(3_600_000, { status: 503 });
  bot = connectBot(server.url, server.botToken);
  await connected(bot);
  await tick(100);
});
afterAll(async () => {
  bot?.close();
  await server?.stop();
  await healthy?.close();
  await broken?.close();
});

describe('webhook notifications', () => {
  it('delivers opened, each leg and closed, signed, once each after the receiver recovers', async () => {
    const added = await cli(['notify:add', 'default', '--webhook', healthy.url, '--secret', SECRET]);
    expect(added.code, added.stderr).toBe(0);
    expect((await cli(['notify:add', 'default', '--webhook', broken.url, '--secret', SECRET])).code).toBe(0);
    // Without --secret one is made and printed once, for the receiver; never shown again.
    const generated = await cli(['notify:add', 'quiet-bot', '--webhook', 'https://hooks.example/in?token=abc']);
    expect(generated.code, generated.stderr).toBe(0);
    expect(generated.stdout.trim()).toMatch(/^[0-9a-f]{64}$/);
    const listed = await cli(['notify:list']);
    expect(listed.stdout).toContain(healthy.url);
    expect(listed.stdout).toContain('https://hooks.example/in');
    for (const secret of [SECRET, generated.stdout.trim(), 'token=abc']) expect(listed.stdout).not.toContain(secret);
    expect((await cli(['notify:add', 'default', '--webhook', 'ftp://x'])).code).toBe(2);
    expect((await cli(['notify:add', 'default'])).stderr).toContain('exactly one of');

    healthy.failFirst(3, { status: 500 });
    const ack = (await bot.timeout(5000).emitWithAck('signal', {
      external_id: 'wh-1',
      symbol: 'ETHUSDT',
      direction: 'LONG',
      entry: 100,
      tp: [110, 120],
      tp_allocation: [0.5, 0.5],
      sl: 90,
      sl_mode: 'breakeven',
    })) as { ok: boolean; trade_id: number };
    expect(ack.ok).toBe(true);
    await tick(111); // TP1
    await tick(121); // TP2: the rest, closes
    await server.app.engine.flush(5000);

    const ok = () => healthy.deliveries.filter((d) => d.status === 200);
    await waitFor(() => ok().length >= 4, 15_000, 'opened, two legs and closed delivered');
    const bodies = ok().map((d) => JSON.parse(d.body) as { id: string; kind: string; trade: { id: number }; leg?: { kind: string }; ledger: { seq: number } });
    expect(bodies.map((b) => [b.kind, b.leg?.kind ?? null])).toEqual([
      ['trade.opened', null],
      ['trade.leg', 'TP1'],
      ['trade.leg', 'TP2'],
      ['trade.closed', null],
    ]);
    for (const b of bodies) expect(b.trade.id).toBe(ack.trade_id);
    expect(healthy.deliveries.every((d) => d.signatureValid)).toBe(true);
    // The opened event was tried 4 times (3 × 500, then 200) with one idempotency key, delivered once.
    const openedKey = ok()[0]!.idempotencyKey!;
    expect(openedKey).toBe(bodies[0]!.id);
    expect(healthy.deliveries.filter((d) => d.idempotencyKey === openedKey).map((d) => d.status)).toEqual([500, 500, 500, 200]);
    expect(new Set(ok().map((d) => d.idempotencyKey)).size).toBe(4);
    // Each event's key is its ledger row: the public ledger has those seqs for this trade.
    const ledger = (await (await fetch(`${server.url}/api/public/ledger/?page_size=100`)).json()) as {
      results: { seq: number; trade_id: number; kind: string }[];
    };
    const seqs = ledger.results.filter((r) => r.trade_id === ack.trade_id && r.kind !== 'signal_received').map((r) => r.seq);
    expect(bodies.map((b) => b.ledger.seq).sort((a, b) => a - b)).toEqual(seqs.sort((a, b) => a - b));

    // The receiver that never recovers: dead after the window (3.6 s), listed, counted.
    await waitFor(async () => (await metric('paperbook_notifications_dead')) === 4, 20_000, 'four dead letters');
    const dead = await cli(['notify:dead']);
    expect(dead.code).toBe(0);
    expect(dead.stdout.split('\n').filter((l) => l.includes('webhook')).length).toBe(4);
    expect(dead.stdout).toContain('503');
    expect(await metric('paperbook_notifications_queued')).toBe(0);
    expect(await metric('paperbook_notifications_sent_total')).toBe(4);
    expect(await metric('paperbook_notifications_failed_total')).toBeGreaterThanOrEqual(3 + 4);
    expect(new Set(broken.deliveries.map((d) => d.idempotencyKey)).size).toBe(4);

    // Requeued by the operator once the receiver is fixed: delivered with the same keys.
    broken.failFor(0);
    const retried = await cli(['notify:retry']);
    expect(retried.stdout).toContain('Requeued 4');
    await waitFor(() => broken.deliveries.filter((d) => d.status === 200).length === 4, 10_000, 'requeued delivered');
    expect(new Set(broken.deliveries.filter((d) => d.status === 200).map((d) => d.idempotencyKey))).toEqual(new Set(ok().map((d) => d.idempotencyKey)));
  }, 60_000);

  it('a removed target gets nothing more', async () => {
    const list = await cli(['notify:list', '--bot', 'default']);
    const ids = [...list.stdout.matchAll(/^(\d+)\s+default/gm)].map((m) => m[1]!);
    for (const id of ids) expect((await cli(['notify:remove', id])).code).toBe(0);
    expect((await cli(['notify:remove', ids[0]!])).code).toBe(2);
    const before = healthy.deliveries.length;
    await bot.timeout(5000).emitWithAck('signal', { external_id: 'wh-2', symbol: 'ETHUSDT', direction: 'SHORT', entry: 120, tp: 100, sl: 130 });
    await new Promise((r) => setTimeout(r, 500));
    expect(healthy.deliveries.length).toBe(before);
  });
});

// SIGTERM mid-burst: every acked signal is durable, the process exits 0 within 10 s (SPEC §7).
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import knex from 'knex';
import type { SignalAck } from '../../shared/protocol-types.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { connectBot, connected } from '../helpers/sockets.ts';
import { warnIfFails } from '../helpers/best-effort.ts';

let db: TestDatabase;
afterAll(async () => {
  await db?.drop().catch(warnIfFails('dropping the test database'));
});

describe('graceful shutdown', () => {
  it('SIGTERM mid-burst: acked signals are durable and the exit is 0 within 10 s', async () => {
    db = await createTestDatabase();
    const token = 'shutdown-test-token';
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: { ...process.env, DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1', PRICE_FEED: 'bot', BOT_TOKEN: token, LOG_LEVEL: 'warn', DEMO_BOT: 'off' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no URL printed:\n${out}`)), 60_000);
      const poll = setInterval(() => {
        const m = /live at (http:\/\/[^/\s]+)/.exec(out);
        if (m) {
          clearInterval(poll);
          clearTimeout(t);
          resolve(m[1]!.replace('localhost', '127.0.0.1'));
        }
      }, 20);
    });

    const bot = connectBot(url, token);
    await connected(bot);
    const acked: number[] = [];
    let sent = 0;
    const burst = (async () => {
      while (sent < 2000) {
        const i = sent++;
        const ack: SignalAck | null = await bot
          .timeout(3000)
          .emitWithAck('signal', { external_id: `sd-${i}`, symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 110, sl: 90 })
          .catch(() => null);
        if (ack?.ok) acked.push(ack.signal_id);
        if (!ack) break;
      }
    })();
    const burst2 = (async () => {
      // 20 in flight at once, so the SIGTERM lands with writes queued.
      await Promise.all(
        Array.from({ length: 20 }, async () => {
          while (sent < 2000) {
            const i = sent++;
            const ack: SignalAck | null = await bot
              .timeout(3000)
              .emitWithAck('signal', { external_id: `sd-${i}`, symbol: 'ETHUSDT', direction: 'SHORT', entry: 100, tp: 90, sl: 110 })
              .catch(() => null);
            if (ack?.ok) acked.push(ack.signal_id);
            if (!ack) break;
          }
        }),
      );
    })();
    await new Promise((r) => setTimeout(r, 300));
    const killedAt = Date.now();
    child.kill('SIGTERM');
    const code = await exited;
    const took = Date.now() - killedAt;
    await Promise.allSettled([burst, burst2]);
    bot.close();

    expect(code, out).toBe(0);
    expect(took).toBeLessThan(10_000);
    expect(acked.length).toBeGreaterThan(0);
    const k = knex({ client: 'pg', connection: db.url });
    try {
      const rows = (
        await k.raw('SELECT s.id, count(t.id)::int AS trades FROM signals s LEFT JOIN paper_trades t ON t.signal_id = s.id AND t.user_id IS NULL GROUP BY s.id')
      ).rows as Array<{ id: string; trades: number }>;
      const bySignal = new Map(rows.map((r) => [Number(r.id), r.trades]));
      for (const id of acked) expect(bySignal.get(id), `acked signal ${id}`).toBe(1);
    } finally {
      await k.destroy();
    }
  }, 90_000);
});

// `/metrics` passes the Prometheus ecosystem's own lint (issue 21, item 5): `promtool check metrics`
// from Debian's `prometheus` package, over what a live server answers after signals, a close and
// HTTP traffic (so every family has samples). Locally a machine without promtool skips this,
// loudly; in CI (`CI` set) it never skips: .ci/run installs the package.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connected } from '../helpers/sockets.ts';

const PROMTOOL = '/usr/bin/promtool';
const hasPromtool = existsSync(PROMTOOL) || Boolean(process.env.CI);
if (!hasPromtool) {
  console.warn(`\n${'!'.repeat(78)}\n!! promtool check SKIPPED: no ${PROMTOOL} (apt-get install -y prometheus)\n${'!'.repeat(78)}\n`);
}

describe.runIf(hasPromtool)('/metrics under promtool', { timeout: 120_000 }, () => {
  let server: TestServer;
  let bot: Socket;

  beforeAll(async () => {
    server = await startTestServer();
    bot = connectBot(server.url, server.botToken);
    await connected(bot);
    await bot.timeout(5000).emitWithAck('prices', { ticks: [{ symbol: 'BTCUSDT', price: 100, ts: Date.now() }] });
    for (const [id, tp] of [
      ['m-1', 101],
      ['m-2', 120],
    ] as const) {
      await bot.timeout(5000).emitWithAck('signal', { external_id: id, symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp, sl: 90 });
    }
    await bot.timeout(5000).emitWithAck('prices', { ticks: [{ symbol: 'BTCUSDT', price: 102, ts: Date.now() }] });
    await server.app.engine.flush(5000);
    await fetch(`${server.url}/api/public/paper-trading/summary/`);
    await fetch(`${server.url}/api/public/nothing-here`);
  });
  afterAll(async () => {
    bot?.close();
    await server?.stop();
  });

  it('passes `promtool check metrics` with no problem reported', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toContain('paperbook_signals_total');
    const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(r.error, 'promtool did not run').toBeUndefined();
    expect(`${r.stdout}${r.stderr}`.trim(), 'promtool findings').toBe('');
    expect(r.status).toBe(0);
  });
});

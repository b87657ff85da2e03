// Lighthouse 12.2.3 (the last that runs on Node 20) in Debian Chromium against the real server with
// trades in it: accessibility ≥ 95 on /bot-performance, /bots and /trades/ID (issue 20). The
// performance score is measured and printed; it is a benchmark figure, not asserted (timing on a
// shared 2-core machine).
import { createServer } from 'node:net';
import lighthouse from 'lighthouse';
import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connected } from '../helpers/sockets.ts';
import { CHROMIUM, ensureBuilt, hasChromium } from './browser.ts';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

describe.skipIf(!hasChromium)('lighthouse', () => {
  let server: TestServer;
  let browser: Browser;
  let bot: Socket;
  let port: number;
  let tradeId: number;

  beforeAll(async () => {
    await ensureBuilt();
    server = await startTestServer();
    bot = connectBot(server.url, server.botToken);
    await connected(bot);
    let ts = Date.now();
    const tick = (price: number) => bot.timeout(5000).emitWithAck('prices', { ticks: [{ symbol: 'BTCUSDT', price, ts: ++ts }] });
    await tick(100);
    const ack = await bot
      .timeout(5000)
      .emitWithAck('signal', { external_id: 'lh-1', symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: [110, 120], sl: 90 });
    await bot.timeout(5000).emitWithAck('signal', { external_id: 'lh-2', symbol: 'BTCUSDT', direction: 'SHORT', entry: 100, tp: 90, sl: 130 });
    await tick(111);
    tradeId = ack.trade_id;
    port = await freePort();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--remote-debugging-port=${port}`,
      ],
    });
  }, 180_000);
  afterAll(async () => {
    bot?.close();
    await browser?.close();
    await server?.stop();
  });

  it('scores accessibility ≥ 95 on the record, the leaderboard and a trade page', async () => {
    const scores: Record<string, { accessibility: number; performance: number; failing: string[] }> = {};
    for (const path of ['/bot-performance', '/bots', `/trades/${tradeId}`]) {
      const r = await lighthouse(server.url + path, { port, output: 'json', logLevel: 'error', onlyCategories: ['accessibility', 'performance'] });
      const lhr = r!.lhr;
      const a11y = lhr.categories.accessibility!;
      const failing = a11y.auditRefs.filter((ref) => ref.weight > 0 && (lhr.audits[ref.id]?.score ?? 1) < 1).map((ref) => ref.id);
      for (const id of failing) {
        const items = (lhr.audits[id]?.details as { items?: { node?: { snippet?: string; explanation?: string } }[] } | undefined)?.items ?? [];
        for (const it of items.slice(0, 5)) console.log(path, id, it.node?.snippet, it.node?.explanation?.split('\n')[1]);
      }
      scores[path] = { accessibility: Math.round(a11y.score! * 100), performance: Math.round(lhr.categories.performance!.score! * 100), failing };
    }
    console.log('lighthouse', JSON.stringify(scores));
    for (const [path, s] of Object.entries(scores)) expect(s.accessibility, `${path}: ${s.failing.join(', ')}`).toBeGreaterThanOrEqual(95);
  }, 240_000);
});

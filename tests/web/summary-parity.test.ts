// The page shows the same figures as GET /api/public/paper-trading/summary/ (issue 5), formatted the
// page's way, after real trades opened and closed through a bot on the real server.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SummaryJson } from '../../shared/protocol-types.ts';
import { amount, money, pct, ratio } from '../../web/src/lib/format.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connected, waitFor } from '../helpers/sockets.ts';
import { ensureBuilt, hasChromium, launchChromium } from './browser.ts';

describe.skipIf(!hasChromium)('summary cards match the REST summary', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    await ensureBuilt();
    server = await startTestServer();
    const bot = connectBot(server.url, server.botToken);
    await connected(bot);
    const send = (p: Record<string, unknown>) => bot.timeout(5000).emitWithAck('signal', p);
    const tick = (symbol: string, price: number) => bot.timeout(5000).emitWithAck('prices', { ticks: [{ symbol, price, ts: Date.now() }] });
    await send({ external_id: 'p1', symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 110, sl: 90 });
    await send({ external_id: 'p2', symbol: 'ETHUSDT', direction: 'SHORT', entry: 50, tp: 45, sl: 55 });
    await send({ external_id: 'p3', symbol: 'SOLUSDT', direction: 'LONG', entry: 200, tp: 220, sl: 180 });
    await tick('BTCUSDT', 111); // TP: a win
    await tick('ETHUSDT', 56); // SL with a gap: a loss
    await tick('SOLUSDT', 205);
    await waitFor(async () => {
      const s = (await (await fetch(`${server.url}/api/public/paper-trading/summary/`)).json()) as { performance: SummaryJson };
      return s.performance.closed_trades === 2;
    });
    bot.close();
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('win rate, P/L, counts, profit factor, drawdown and fees are the REST figures', async () => {
    const { performance: s } = (await (await fetch(`${server.url}/api/public/paper-trading/summary/`)).json()) as { performance: SummaryJson };
    const page = await browser.newPage();
    await page.goto(`${server.url}/bot-performance`);
    const card = (id: string) => page.getByTestId(`card-${id}-value`).textContent();
    await expect.poll(() => card('win-rate'), { timeout: 10_000 }).toBe(pct(s.win_rate, 1, false));
    expect(s.win_rate).toBe(50);
    expect(await card('total-pl')).toBe(money(s.total_profit_loss));
    expect(await card('avg-pl')).toBe(money(s.avg_profit_loss));
    expect(await card('profitable-losing')).toBe(`${s.profitable_trades} / ${s.losing_trades}`);
    expect(await card('open-trades')).toBe(String(s.open_trades));
    expect(await card('profit-factor')).toBe(ratio(s.profit_factor));
    expect(await card('max-drawdown')).toBe(amount(s.max_drawdown));
    expect(await card('total-fees')).toBe(amount(s.total_fees));
    await page.close();
  });
});

// End to end through the real server (uWS + Socket.IO + PostgreSQL, PRICE_FEED=bot): a bot sends a
// signal and prices, and the built page and the embed ticker show what a visitor would see.
import type { Socket } from 'socket.io-client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignalAck } from '../../shared/protocol-types.ts';
import { quantityFor, unrealizedPnl } from '../../shared/trade-math.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connected } from '../helpers/sockets.ts';
import { ensureBuilt, hasChromium, launchChromium, screenshotPath } from './browser.ts';
import { signed } from './fixtures.ts';

describe.skipIf(!hasChromium)('the built page against the real server', () => {
  let server: TestServer;
  let browser: Browser;
  let bot: Socket;
  const errors: string[] = [];

  const tick = (symbol: string, price: number, market?: 'SPOT' | 'FUTURES') =>
    bot.timeout(5000).emitWithAck('prices', { ticks: [{ symbol, price, ts: Date.now(), ...(market ? { market } : {}) }] });
  const signal = (payload: Record<string, unknown>): Promise<SignalAck> => bot.timeout(5000).emitWithAck('signal', payload);

  async function open(path: string, width = 1280, height = 900): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height } });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(server.url + path);
    return page;
  }

  beforeAll(async () => {
    await ensureBuilt(); // before the server starts: it loads web/dist into memory
    server = await startTestServer();
    bot = connectBot(server.url, server.botToken);
    await connected(bot);
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    bot?.close();
    await browser?.close();
    await server?.stop();
  });

  it('a signal opens a row, ticks move its live P/L, TP closes it; cards and ticker follow', async () => {
    const page = await open('/bot-performance');
    const embed = await open('/embed/ticker', 420, 160);
    await expect.poll(() => page.getByTestId('connection').textContent()).toBe('live');
    expect(await page.getByTestId('card-open-trades-value').textContent()).toBe('0');

    await tick('BTCUSDT', 50_000);
    const ack = await signal({ external_id: 'web-e2e-1', symbol: 'BTCUSDT', direction: 'LONG', entry: 50_000, tp: 51_000, sl: 49_500 });
    if (!ack.ok || ack.trade_id === null) throw new Error(`signal rejected: ${JSON.stringify(ack)}`);
    const id = ack.trade_id;

    await expect.poll(() => page.getByTestId(`open-row-${id}`).count()).toBe(1);
    expect(await page.getByTestId('card-open-trades-value').textContent()).toBe('1');

    await tick('BTCUSDT', 50_400);
    const terms = { direction: 'LONG' as const, entryPrice: 50_000, quantity: quantityFor(100, 1, 50_000), positionSize: 100 };
    const expected = signed(unrealizedPnl(terms, 50_400, 0.001).profitLoss);
    await expect.poll(() => page.getByTestId(`open-pl-${id}`).textContent()).toContain(expected);
    expect(await page.getByTestId('card-unrealized-pl-value').textContent()).toBe(expected);
    await expect.poll(() => embed.getByTestId('ticker-open-trades').textContent(), { timeout: 5000 }).toBe('1');
    await page.screenshot({ path: screenshotPath('live-open.png'), fullPage: true });

    const curve = page.waitForResponse((r) => r.url().includes('/api/public/paper-trading/performance/'), { timeout: 10_000 });
    await tick('BTCUSDT', 51_050);
    await expect.poll(() => page.getByTestId(`closed-row-${id}`).count()).toBe(1);
    expect(await page.getByTestId(`open-row-${id}`).count()).toBe(0);
    const row = (await page.getByTestId(`closed-row-${id}`).textContent()) ?? '';
    expect(row).toContain('TP');
    expect(row).toContain('51,000.00'); // TP fills at the level, not at the tick
    expect(await page.getByTestId('card-win-rate-value').textContent()).toBe('100.0%');
    expect((await curve).ok()).toBe(true);

    await expect.poll(() => embed.getByTestId('ticker-last-closed').textContent(), { timeout: 5000 }).toContain('BTCUSDT');
    expect(await embed.getByTestId('ticker-win-rate').textContent()).toBe('100.0%');
    await page.waitForTimeout(300);
    await page.screenshot({ path: screenshotPath('live-closed.png'), fullPage: true });
    await embed.screenshot({ path: screenshotPath('live-embed-ticker.png') });
    expect(errors).toEqual([]);
  });

  it('prices a symbol held as SPOT and as FUTURES per market: each row’s live P/L from its own market (SPEC §10)', async () => {
    const page = await open('/bot-performance');
    await expect.poll(() => page.getByTestId('connection').textContent()).toBe('live');
    const opened = async (external_id: string, market_type: 'SPOT' | 'FUTURES') => {
      const ack = await signal({ external_id, symbol: 'ETHUSDT', direction: 'LONG', entry: 3_000, tp: 3_300, sl: 2_700, market_type });
      if (!ack.ok || ack.trade_id === null) throw new Error(`signal rejected: ${JSON.stringify(ack)}`);
      return ack.trade_id;
    };
    const spot = await opened('web-e2e-eth-spot', 'SPOT');
    const fut = await opened('web-e2e-eth-fut', 'FUTURES');
    await expect.poll(() => page.getByTestId(`open-row-${fut}`).count()).toBe(1);

    await tick('ETHUSDT', 3_030, 'SPOT');
    await tick('ETHUSDT', 2_970, 'FUTURES');
    const terms = { direction: 'LONG' as const, entryPrice: 3_000, quantity: quantityFor(100, 1, 3_000), positionSize: 100 };
    const pl = (price: number) => signed(unrealizedPnl(terms, price, 0.001).profitLoss);
    await expect.poll(() => page.getByTestId(`open-pl-${spot}`).textContent()).toContain(pl(3_030));
    await expect.poll(() => page.getByTestId(`open-pl-${fut}`).textContent()).toContain(pl(2_970));
    expect(await page.getByTestId(`open-price-${spot}`).textContent()).toContain('3,030');
    expect(await page.getByTestId(`open-price-${fut}`).textContent()).toContain('2,970');
    await page.screenshot({ path: screenshotPath('live-markets.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('serves /widget.js that works from another origin', async () => {
    const page = await browser.newPage({ viewport: { width: 480, height: 200 } });
    page.on('pageerror', (e) => errors.push(String(e)));
    // about:blank is another origin; the element talks to the server named in its attribute.
    await page.setContent(`<script src="${server.url}/widget.js"></script><paperbook-ticker server="${server.url}"></paperbook-ticker>`);
    await expect.poll(() => page.getByTestId('ticker-status').textContent()).toBe('live');
    await expect.poll(() => page.getByTestId('ticker-win-rate').textContent()).not.toBe('—');
    expect(errors).toEqual([]);
  });
});

// The built dashboard, widget and embed page in Chromium, against a scripted Socket.IO /public
// stream (tests/web/fake-backend.ts). What a person sees: cards, rows, status, no sideways scroll.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { unrealizedPnl } from '../../shared/trade-math.ts';
import type { TradeJson } from '../../shared/protocol-types.ts';
import { ensureBuilt, hasChromium, launchChromium, screenshotPath } from './browser.ts';
import { startFakeBackend, type FakeBackend } from './fake-backend.ts';
import { CLOSED_TP, OPEN_BTC, OPEN_ETH, signed, snapshot, summary, TICKER, trade } from './fixtures.ts';

const livePl = (t: TradeJson, price: number) =>
  unrealizedPnl({ direction: t.direction, entryPrice: t.entry_price, quantity: t.quantity, positionSize: t.position_size }, price, 0.001).profitLoss;

async function noHorizontalScroll(page: Page): Promise<{ scrollWidth: number; clientWidth: number }> {
  return page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
}

describe.skipIf(!hasChromium)('dashboard, widget and embed page in Chromium (scripted stream)', () => {
  let browser: Browser;
  let backend: FakeBackend;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    await ensureBuilt();
    browser = await launchChromium();
    backend = await startFakeBackend();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await backend?.stop();
  });

  async function open(path: string, width = 1280, height = 900): Promise<Page> {
    page = await browser.newPage({ viewport: { width, height } });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(backend.url + path);
    return page;
  }

  afterEach(async () => {
    await page?.close();
    backend.snapshot = null;
    backend.answerResync = true;
    expect(errors).toEqual([]);
    errors.length = 0;
  });

  it('shows the connecting state before any snapshot, without sideways scroll at 375 px', async () => {
    const p = await open('/bot-performance', 375, 740);
    await expect.poll(() => p.getByTestId('connection').textContent()).toBe('connecting');
    expect(await p.getByTestId('card-win-rate-value').textContent()).toBe('—');
    expect(await p.getByTestId('card-unrealized-pl-value').textContent()).toBe('—');
    expect(await p.getByTestId('open-empty').isVisible()).toBe(true);
    const { scrollWidth, clientWidth } = await noHorizontalScroll(p);
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    await p.screenshot({ path: screenshotPath('dashboard-connecting-375.png'), fullPage: true });
  });

  it('renders a snapshot: cards, open rows with live P/L from the shared math, closed rows', async () => {
    backend.snapshot = snapshot();
    backend.equityCurve = [
      { time: 1767229200, value: -1.241 },
      { time: 1767234600, value: 0.557 },
    ];
    const p = await open('/');
    await expect.poll(() => p.getByTestId('connection').textContent()).toBe('live');
    expect(await p.getByTestId('card-win-rate-value').textContent()).toBe('50.0%');
    expect(await p.getByTestId('card-total-pl-value').textContent()).toBe('+1.50');
    expect(await p.getByTestId('card-open-trades-value').textContent()).toBe('2');
    const btc = livePl(OPEN_BTC, 50_500);
    const eth = livePl(OPEN_ETH, 3250);
    expect(await p.getByTestId('card-unrealized-pl-value').textContent()).toBe(signed(btc + eth));
    expect(await p.getByTestId('card-total-pl').textContent()).toContain('▲');

    const btcRow = p.getByTestId('open-row-3');
    expect(await btcRow.textContent()).toContain('BTCUSDT');
    expect(await btcRow.textContent()).toContain('▲ Long');
    expect(await p.getByTestId('open-price-3').textContent()).toContain('50,500.00');
    expect(await p.getByTestId('open-pl-3').textContent()).toContain(signed(btc));
    expect(await p.getByTestId('open-row-4').textContent()).toContain('▼ Short');

    const tp = (await p.getByTestId('closed-row-1').textContent()) ?? '';
    expect(tp).toContain('TP');
    expect(tp).toContain('+1.80');
    expect(tp).toContain('2h 30m');
    const sl = (await p.getByTestId('closed-row-2').textContent()) ?? '';
    expect(sl).toContain('SL');
    expect(sl).toContain('\u22121.24');
    expect(sl).toContain('▼');

    await expect.poll(() => backend.performanceRequests).toBeGreaterThan(0);
    expect(await p.getByTestId('price-chart-title').textContent()).toContain('ETHUSDT');
    await p.getByTestId('open-row-3').click();
    expect(await p.getByTestId('price-chart-title').textContent()).toContain('BTCUSDT');
    // lightweight-charts draws into canvases; the TradingView attribution link stays.
    expect(await p.locator('[data-testid="price-chart"] canvas').count()).toBeGreaterThan(0);
    expect(await p.locator('a[href*="tradingview.com"]').count()).toBeGreaterThan(0);
    await p.waitForTimeout(300);
    await p.screenshot({ path: screenshotPath('dashboard-desktop.png'), fullPage: true });
  });

  it('the equity curve comes back after the server answers busy (503 + Retry-After)', async () => {
    backend.snapshot = snapshot();
    backend.equityCurve = [{ time: Date.parse('2026-01-01T02:00:00Z'), value: 1.5 }];
    backend.performanceBusy = 2;
    const before = backend.performanceRequests;
    const p = await open('/bot-performance');
    await expect.poll(() => p.getByTestId('connection').textContent()).toBe('live');
    await expect.poll(() => backend.performanceRequests - before, { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
    expect(backend.performanceBusy).toBe(0);
    // The browser logs each refused request; those two are this test's own.
    expect(errors.filter((e) => /status of 503/.test(e))).toHaveLength(2);
    errors.splice(0, errors.length, ...errors.filter((e) => !/status of 503/.test(e)));
  });

  it('applies deltas: ticks move live P/L, stale markers, opened and closed trades', async () => {
    backend.snapshot = snapshot();
    const p = await open('/bot-performance');
    await expect.poll(() => p.getByTestId('connection').textContent()).toBe('live');
    const before = backend.performanceRequests;

    backend.emitDelta({ epoch: 'epoch-1', seq: 6, events: [{ type: 'prices', prices: { BTCUSDT: [50_800, Date.now()] } }] });
    await expect.poll(() => p.getByTestId('open-pl-3').textContent()).toContain(signed(livePl(OPEN_BTC, 50_800)));
    expect(await p.getByTestId('open-price-3').textContent()).toContain('50,800.00');

    backend.emitDelta({ epoch: 'epoch-1', seq: 7, events: [{ type: 'prices', prices: {}, stale: ['ETHUSDT'] }] });
    await expect.poll(() => p.getByTestId('stale-ETHUSDT').isVisible()).toBe(true);
    expect(await p.getByTestId('open-price-4').textContent()).toContain('stale');

    const opened = trade({ id: 7, symbol: 'XRPUSDT', entry_price: 2.5, quantity: 40, take_profit: 2.6, stop_loss: 2.45 });
    const closed: TradeJson = {
      ...OPEN_BTC,
      status: 'CLOSED_TP',
      exit_price: 51_000,
      exit_time: '2026-01-01T04:00:00.000Z',
      profit_loss: 1.798,
      profit_loss_percentage: 1.798,
    };
    backend.emitDelta({
      epoch: 'epoch-1',
      seq: 8,
      events: [
        { type: 'opened', trade: opened },
        { type: 'closed', trade: closed },
        { type: 'summary', summary: summary({ closed_trades: 3, profitable_trades: 2, win_rate: 66.6667 }) },
      ],
    });
    await expect.poll(() => p.getByTestId('open-row-7').isVisible()).toBe(true);
    await expect.poll(() => p.getByTestId('open-row-3').count()).toBe(0);
    expect(await p.getByTestId('closed-row-3').textContent()).toContain('TP');
    expect(await p.getByTestId('card-win-rate-value').textContent()).toBe('66.7%');
    await expect.poll(() => backend.performanceRequests, { timeout: 5000 }).toBeGreaterThan(before);

    // Filters: direction and symbol.
    await p.getByTestId('filter-direction').selectOption('SHORT');
    expect(await p.getByTestId('open-row-7').count()).toBe(0);
    expect(await p.getByTestId('open-row-4').count()).toBe(1);
    await p.getByTestId('filter-direction').selectOption('ALL');
    await p.getByTestId('filter-symbol').selectOption('SOLUSDT');
    expect(await p.getByTestId('closed-row-1').count()).toBe(1);
    expect(await p.getByTestId('closed-row-3').count()).toBe(0);
    expect(await p.getByTestId('open-empty').isVisible()).toBe(true);
  });

  it('a price batch re-formats only the rows whose symbol moved', async () => {
    backend.snapshot = snapshot();
    const p = await open('/bot-performance');
    await expect.poll(() => p.getByTestId('open-pl-4').textContent()).toContain(signed(livePl(OPEN_ETH, 3250)));
    // Record every number the page formats from here on (the table formats through Intl.NumberFormat).
    await p.evaluate(() => {
      const seen: number[] = [];
      (window as unknown as { formatted: number[] }).formatted = seen;
      const desc = Object.getOwnPropertyDescriptor(Intl.NumberFormat.prototype, 'format')!;
      Object.defineProperty(Intl.NumberFormat.prototype, 'format', {
        configurable: true,
        get(this: Intl.NumberFormat) {
          const f = desc.get!.call(this) as (v: number) => string;
          return (v: number) => (seen.push(v), f(v));
        },
      });
    });
    backend.emitDelta({ epoch: 'epoch-1', seq: 6, events: [{ type: 'prices', prices: { BTCUSDT: [50_800, Date.now()] } }] });
    await expect.poll(() => p.getByTestId('open-pl-3').textContent()).toContain(signed(livePl(OPEN_BTC, 50_800)));
    const formatted = await p.evaluate(() => (window as unknown as { formatted: number[] }).formatted);
    expect(formatted).toContain(50_800);
    // ETH's row did not move: neither its price nor its P/L was formatted again.
    expect(formatted).not.toContain(3250);
    expect(formatted).not.toContain(Math.abs(livePl(OPEN_ETH, 3250)));
    expect(await p.getByTestId('open-price-4').textContent()).toContain('3,250.00');
  });

  it('a seq gap shows "resyncing", asks for a snapshot, and recovers from it', async () => {
    backend.snapshot = snapshot();
    backend.answerResync = false;
    const p = await open('/');
    await expect.poll(() => p.getByTestId('connection').textContent()).toBe('live');
    backend.emitDelta({ epoch: 'epoch-1', seq: 9, events: [{ type: 'opened', trade: trade({ id: 99 }) }] });
    await expect.poll(() => p.getByTestId('connection').textContent()).toBe('resyncing');
    expect(backend.resyncRequests).toBe(1);
    expect(await p.getByTestId('open-row-99').count()).toBe(0);

    const fresh = snapshot({ seq: 9, open_positions: [OPEN_ETH, trade({ id: 99 })] });
    for (const s of backend.streamSockets()) s.emit('snapshot', fresh);
    await expect.poll(() => p.getByTestId('connection').textContent()).toBe('live');
    expect(await p.getByTestId('open-row-99').count()).toBe(1);
    expect(await p.getByTestId('open-row-3').count()).toBe(0);
  });

  it('shows "reconnecting" when the connection drops and comes back live without duplicates', async () => {
    backend.snapshot = snapshot();
    const p = await open('/');
    await expect.poll(() => p.getByTestId('connection').textContent()).toBe('live');
    for (const s of backend.streamSockets()) s.conn.close();
    await expect.poll(() => p.getByTestId('connection').textContent(), { interval: 50 }).toBe('reconnecting');
    await expect.poll(() => p.getByTestId('connection').textContent(), { timeout: 10_000 }).toBe('live');
    expect(await p.locator('[data-testid^="open-row-"]').count()).toBe(2);
    expect(await p.locator('[data-testid^="closed-row-"]').count()).toBe(2);
  });

  it('has no horizontal page scroll at 375×740 with data; tables scroll in their own box', async () => {
    backend.snapshot = snapshot();
    const p = await open('/bot-performance', 375, 740);
    await expect.poll(() => p.getByTestId('connection').textContent()).toBe('live');
    await p.waitForTimeout(300);
    const { scrollWidth, clientWidth } = await noHorizontalScroll(p);
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    await p.screenshot({ path: screenshotPath('dashboard-phone-375.png'), fullPage: true });
  });

  it('/embed/ticker defines <paperbook-ticker> and shows the live ticker', async () => {
    backend.ticker = TICKER;
    const p = await open('/embed/ticker', 420, 160);
    expect(await p.evaluate(() => customElements.get('paperbook-ticker') !== undefined)).toBe(true);
    await expect.poll(() => p.getByTestId('ticker-status').textContent()).toBe('live');
    await expect.poll(() => p.getByTestId('ticker-win-rate').textContent()).toBe('50.0%');
    expect(await p.getByTestId('ticker-total-pl').textContent()).toContain('+1.50');
    expect(await p.getByTestId('ticker-unrealized-pl').textContent()).toContain('\u22120.25');
    expect(await p.getByTestId('ticker-open-trades').textContent()).toBe('2');
    expect(await p.getByTestId('ticker-last-closed').textContent()).toContain('SOLUSDT');
    backend.emitTicker({ ...TICKER, open_trades: 5, win_rate: 60 });
    await expect.poll(() => p.getByTestId('ticker-open-trades').textContent()).toBe('5');
    expect(await p.getByTestId('ticker-win-rate').textContent()).toBe('60.0%');
    await p.screenshot({ path: screenshotPath('embed-ticker.png') });
  });

  it('/widget.js works on a third-party page with server="…"', async () => {
    backend.ticker = { ...TICKER, last_closed: { ...CLOSED_TP, symbol: 'DOGEUSDT' } };
    const host: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><body style="background:#fff;font-family:sans-serif">
        <h3>Someone else's blog</h3>
        <script src="${backend.url}/widget.js"></script><script src="${backend.url}/widget.js"></script>
        <paperbook-ticker server="${backend.url}"></paperbook-ticker></body>`);
    });
    await new Promise<void>((r) => host.listen(0, '127.0.0.1', () => r()));
    try {
      page = await browser.newPage({ viewport: { width: 480, height: 240 } });
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(`http://127.0.0.1:${(host.address() as AddressInfo).port}/`);
      await expect.poll(() => page.getByTestId('ticker-last-closed').textContent()).toContain('DOGEUSDT');
      expect(await page.getByTestId('ticker-status').textContent()).toBe('live');
      await page.screenshot({ path: screenshotPath('widget-third-party.png') });
    } finally {
      host.closeAllConnections();
      await new Promise<void>((r) => host.close(() => r()));
    }
  });
});

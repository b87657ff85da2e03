// The open-position chart in Chromium (SPEC §13): it starts from the server's 1m candles (REST), the
// live price moves the last candle, a closed candle from the stream replaces its minute, and a
// price in a new minute starts a new candle. The canvas is not readable: the chart's candle count
// and its O/H/L/C legend are what the test (and a person) reads.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, hasChromium, launchChromium, screenshotPath } from './browser.ts';
import { startFakeBackend, type FakeBackend } from './fake-backend.ts';
import { snapshot } from './fixtures.ts';

const at = (iso: string) => Date.parse(iso);
const candle = (iso: string, open: number, high: number, low: number, close: number) => ({ start: at(iso), open, high, low, close, ticks: 10 });

describe.skipIf(!hasChromium)('open-position chart from candles (Chromium, scripted backend)', () => {
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
    await page?.close();
    await browser?.close();
    await backend?.stop();
  });

  it('draws the history as candles, then keeps the last one live', async () => {
    backend.snapshot = snapshot();
    // ETHUSDT (the newest open trade) is charted first; its price in the snapshot is at 03:00:00.
    backend.candles.set('ETHUSDT', [
      candle('2026-01-01T02:57:00Z', 3300, 3310, 3290, 3295),
      candle('2026-01-01T02:58:00Z', 3295, 3296, 3270, 3275),
      candle('2026-01-01T02:59:00Z', 3275, 3280, 3245, 3252),
    ]);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    await page.goto(`${backend.url}/`);
    await expect.poll(() => page.getByTestId('connection').textContent()).toBe('live');

    await expect.poll(() => backend.candleRequests).toContainEqual(expect.stringContaining('symbol=ETHUSDT'));
    expect(backend.candleRequests[0]).toContain('market_type=SPOT');
    expect(backend.candleRequests[0]).toContain('interval=1m');
    const chart = page.getByTestId('candle-chart');
    // Three from the server and the snapshot's price opening 03:00.
    await expect.poll(() => chart.getAttribute('data-candles')).toBe('4');
    const legend = page.getByTestId('candle-legend');
    expect(await legend.textContent()).toContain('O 3,250.00 H 3,250.00 L 3,250.00 C 3,250.00');

    backend.emitDelta({ epoch: 'epoch-1', seq: 6, events: [{ type: 'prices', prices: { ETHUSDT: [3262, at('2026-01-01T03:00:30Z')] } }] });
    await expect.poll(() => legend.textContent()).toContain('O 3,250.00 H 3,262.00 L 3,250.00 C 3,262.00');

    // The server's closed minute saw every tick (the page only coalesced ones): it wins.
    backend.emitCandles([{ key: 'ETHUSDT', ...candle('2026-01-01T03:00:00Z', 3250, 3270, 3240, 3255) }]);
    await expect.poll(() => legend.textContent()).toContain('O 3,250.00 H 3,270.00 L 3,240.00 C 3,255.00');
    // Another key's candle changes nothing here.
    backend.emitCandles([{ key: 'BTCUSDT', ...candle('2026-01-01T03:00:00Z', 1, 2, 1, 2) }]);

    backend.emitDelta({ epoch: 'epoch-1', seq: 7, events: [{ type: 'prices', prices: { ETHUSDT: [3258, at('2026-01-01T03:01:05Z')] } }] });
    await expect.poll(() => chart.getAttribute('data-candles')).toBe('5');
    expect(await legend.textContent()).toContain('O 3,258.00 H 3,258.00 L 3,258.00 C 3,258.00');
    expect(await page.locator('a[href*="tradingview.com"]').count()).toBeGreaterThan(0);
    await page.waitForTimeout(200);
    await page.screenshot({ path: screenshotPath('dashboard-candles.png'), fullPage: false });
    expect(errors).toEqual([]);
  });
});

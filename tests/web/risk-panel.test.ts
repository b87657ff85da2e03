// The risk and calendar panel in Chromium with the browser in Asia/Tokyo: it asks for the
// browser's zone, a close at 23:30 UTC on 31 January shows on 1 February in the heat-map and in
// February's row, and choosing UTC moves it back to 31 January.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricTrade } from '../../shared/metrics/index.ts';
import { ensureBuilt, hasChromium, launchChromium, screenshotPath } from './browser.ts';
import { startFakeBackend, type FakeBackend } from './fake-backend.ts';

const closed = (id: number, entry: string, exit: string, pl: number): MetricTrade => ({
  id,
  symbol: 'BTCUSDT',
  direction: 'LONG',
  timeframe: '1h',
  market_type: 'SPOT',
  status: pl >= 0 ? 'CLOSED_TP' : 'CLOSED_SL',
  entry_time: Date.parse(entry),
  exit_time: Date.parse(exit),
  profit_loss: pl,
  fees: 0.2,
  initial_risk: 5,
});

describe.skipIf(!hasChromium)('risk panel in Chromium', () => {
  let browser: Browser;
  let backend: FakeBackend;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    await ensureBuilt();
    browser = await launchChromium();
    backend = await startFakeBackend();
    backend.riskTrades = [closed(1, '2026-01-15T08:00:00Z', '2026-01-15T10:00:00Z', -4), closed(2, '2026-01-31T20:00:00Z', '2026-01-31T23:30:00Z', 12.5)];
  }, 180_000);
  afterAll(async () => {
    await page?.close();
    await browser?.close();
    await backend?.stop();
  });

  it('defaults to the browser zone (Asia/Tokyo): the 23:30 UTC close is on 1 February; UTC moves it to 31 January', async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, timezoneId: 'Asia/Tokyo' });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(backend.url + '/');
    const panel = page.getByTestId('risk-panel');
    await panel.scrollIntoViewIfNeeded();
    await expect.poll(() => page.getByTestId('risk-tz').textContent(), { timeout: 10_000 }).toBe('(Asia/Tokyo)');
    expect(backend.performanceTimeZones).toContain('Asia/Tokyo');
    expect(await page.getByTestId('tz-select').inputValue()).toBe('Asia/Tokyo');

    const feb1 = page.getByTestId('day-2026-02-01');
    expect(await feb1.getAttribute('title')).toBe('2026-02-01: +12.50 USDT, 1 trade');
    expect(await feb1.getAttribute('class')).toContain('up');
    expect(await page.getByTestId('day-2026-01-31').getAttribute('title')).toBe('2026-01-31: no closes');
    expect(await page.getByTestId('month-2026-02').innerText()).toMatch(/2026-02\s+\+12\.50\s+\+1\.26%/); // on 996 USDT, what January left
    expect(await page.getByTestId('month-2026-01').innerText()).toMatch(/2026-01\s+−4\.00\s+−0\.40%/);
    expect(await page.getByTestId('risk-card-streaks-value').textContent()).toBe('1 / 1');
    expect(await page.getByTestId('risk-card-avg-r-value').textContent()).toBe('+0.85 R');
    await page.screenshot({ path: screenshotPath('risk-panel-tokyo.png'), fullPage: true });

    await page.getByTestId('tz-select').selectOption('UTC');
    await expect.poll(() => page.getByTestId('risk-tz').textContent(), { timeout: 10_000 }).toBe('(UTC)');
    expect(await page.getByTestId('day-2026-01-31').getAttribute('title')).toBe('2026-01-31: +12.50 USDT, 1 trade');
    expect(await page.getByTestId('day-2026-02-01').count()).toBe(0);
    expect(await page.getByTestId('month-2026-02').count()).toBe(0);
    expect(await page.getByTestId('month-2026-01').innerText()).toMatch(/2026-01\s+\+8\.50\s+\+0\.85%/);
    expect(errors).toEqual([]);
  });
});

// Several targets, moving stops and legs (SPEC §9) on the built page in Chromium, over a scripted
// /public stream. The chart draws on canvas; its legend lists the price lines read back from it.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, hasChromium, launchChromium, screenshotPath } from './browser.ts';
import { startFakeBackend, type FakeBackend } from './fake-backend.ts';
import { OPEN_BTC, OPEN_ETH, signed, TICKER } from './fixtures.ts';
import { CLOSED_MULTI, OPEN_MULTI_AFTER_TP2, OPEN_MULTI_TRAILING, planSnapshot } from './plan-fixtures.ts';
import { unrealizedPnl } from '../../shared/trade-math.ts';

const wholePl = (t: typeof OPEN_BTC, price: number) =>
  unrealizedPnl({ direction: t.direction, entryPrice: t.entry_price, quantity: t.quantity, positionSize: t.position_size }, price, 0.001).profitLoss;

interface DrawnLine {
  id: string;
  text: string;
  price: number;
  style: string;
}

/** The chart's legend: one entry per price line the series holds. */
async function drawnLines(page: Page): Promise<DrawnLine[]> {
  return page.locator('[data-testid="price-lines"] li').evaluateAll((items) =>
    items.map((li) => ({
      id: (li.getAttribute('data-testid') ?? '').replace('price-line-', ''),
      text: (li.textContent ?? '').replace(/\s+/g, ' ').trim(),
      price: Number(li.getAttribute('data-price')),
      style: li.getAttribute('data-style') ?? '',
    })),
  );
}

describe.skipIf(!hasChromium)('several targets and legs on the dashboard (Chromium)', () => {
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

  async function open(width = 1280, height = 900): Promise<Page> {
    backend.snapshot = planSnapshot();
    page = await browser.newPage({ viewport: { width, height } });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(backend.url + '/bot-performance');
    await expect.poll(() => page.getByTestId('connection').textContent()).toBe('live');
    await page.getByTestId('open-row-8').click();
    await expect.poll(() => page.getByTestId('price-chart-title').textContent()).toContain('SOLUSDT');
    return page;
  }

  afterEach(async () => {
    await page?.close();
    backend.snapshot = null;
    expect(errors).toEqual([]);
    errors.length = 0;
  });

  it('a 3-target trade with TP1 filled: entry, three target lines (TP1 ticked) and the stop at breakeven', async () => {
    const p = await open();
    await expect
      .poll(() => drawnLines(p))
      .toEqual([
        { id: 'tp3', text: 'TP3 130.000', price: 130, style: 'solid' },
        { id: 'tp2', text: 'TP2 120.000', price: 120, style: 'solid' },
        { id: 'tp1', text: 'TP1 ✓ 110.000', price: 110, style: 'dashed' },
        // Entry and the breakeven stop share a level; the legend keeps creation order between them.
        { id: 'entry', text: 'Entry 100.000', price: 100, style: 'dashed' },
        { id: 'sl', text: 'SL (BE) 100.000', price: 100, style: 'solid' },
      ]);
    expect(await p.locator('[data-testid="price-chart"] canvas').count()).toBeGreaterThan(0);
    await p.screenshot({ path: screenshotPath('dashboard-targets-desktop.png'), fullPage: true });
  });

  it('the open row shows targets filled, what is still open, the moved stop and the live P/L with the filled leg', async () => {
    const p = await open();
    const targets = (await p.getByTestId('open-targets-8').textContent())?.replace(/\s+/g, ' ').trim();
    expect(targets).toBe('1/3 67% open');
    expect(await p.getByTestId('open-sl-8').textContent()).toContain('100.000');
    expect(await p.getByTestId('open-sl-8').textContent()).toContain('BE');
    // TP1's 9.79 + the remaining 2 at 115: 2 × 15 − 2 × 215 × 0.001 = 29.57 → 39.36.
    await expect.poll(() => p.getByTestId('open-pl-8').textContent()).toContain('+39.36');
    expect(await p.getByTestId('open-realized-8').textContent()).toContain('+9.79 filled');
    // Single-target rows are as before: 0 of 1, all of it open, no filled line.
    expect((await p.getByTestId('open-targets-3').textContent())?.replace(/\s+/g, ' ').trim()).toBe('0/1 100% open');
    expect(await p.getByTestId('open-realized-3').count()).toBe(0);
    // Unrealised covers the open remainders only (SPEC §9): 29.57, not 39.36, for SOL.
    expect(await p.getByTestId('card-unrealized-pl-value').textContent()).toBe(signed(wholePl(OPEN_BTC, 50_500) + wholePl(OPEN_ETH, 3250) + 29.57));
  });

  it('the closed-trades table shows the exit reason and each leg, which opens to its fills', async () => {
    const p = await open();
    expect(await p.getByTestId('closed-reason-6').textContent()).toBe('SL');
    const legs = p.getByTestId('closed-legs-6');
    expect((await legs.locator('summary').textContent())?.replace(/\s+/g, ' ').trim()).toBe('TP1 +9.79 · TP2 +19.78 · SL +9.79');
    expect(await legs.locator('li').first().isVisible()).toBe(false);
    await legs.locator('summary').click();
    const fills = await legs.locator('li').allTextContents();
    expect(fills.map((f) => f.replace(/\s+/g, ' ').trim())).toEqual([
      'TP1: 1.00000000 @ 110.000, fee 0.2100, +9.79 · 1h 0m',
      'TP2: 1.00000000 @ 120.000, fee 0.2200, +19.78 · 2h 0m',
      'SL: 1.00000000 @ 110.000, fee 0.2100, +9.79 · 3h 0m',
    ]);
    expect(await p.getByTestId('closed-row-6').textContent()).toContain('+39.36');
    // A single-target close keeps its one leg, labelled as before.
    expect((await p.getByTestId('closed-legs-1').locator('summary').textContent())?.trim()).toBe('TP +1.80');
  });

  it("an 'updated' delta moves the stop line and ticks TP2; a trailing stop then takes over", async () => {
    const p = await open();
    await expect.poll(async () => (await drawnLines(p)).find((l) => l.id === 'sl')?.text).toBe('SL (BE) 100.000');

    backend.emitDelta({ epoch: 'epoch-1', seq: 6, events: [{ type: 'updated', trade: OPEN_MULTI_AFTER_TP2 }] });
    await expect
      .poll(async () => (await drawnLines(p)).find((l) => l.id === 'sl'))
      .toEqual({ id: 'sl', text: 'SL (moved) 110.000', price: 110, style: 'solid' });
    const lines = await drawnLines(p);
    expect(lines.map((l) => l.id)).toEqual(['tp3', 'tp2', 'tp1', 'sl', 'entry']);
    expect(lines.find((l) => l.id === 'tp2')).toMatchObject({ text: 'TP2 ✓ 120.000', style: 'dashed' });
    expect((await p.getByTestId('open-targets-8').textContent())?.replace(/\s+/g, ' ').trim()).toBe('2/3 33% open');
    // 29.57 filled + 1 × 15 − 1 × 215 × 0.001 = 44.355.
    expect(await p.getByTestId('open-pl-8').textContent()).toContain(signed(44.355));

    backend.emitDelta({ epoch: 'epoch-1', seq: 7, events: [{ type: 'updated', trade: OPEN_MULTI_TRAILING }] });
    await expect
      .poll(async () => (await drawnLines(p)).find((l) => l.id === 'sl'))
      .toEqual({
        id: 'sl',
        text: 'Trailing SL 122.500',
        price: 122.5,
        style: 'dashed',
      });
    expect(await drawnLines(p)).toHaveLength(5);
    expect(await p.getByTestId('open-sl-8').textContent()).toContain('trail');
  });

  it('fits a phone: no sideways page scroll at 375 px with the legend and the legs', async () => {
    const p = await open(375, 740);
    await expect.poll(() => drawnLines(p)).toHaveLength(5);
    await p.getByTestId('closed-legs-6').locator('summary').click();
    const { scrollWidth, clientWidth } = await p.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
    }));
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    expect(await p.getByTestId('price-lines').isVisible()).toBe(true);
    await p.screenshot({ path: screenshotPath('dashboard-targets-375.png'), fullPage: true });
  });

  it('/embed/ticker names the last close by its last leg (ticker channel only)', async () => {
    backend.ticker = { ...TICKER, last_closed: { ...CLOSED_MULTI, exit_reason: 'TRAILING' } };
    page = await browser.newPage({ viewport: { width: 420, height: 160 } });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(backend.url + '/embed/ticker');
    await expect.poll(() => page.getByTestId('ticker-last-closed').textContent()).toContain('Trailing SL');
    const text = (await page.getByTestId('ticker-last-closed').textContent())?.replace(/\s+/g, ' ');
    expect(text).toContain('SOLUSDT');
    expect(text).toContain('+39.36 USDT');
    // The headline figures are the server's, not recomputed from trades.
    expect(await page.getByTestId('ticker-unrealized-pl').textContent()).toContain('\u22120.25');
    backend.ticker = null;
  });
});

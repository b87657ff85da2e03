// A page per trade in Chromium against the real server (SPEC §13): a two-target trade that fills
// TP1 and then its breakeven stop shows both fills and its ledger rows, each hash recomputed in the
// browser; the served HTML carries the trade's Open Graph tags; an unknown id says so with a 404.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, screenshotPath } from './browser.ts';
import { startLivePage, type LivePage } from './live-page.ts';

describe.skipIf(!hasChromium)('trade page', () => {
  let live: LivePage | undefined;
  const tick = (symbol: string, price: number) => live!.tick(symbol, price);

  beforeAll(async () => {
    // The unknown id's page logs its 404 on purpose.
    live = await startLivePage({ ignore: /404/ });
  }, 180_000);
  afterAll(async () => live?.stop());

  it('shows the fills and a ledger that verifies in the browser, and previews when shared', async () => {
    const { server, bot, open, errors } = live!;
    await tick('SOLUSDT', 100);
    const ack = await bot
      .timeout(5000)
      .emitWithAck('signal', { external_id: 'tp-1', symbol: 'SOLUSDT', direction: 'LONG', entry: 100, tp: [110, 120], sl: 90, sl_mode: 'breakeven' });
    if (!ack.ok) throw new Error(JSON.stringify(ack));
    const id = ack.trade_id as number;
    await tick('SOLUSDT', 111); // TP1: half closes, the stop moves to entry
    await tick('SOLUSDT', 112);
    await tick('SOLUSDT', 99); // the breakeven stop closes the rest
    await expect
      .poll(async () => ((await (await fetch(`${server.url}/api/public/paper-trading/${id}/`)).json()) as { status: string }).status, { timeout: 10_000 })
      .toBe('CLOSED_SL');

    const html = await (await fetch(`${server.url}/trades/${id}`)).text();
    expect(html).toMatch(/<meta property="og:title" content="SOLUSDT LONG · [+−]\d+\.\d\d USDT \([^)]*\) · default" \/>/);
    expect(html).toContain('<meta name="twitter:card" content="summary" />');

    const page = await open(`/trades/${id}`);
    await expect.poll(() => page.getByTestId('ledger-check').textContent(), { timeout: 10_000 }).toContain('✓ Every row');
    expect(await page.locator('[data-testid="trade-legs"] tbody tr').count()).toBe(2);
    // The chart around entry → exit: the candles the server built from these ticks, on a canvas.
    await expect.poll(() => page.getByTestId('trade-chart-status').textContent(), { timeout: 10_000 }).toMatch(/^\s*\d+ candles?, with the entry/);
    expect(await page.locator('section[aria-label="Price chart"] canvas').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('trade-targets').textContent()).toContain('✓');
    const rows = await page.locator('[data-testid^="ledger-row-"]').count();
    expect(rows).toBeGreaterThanOrEqual(4); // signal, open, two legs (and the close)
    expect(await page.locator('[data-testid^="ledger-row-"] td:last-child').allTextContents()).toEqual(Array(rows).fill('✓'));
    expect(await page.title()).toBe(`SOLUSDT LONG #${id} · Paperbook`);
    await page.screenshot({ path: screenshotPath('trade-page.png'), fullPage: true });

    const phone = await open(`/trades/${id}`, 390, 800);
    await expect.poll(() => phone.getByTestId('ledger-check').textContent(), { timeout: 10_000 }).toContain('✓');
    expect(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

    const missing = await fetch(`${server.url}/trades/999999`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).not.toContain('og:title');
    const gone = await open('/trades/999999');
    await expect.poll(() => gone.getByTestId('trade-error').textContent()).toContain('no public trade 999999');
    expect(errors).toEqual([]);
  }, 90_000);
});

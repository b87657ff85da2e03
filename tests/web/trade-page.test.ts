// A page per trade in Chromium against the real server (SPEC §13): a two-target trade that fills
// TP1 and then its breakeven stop shows both fills and its ledger rows, each hash recomputed in the
// browser; the served HTML carries the trade's Open Graph tags; an unknown id says so with a 404.
import type { Browser, Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connected } from '../helpers/sockets.ts';
import { ensureBuilt, hasChromium, launchChromium, screenshotPath } from './browser.ts';

describe.skipIf(!hasChromium)('trade page', () => {
  let server: TestServer;
  let browser: Browser;
  let bot: Socket;
  const errors: string[] = [];
  let ts = Date.now();
  const tick = (symbol: string, price: number) => bot.timeout(5000).emitWithAck('prices', { ticks: [{ symbol, price, ts: ++ts }] });

  async function open(path: string, width = 1280, height = 900): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height } });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().includes('404')) errors.push(m.text());
    });
    await page.goto(server.url + path);
    return page;
  }

  beforeAll(async () => {
    await ensureBuilt();
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

  it('shows the fills and a ledger that verifies in the browser, and previews when shared', async () => {
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

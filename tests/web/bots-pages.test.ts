// The bots pages in Chromium against the real server (SPEC §11): two bots on the leaderboard, sorted
// by a click, each bot's page showing only its own trades, and a phone width without sideways scroll.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.ts';
import { hasChromium, screenshotPath } from './browser.ts';
import { startLivePage, type LivePage } from './live-page.ts';

describe.skipIf(!hasChromium)('bots pages', () => {
  let live: LivePage | undefined;
  let scalper: string;
  const tick = (symbol: string, price: number) => live!.tick(symbol, price);

  beforeAll(async () => {
    live = await startLivePage();
    const made = await runCli(['token:create', '--kind', 'bot', '--name', 'scalper'], { DATABASE_URL: live.server.db.url });
    if (made.code !== 0) throw new Error(made.stderr);
    scalper = made.stdout.trim();
  }, 180_000);
  afterAll(async () => live?.stop());

  it('lists both bots, sorts on a click, and each bot page shows only its trades', async () => {
    const { server, bot, open, errors } = live!;
    await tick('BTCUSDT', 100);
    await tick('ETHUSDT', 50);
    const ack = await bot.timeout(5000).emitWithAck('signal', { external_id: 'b-1', symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 110, sl: 90 });
    expect(ack.ok).toBe(true);
    const posted = await fetch(`${server.url}/api/signals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${scalper}`, 'content-type': 'application/json' },
      body: JSON.stringify({ external_id: 's-1', symbol: 'ETHUSDT', direction: 'SHORT', entry: 50, tp: 45, sl: 60 }),
    });
    expect(posted.status).toBe(201);
    await tick('ETHUSDT', 44); // the scalper's trade hits its target: it leads by P/L
    expect((await runCli(['bot:set', 'scalper', '--display-name', 'Scalper 5m'], { DATABASE_URL: server.db.url })).code).toBe(0);
    await expect.poll(async () => (await (await fetch(`${server.url}/api/public/bots/`)).json()).length, { timeout: 10_000 }).toBe(2);
    await expect
      .poll(async () => (await (await fetch(`${server.url}/api/public/paper-trading/?bot=scalper&status=CLOSED_TP`)).json()).count, { timeout: 10_000 })
      .toBe(1);

    const page = await open('/bots');
    const rows = () => page.locator('[data-testid^="bot-row-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    await expect.poll(rows, { timeout: 10_000 }).toEqual(['bot-row-scalper', 'bot-row-default']);
    expect(await page.getByTestId('bot-row-scalper').textContent()).toContain('Scalper 5m');
    expect(await page.locator('[data-testid="bot-row-scalper"] svg[role="img"]').count()).toBe(1);
    await page.getByTestId('sort-total_profit_loss').click(); // now ascending
    await expect.poll(rows).toEqual(['bot-row-default', 'bot-row-scalper']);
    expect(await page.locator('th[aria-sort="ascending"]').count()).toBe(1);
    await page.screenshot({ path: screenshotPath('bots-leaderboard.png'), fullPage: true });

    await page.getByRole('link', { name: 'Scalper 5m' }).click();
    await page.waitForURL(/\/bots\/scalper$/);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Scalper 5m');
    await expect.poll(() => page.locator('[data-testid^="bot-closed-"]').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.locator('[data-testid^="bot-open-"]').count()).toBe(0);
    expect(await page.getByTestId('bot-closed').textContent()).toContain('ETHUSDT');
    expect(await page.getByTestId('bot-cards').textContent()).toContain('Trades1');
    await expect
      .poll(async () => (await page.getByTestId('bot-ledger').textContent())?.replace(/\s+/g, ' '), { timeout: 15_000 })
      .toMatch(/✓ Its 3 ledger rows \(1 trade\) are in the hash-chained public ledger, verified through row #\d+/);

    const other = await open('/bots/default', 390, 800);
    await expect.poll(() => other.locator('[data-testid^="bot-open-"]').count(), { timeout: 10_000 }).toBe(1);
    expect(await other.getByTestId('bot-open').textContent()).toContain('BTCUSDT');
    expect(await other.locator('body').textContent()).not.toContain('ETHUSDT');
    expect(await other.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await other.screenshot({ path: screenshotPath('bot-page-phone.png'), fullPage: true });
    // The embeddable ticker of one bot (/embed/ticker?bot=, the widget's bot attribute).
    const embed = await open('/embed/ticker?bot=scalper', 420, 160);
    await expect.poll(() => embed.getByTestId('ticker-status').textContent(), { timeout: 10_000 }).toBe('live');
    expect(await embed.getByTestId('ticker-brand').textContent()).toBe('Paperbook · scalper');
    await expect.poll(() => embed.getByTestId('ticker-win-rate').textContent()).toBe('100.0%');
    expect(errors).toEqual([]);
  }, 90_000);
});

// The page states how far the public record is verified (issue 10): "Record verified through event N (hash …)",
// with N and the hash the verify endpoint reports for the real ledger; and (SPEC §15) the signing
// key's fingerprint with the last signed checkpoint, as /key and /checkpoints/ serve them.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connected } from '../helpers/sockets.ts';
import { ensureBuilt, hasChromium, launchChromium } from './browser.ts';

describe.skipIf(!hasChromium)('ledger status on the page', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    await ensureBuilt();
    server = await startTestServer({ LEDGER_VERIFY_INTERVAL_MS: '100', CHECKPOINT_INTERVAL_S: '1' });
    const bot = connectBot(server.url, server.botToken);
    await connected(bot);
    for (let i = 0; i < 3; i++) {
      await bot.timeout(5000).emitWithAck('signal', { external_id: `ledger-page-${i}`, symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 110, sl: 90 });
    }
    bot.close();
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows the verified event number and head hash from /api/public/ledger/verify', async () => {
    // Verification runs in the background after new events: wait until it covers them.
    const get = async () =>
      (await (await fetch(`${server.url}/api/public/ledger/verify`)).json()) as { ok: boolean; verified_through: number; head_hash: string };
    let verify = await get();
    for (const until = Date.now() + 10_000; verify.verified_through < 6 && Date.now() < until; verify = await get())
      await new Promise((r) => setTimeout(r, 50));
    expect(verify.ok).toBe(true);
    expect(verify.verified_through).toBeGreaterThanOrEqual(6); // 3 signals received + 3 trades opened
    const page = await browser.newPage();
    await page.goto(`${server.url}/bot-performance`);
    await expect
      .poll(() => page.getByTestId('ledger-status').textContent(), { timeout: 10_000 })
      .toContain(`Record verified through event ${verify.verified_through}`);
    expect(await page.getByTestId('ledger-status').textContent()).toContain(verify.head_hash.slice(0, 12));
    // The checkpoint of the head (signed within a second) and the key's fingerprint.
    const key = (await (await fetch(`${server.url}/api/public/ledger/key`)).json()) as { fingerprint: string };
    await page.reload();
    await expect
      .poll(() => page.getByTestId('ledger-signing').textContent(), { timeout: 10_000 })
      .toContain(`Signed checkpoint at event ${verify.verified_through}`);
    expect(await page.getByTestId('ledger-signing').textContent()).toContain(key.fingerprint.slice(0, 16));
    await page.close();
  });
});

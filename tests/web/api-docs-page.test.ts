// The API reference page (/api/docs, SPEC §14) in Chromium against the real server: built as its own
// bundle (the dashboard's HTML loads none of its code), it renders every described HTTP route and
// socket event from /api/openapi.json and /api/asyncapi.json, with no console error.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST, hasChromium, screenshotPath } from './browser.ts';
import { startLivePage, type LivePage } from './live-page.ts';

describe.skipIf(!hasChromium)('API reference page', () => {
  let live: LivePage | undefined;

  beforeAll(async () => {
    live = await startLivePage();
  }, 180_000);
  afterAll(async () => live?.stop());

  it('renders every route and event, from its own bundle', async () => {
    const { server, open, errors } = live!;
    const openapi = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.values(openapi.paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
    const page = await open('/api/docs');
    await expect.poll(() => page.locator('article.op').count(), { timeout: 10_000 }).toBeGreaterThan(routes);
    expect(await page.locator('h2').allTextContents()).toEqual(['HTTP', 'Sockets (Socket.IO v4)']);
    expect(await page.locator('article.op code', { hasText: '/api/webhooks/tradingview/{token}' }).count()).toBe(1);
    expect(await page.locator('article.op code', { hasText: /^signal:update$/ }).count()).toBe(1);
    await page.locator('article.op', { hasText: '/api/signals' }).first().locator('summary').click();
    expect(await page.locator('pre').first().textContent()).toContain('"direction"');
    await page.screenshot({ path: screenshotPath('api-docs.png'), fullPage: false });
    expect(errors).toEqual([]);

    // Its own bundle: the dashboard's HTML references none of the reference page's assets.
    const docsHtml = readFileSync(join(DIST, 'api', 'docs.html'), 'utf8');
    const docsAssets = [...docsHtml.matchAll(/assets\/([^"']+\.js)/g)].map((m) => m[1]!);
    expect(docsAssets.length).toBeGreaterThan(0);
    const dashboardHtml = readFileSync(join(DIST, 'index.html'), 'utf8');
    // (Vite's ~1 KB modulepreload polyfill is the one chunk every page shares.)
    for (const a of docsAssets.filter((a) => !a.startsWith('modulepreload-polyfill'))) expect(dashboardHtml, a).not.toContain(a);
  });
});

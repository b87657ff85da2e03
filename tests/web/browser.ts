// Browser-test plumbing: Debian Chromium via playwright-core (skipped loudly when absent) and a
// fresh-enough web/dist (built on demand, one builder at a time across forked test files).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DIST = join(ROOT, 'web', 'dist');
export const RESULTS = join(ROOT, 'test-results');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/**
 * Locally a machine without Chromium skips the browser tests (loudly). In CI (`CI` set) they never
 * skip: a missing browser fails them, so a green CI always includes the page.
 */
export const hasChromium = existsSync(CHROMIUM) || Boolean(process.env.CI);

if (!existsSync(CHROMIUM)) {
  console.warn(
    `\n${'!'.repeat(78)}\n!! ${process.env.CI ? 'Browser tests will FAIL (CI)' : 'Browser tests SKIPPED'}: no Chromium at ${CHROMIUM}.\n` +
      `!! Install it with:  apt-get update && apt-get install -y chromium\n${'!'.repeat(78)}\n`,
  );
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export function screenshotPath(name: string): string {
  mkdirSync(RESULTS, { recursive: true });
  return join(RESULTS, name);
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'dist' && entry.name !== 'node_modules') newest = Math.max(newest, newestMtime(p));
    } else newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds web/dist when it is missing or older than web/ or shared/ sources. */
export async function ensureBuilt(): Promise<void> {
  const outputs = [
    join(DIST, 'index.html'),
    join(DIST, 'bots.html'),
    join(DIST, 'trade.html'),
    join(DIST, 'api', 'docs.html'),
    join(DIST, 'widget.js'),
    join(DIST, 'embed', 'ticker.html'),
  ];
  const fresh = () => {
    if (!outputs.every((f) => existsSync(f))) return false;
    const built = Math.min(...outputs.map((f) => statSync(f).mtimeMs));
    return built >= Math.max(newestMtime(join(ROOT, 'web')), newestMtime(join(ROOT, 'shared')));
  };
  if (fresh()) return;
  const lock = join(ROOT, 'web', '.build.lock');
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (waited > 120_000) rmSync(lock, { recursive: true, force: true }); // a crashed builder
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    // The shipped (production) bundle: under Vitest NODE_ENV is `test`, and Vite then builds Svelte's
    // dev-mode output (~20 KB gzip more), which the bundle budget was never meant for.
    if (!fresh()) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'pipe', env: { ...process.env, NODE_ENV: 'production' } });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

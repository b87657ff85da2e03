// Optional profiling of P8's probe window (off by default): BENCH_PAGE_PROFILE=trace writes a Chromium
// performance trace, BENCH_PAGE_PROFILE=cpu a .cpuprofile of the page, into benchmarks/.profiles.
// Summarise with benchmarks/support/trace-frames.ts or top-frames.ts.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CDPSession, Page } from 'playwright-core';

const DIR = 'benchmarks/.profiles';
const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink', 'toplevel'];

export type PageProfileMode = 'trace' | 'cpu' | null;

export function pageProfileMode(): PageProfileMode {
  const m = process.env.BENCH_PAGE_PROFILE;
  return m === 'trace' || m === 'cpu' ? m : null;
}

/** Starts profiling `page`; the returned function stops it and writes `p8-<label>.<ext>`. */
export async function startPageProfile(page: Page, mode: PageProfileMode, label: string): Promise<() => Promise<void>> {
  if (!mode) return async () => {};
  const cdp = await page.context().newCDPSession(page);
  mkdirSync(DIR, { recursive: true });
  const file = path.join(DIR, `p8-${label}.${mode === 'cpu' ? 'cpuprofile' : 'trace.json'}`);
  if (mode === 'cpu') {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
    return async () => {
      const { profile } = await cdp.send('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      await cdp.detach();
    };
  }
  const events: unknown[] = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: TRACE_CATEGORIES }, transferMode: 'ReportEvents' });
  return async () => {
    await stopTracing(cdp);
    writeFileSync(file, JSON.stringify({ traceEvents: events }));
    await cdp.detach();
  };
}

async function stopTracing(cdp: CDPSession): Promise<void> {
  const done = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Tracing.end');
  await done;
}

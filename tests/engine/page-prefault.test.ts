// The start-up page prefault: a worker touches every page of the shared buffers a reserve handed
// back, so they are resident, and never changes a value the loop wrote meanwhile.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedPages } from '../../server/book/reserve-memory.ts';
import { PagePrefault, PREFAULT_MIN_BYTES } from '../../server/engine/page-prefault.ts';

const rssBytes = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;

describe('PagePrefault', () => {
  it('makes the pages resident', async () => {
    const p = new PagePrefault();
    const fresh: SharedArrayBuffer[] = [];
    const alloc = sharedPages(fresh);
    const bytes = 96 * 1024 * 1024;
    const views = [new Float64Array(alloc(bytes / 2)), new Int8Array(alloc(bytes / 2))];
    const before = rssBytes();
    p.start(fresh, (err) => {
      throw err;
    });
    await p.done;
    expect(rssBytes() - before).toBeGreaterThan(bytes * 0.9);
    expect(views[0]![123]).toBe(0);
  });

  it('leaves what the loop writes meanwhile as written', async () => {
    const p = new PagePrefault();
    const fresh: SharedArrayBuffer[] = [];
    const alloc = sharedPages(fresh);
    const nums = new Float64Array(alloc(8 * 4_000_000), 0, 4_000_000);
    const codes = new Int8Array(alloc(3_000_001), 0, 3_000_001);
    const expected = new Int8Array(3_000_001);
    p.start(fresh, (err) => {
      throw err;
    });
    // Written from both ends while the worker walks forward, with turns of the loop in between.
    for (let i = 0; i < 4_000_000; i++) {
      nums[i] = i + 0.5;
      const at = 3_000_000 - (i % 3_000_001);
      codes[at] = expected[at] = (i % 127) + 1;
      if (i % 250_000 === 0) await new Promise((r) => setImmediate(r));
    }
    await p.done;
    for (let i = 0; i < 4_000_000; i++) if (nums[i] !== i + 0.5) throw new Error(`nums[${i}] = ${nums[i]}`);
    for (let i = 0; i < 3_000_001; i++) if (codes[i] !== expected[i]) throw new Error(`codes[${i}] = ${codes[i]}`);
  });

  it('starts no worker for less memory than pays for one', async () => {
    const p = new PagePrefault();
    const fresh: SharedArrayBuffer[] = [];
    const alloc = sharedPages(fresh);
    alloc(PREFAULT_MIN_BYTES / 2);
    alloc(PREFAULT_MIN_BYTES / 2 - 4096);
    const before = rssBytes();
    p.start(fresh, (err) => {
      throw err;
    });
    await p.done;
    // Untouched, the ~11 MB stay unfaulted; a worker would have made them resident.
    expect(rssBytes() - before).toBeLessThan(PREFAULT_MIN_BYTES / 2);
  });
});

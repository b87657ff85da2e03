// The bounded cache behind the public reads, alone: sharing, versions, the computation budget and
// its bounded queue, LRU eviction by entries and by bytes.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BusyError, VersionedCache, WAIT_MS } from '../../server/cache/versioned-cache.ts';

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const limits = { maxEntries: 3, maxBytes: 1_000, maxConcurrent: 1, maxWaiting: 1 };

afterEach(() => vi.useRealTimers());

describe('VersionedCache', () => {
  it('shares one computation per (key, version) and recomputes for a newer version only', async () => {
    const c = new VersionedCache<string>(limits);
    let runs = 0;
    const d = deferred<string>();
    const a = c.get('k', 1, () => (runs++, d.promise));
    const b = c.get('k', 1, () => (runs++, Promise.resolve('other')));
    d.resolve('v1');
    expect(await a).toEqual({ value: 'v1', outcome: 'miss' });
    expect(await b).toEqual({ value: 'v1', outcome: 'shared' });
    expect(await c.get('k', 1, async () => (runs++, 'x'))).toEqual({ value: 'v1', outcome: 'hit' });
    expect(await c.get('k', 0, async () => (runs++, 'x'))).toEqual({ value: 'v1', outcome: 'hit' });
    expect(await c.get('k', 2, async () => (runs++, 'v2'))).toEqual({ value: 'v2', outcome: 'miss' });
    expect(runs).toBe(2);
  });

  it('past the budget, one request waits and the next is refused; a waiter finding the answer made meanwhile does not recompute', async () => {
    const c = new VersionedCache<string>(limits);
    const d = deferred<string>();
    const first = c.get('a', 1, () => d.promise);
    let waiterRan = false;
    const waiter = c.get('a', 2, async () => ((waiterRan = true), 'a2'));
    await expect(c.get('b', 1, async () => 'b')).rejects.toBeInstanceOf(BusyError);
    d.resolve('a1');
    expect((await first).value).toBe('a1');
    expect(await waiter).toEqual({ value: 'a2', outcome: 'miss' });
    expect(waiterRan).toBe(true);
    // The slot came back: the next computation runs at once.
    expect((await c.get('b', 1, async () => 'b')).outcome).toBe('miss');
  });

  it('a waiter gives up after WAIT_MS with BusyError, and its place is freed', async () => {
    vi.useFakeTimers();
    const c = new VersionedCache<string>(limits);
    const d = deferred<string>();
    const first = c.get('a', 1, () => d.promise);
    const waiter = c.get('b', 1, async () => 'b');
    const caught = waiter.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(WAIT_MS + 1);
    expect(await caught).toBeInstanceOf(BusyError);
    const next = c.get('c', 1, async () => 'c'); // may wait again: the queue has room
    d.resolve('a1');
    await first;
    expect((await next).value).toBe('c');
  });

  it('evicts the least recently used past maxEntries and past maxBytes; an entry larger than maxBytes is served, not kept', async () => {
    const c = new VersionedCache<string>({ ...limits, maxConcurrent: 4 }, (v) => v.length);
    for (const k of ['a', 'b', 'c']) await c.get(k, 1, async () => k);
    await c.get('a', 1, async () => 'x'); // touch a
    await c.get('d', 1, async () => 'd'); // evicts b
    expect((await c.get('b', 1, async () => 'b')).outcome).toBe('miss');
    expect((await c.get('a', 1, async () => 'x')).outcome).toBe('hit');
    const big = 'y'.repeat(1_001);
    expect((await c.get('big', 1, async () => big)).value).toBe(big);
    expect((await c.get('big', 1, async () => big)).outcome).toBe('miss');
    expect((await c.get('a', 1, async () => 'x')).outcome).toBe('hit'); // nothing else was flushed for it
    expect(c.size).toBeLessThanOrEqual(3);
  });
});

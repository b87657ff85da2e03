// A bounded cache for anonymous reads whose answer changes only when a version number does (the
// public read version, server/queries/read-version.ts). Concurrent requests for the same key and
// version share one computation; at most `maxConcurrent` computations run at once, and a request
// past that budget gets the key's previous answer if there is one, else BusyError (the transport
// answers 503 UNAVAILABLE with retry-after): there is no queue to grow. Entries are evicted least
// recently used past `maxEntries` or `maxBytes`. Numbers behind it: benchmarks/reads-bench.ts.

/** Too many uncached computations are running: nothing was computed for this request; retry. */
export class BusyError extends Error {}

export interface VersionedCacheLimits {
  maxEntries: number;
  /** Sum of `sizeOf` over the entries kept (an entry larger than this is served, not kept). */
  maxBytes: number;
  maxConcurrent: number;
}

/** How an answer was obtained: computed for this request, shared with one in flight, kept, or an older version (budget full). */
export type CacheOutcome = 'miss' | 'shared' | 'hit' | 'stale';

interface Entry<V> {
  version: number;
  value: V;
  bytes: number;
}

export class VersionedCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly inflight = new Map<string, { version: number; promise: Promise<V> }>();
  private bytes = 0;
  private running = 0;

  constructor(
    private readonly limits: VersionedCacheLimits,
    private readonly sizeOf: (v: V) => number = () => 0,
  ) {}

  async get(key: string, version: number, compute: () => Promise<V>): Promise<{ value: V; outcome: CacheOutcome }> {
    const kept = this.entries.get(key);
    if (kept && kept.version >= version) {
      this.entries.delete(key); // re-insert: most recently used last
      this.entries.set(key, kept);
      return { value: kept.value, outcome: 'hit' };
    }
    const pending = this.inflight.get(key);
    if (pending && pending.version >= version) return { value: await pending.promise, outcome: 'shared' };
    if (this.running >= this.limits.maxConcurrent) {
      if (kept) return { value: kept.value, outcome: 'stale' };
      throw new BusyError(`${this.running} uncached reads are being computed (the limit); retry shortly`);
    }
    this.running++;
    const promise = compute().finally(() => this.running--);
    const slot = { version, promise };
    this.inflight.set(key, slot);
    try {
      const value = await promise;
      this.keep(key, version, value);
      return { value, outcome: 'miss' };
    } finally {
      if (this.inflight.get(key) === slot) this.inflight.delete(key);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  private keep(key: string, version: number, value: V): void {
    const old = this.entries.get(key);
    if (old && old.version > version) return; // a newer computation finished first
    if (old) {
      this.entries.delete(key);
      this.bytes -= old.bytes;
    }
    const bytes = this.sizeOf(value);
    this.entries.set(key, { version, value, bytes });
    this.bytes += bytes;
    for (const [k, e] of this.entries) {
      if (this.entries.size <= this.limits.maxEntries && this.bytes <= this.limits.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= e.bytes;
    }
  }
}

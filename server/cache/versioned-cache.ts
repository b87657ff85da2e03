// A bounded cache for anonymous reads whose answer changes only when a version number does (the
// public read version, server/cache/read-version.ts). Concurrent requests for the same key and
// version share one computation; at most `maxConcurrent` computations run at once. A request past
// that budget waits in a queue of at most `maxWaiting` for up to WAIT_MS, else gets BusyError (the transport answers 503 UNAVAILABLE with
// retry-after): nothing grows without bound. Entries are evicted least recently used past
// `maxEntries` or `maxBytes`. Numbers behind it: benchmarks/reads-bench.ts.

/** Too many uncached computations are running: nothing was computed for this request; retry. */
export class BusyError extends Error {}

export interface VersionedCacheLimits {
  maxEntries: number;
  /** Sum of `sizeOf` over the entries kept (an entry larger than this is served, not kept). */
  maxBytes: number;
  maxConcurrent: number;
  /** Requests that may wait for a computation slot (0: answer 503 at once). */
  maxWaiting: number;
}

/** The longest a request waits for a computation slot before its 503. */
export const WAIT_MS = 5_000;

/** How an answer was obtained: computed for this request, shared with one in flight, or kept. */
export type CacheOutcome = 'miss' | 'shared' | 'hit';

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
  private readonly waiting: Array<(got: boolean) => void> = [];

  constructor(
    private readonly limits: VersionedCacheLimits,
    private readonly sizeOf: (v: V) => number = () => 0,
  ) {}

  async get(key: string, version: number, compute: () => Promise<V>): Promise<{ value: V; outcome: CacheOutcome }> {
    const ready = this.ready(key, version);
    if (ready) return ready;
    if (!this.tryAcquire()) {
      // No older answer instead: a reader who just saw a change (a close on the stream) must not get one from before it.
      if (!(await this.waitForSlot()))
        throw new BusyError(`${this.running} uncached reads are being computed and ${this.waiting.length} wait (the limits); retry shortly`);
      const meanwhile = this.ready(key, version);
      if (meanwhile) {
        this.release();
        return meanwhile;
      }
    }
    const promise = compute().finally(() => this.release());
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

  /** A kept answer of this version or newer, or one being computed. */
  private ready(key: string, version: number): Promise<{ value: V; outcome: CacheOutcome }> | null {
    const kept = this.entries.get(key);
    if (kept && kept.version >= version) {
      this.entries.delete(key); // re-insert: most recently used last
      this.entries.set(key, kept);
      return Promise.resolve({ value: kept.value, outcome: 'hit' });
    }
    const pending = this.inflight.get(key);
    if (pending && pending.version >= version) return pending.promise.then((value) => ({ value, outcome: 'shared' as const }));
    return null;
  }

  private tryAcquire(): boolean {
    if (this.running >= this.limits.maxConcurrent) return false;
    this.running++;
    return true;
  }

  /** Resolves true holding a slot, or false when the queue is full or WAIT_MS passed. */
  private waitForSlot(): Promise<boolean> {
    if (this.waiting.length >= this.limits.maxWaiting) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter = (got: boolean) => {
        clearTimeout(timer);
        resolve(got);
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        resolve(false);
      }, WAIT_MS);
      this.waiting.push(waiter);
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next)
      next(true); // the slot passes straight to the next waiter
    else this.running--;
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
    if (bytes > this.limits.maxBytes) return; // served, not kept: it would flush everything else
    this.entries.set(key, { version, value, bytes });
    this.bytes += bytes;
    for (const [k, e] of this.entries) {
      if (this.entries.size <= this.limits.maxEntries && this.bytes <= this.limits.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= e.bytes;
    }
  }
}

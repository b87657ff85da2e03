// Group commit: callers submit one item each; items are written together in one transaction
// once `maxDelayMs` has passed since the first queued item or `maxBatch` items are waiting.
// Each caller's promise settles only after its batch has committed (or failed).

export interface GroupCommitOptions {
  /** Longest a queued item waits for companions (default 2 ms). */
  maxDelayMs?: number;
  /** Largest batch (default 200). */
  maxBatch?: number;
  /** Batches written concurrently (default 1). More batches queue up and grow instead. */
  maxInFlight?: number;
  /** Queued items beyond this are refused at once (default 20 000). */
  maxQueued?: number;
  /** Turns a refusal or batch failure into the error each caller receives. */
  mapError?: (err: unknown) => unknown;
}

interface Pending<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (err: unknown) => void;
}

/** A per-item failure inside an otherwise committed batch: only that caller's promise rejects. */
export class ItemFailure {
  constructor(readonly error: unknown) {}
}

/** `write` receives a batch and returns one result (or ItemFailure) per item, in the same order. */
export type BatchWriter<I, O> = (items: readonly I[]) => Promise<(O | ItemFailure)[]>;

export class GroupCommit<I, O> {
  private queue: Pending<I, O>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly maxDelayMs: number;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private readonly maxQueued: number;
  private readonly mapError: (err: unknown) => unknown;
  /** Batches written (committed or failed). */
  batches = 0;

  constructor(
    private readonly write: BatchWriter<I, O>,
    opts: GroupCommitOptions = {},
  ) {
    this.maxDelayMs = opts.maxDelayMs ?? 2;
    this.maxBatch = opts.maxBatch ?? 200;
    this.maxInFlight = opts.maxInFlight ?? 1;
    this.maxQueued = opts.maxQueued ?? 20_000;
    this.mapError = opts.mapError ?? ((e) => e);
  }

  get queued(): number {
    return this.queue.length;
  }

  submit(item: I): Promise<O> {
    if (this.queue.length >= this.maxQueued) {
      return Promise.reject(this.mapError(new Error('write queue full')));
    }
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.queue.length >= this.maxBatch) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.maxDelayMs);
    });
  }

  /** Resolves once everything queued so far has been written. */
  async drain(): Promise<void> {
    if (this.queue.length > 0) this.flush();
    while (this.queue.length > 0 || this.inFlight > 0) {
      await new Promise<void>((r) => this.idleWaiters.push(r));
    }
  }

  private flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.queue.length > 0 && this.inFlight < this.maxInFlight) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      void this.run(batch);
    }
  }

  private async run(batch: Pending<I, O>[]): Promise<void> {
    try {
      const results = await this.write(batch.map((p) => p.item));
      batch.forEach((p, i) => {
        const r = results[i];
        if (r instanceof ItemFailure) p.reject(this.mapError(r.error));
        else p.resolve(r as O);
      });
    } catch (err) {
      const mapped = this.mapError(err);
      for (const p of batch) p.reject(mapped);
    } finally {
      this.batches++;
      this.inFlight--;
      // Whatever queued while this batch was in flight goes next, without waiting again.
      if (this.queue.length > 0) this.flush();
      if (this.queue.length === 0 && this.inFlight === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of waiters) w();
      }
    }
  }
}

// Bounds the candle reads an anonymous endpoint may start (docs/security.md "bounded anonymous
// reads"): a few at once, a bounded queue, then ReadsBusyError (the route: 503 UNAVAILABLE +
// Retry-After, nothing was read), like the other public reads.

export class ReadsBusyError extends Error {}

export class ReadGate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly maxConcurrent: number,
    private readonly maxWaiting: number,
  ) {}

  async run<T>(read: () => Promise<T>): Promise<T> {
    if (this.running >= this.maxConcurrent) {
      if (this.waiting.length >= this.maxWaiting) throw new ReadsBusyError('busy: too many candle reads at once; retry');
      // The finishing read hands its slot over (running stays as it is).
      await new Promise<void>((resume) => this.waiting.push(resume));
    } else this.running++;
    try {
      return await read();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

// Start-up hydration writes ~250 MB of fresh typed arrays per million trades. On this kind of VM a
// first touch of a page costs ~13 µs (a 240 MB array: 1.9 s to fill the first time, 6 ms the second),
// so a worker thread faults that memory in on another core while the inserts run: same work, off the
// loop (benchmark P6). Its touch is an atomic add of 0: it never changes a value, whatever the loop
// wrote first. The memory is what the book's and side table's `reserve` hand back (book/reserve-memory.ts).
import { Worker } from 'node:worker_threads';

const PAGE = 4096;
/** Below this much fresh memory (what the book and side table reserve for ~50,000 trades) a worker's start costs more than the faults it takes over. */
export const PREFAULT_MIN_BYTES = 11 * 1024 * 1024;

/** Round-robin over the buffers, page k of each in turn, so every array is ready from its start. */
const TOUCH_PAGES = `
const { parentPort, workerData } = require('node:worker_threads');
const views = workerData.map((b) => new Int32Array(b));
const step = ${PAGE / 4};
for (let at = 0, left = true; left; at += step) {
  left = false;
  for (const v of views) if (at < v.length) (Atomics.add(v, at, 0), (left = true));
}
parentPort.postMessage('done');
`;

export class PagePrefault {
  private worker: Worker | null = null;
  /** Resolves when every page is touched, or the worker stopped or could not start. */
  done: Promise<void> = Promise.resolve();

  /**
   * Touches every page of `buffers` (whole pages, as book/reserve-memory.ts makes them) on a worker
   * thread; nothing when they are too few to pay for the thread, or a worker already runs.
   */
  start(buffers: readonly SharedArrayBuffer[], onError: (err: unknown) => void): void {
    if (this.worker || buffers.reduce((sum, b) => sum + b.byteLength, 0) < PREFAULT_MIN_BYTES) return;
    try {
      const worker = new Worker(TOUCH_PAGES, { eval: true, workerData: buffers });
      worker.unref();
      this.worker = worker;
      this.done = new Promise<void>((resolve) => {
        worker.once('message', () => resolve());
        worker.once('exit', () => resolve());
        worker.once('error', (err) => (onError(err), resolve()));
      });
    } catch (err) {
      // Only a speed-up: without it the inserts fault the pages in themselves.
      onError(err);
    }
  }

  /** Stops the worker if it is still running (hydration ended first). */
  stop(): void {
    void this.worker?.terminate();
    this.worker = null;
  }
}

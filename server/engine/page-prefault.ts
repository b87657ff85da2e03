// Start-up hydration writes ~250 MB of fresh typed arrays per million trades. On this kind of VM a
// first touch of a page costs ~13 µs (a 240 MB array: 1.9 s to fill the first time, 6 ms the second),
// so a worker thread faults the memory in on another core while the inserts run: same work, off the
// loop. Its touch is an atomic add of 0: it never changes a value, whatever the loop wrote first.
import { Worker } from 'node:worker_threads';
import type { BufferAlloc } from '../book/buffer-alloc.ts';

const PAGE = 4096;
/** Below this many trades (~12 MB) a worker's start costs more than the faults it takes over. */
export const PREFAULT_MIN_TRADES = 50_000;

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
  private readonly buffers: SharedArrayBuffer[] = [];
  private worker: Worker | null = null;
  /** Resolves when every page is touched, or the worker stopped or could not start. */
  done: Promise<void> = Promise.resolve();

  /** Shared memory (whole pages) for the book's arrays; faulted in by `start`. */
  readonly alloc: BufferAlloc = (bytes) => {
    const b = new SharedArrayBuffer(Math.ceil(bytes / PAGE) * PAGE);
    this.buffers.push(b);
    return b;
  };

  /** Touches every page allocated so far, on a worker thread. */
  start(onError: (err: unknown) => void): void {
    if (this.buffers.length === 0 || this.worker) return;
    try {
      const worker = new Worker(TOUCH_PAGES, { eval: true, workerData: this.buffers });
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

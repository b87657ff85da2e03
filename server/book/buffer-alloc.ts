// Where the book's large typed arrays get their memory. By default a plain ArrayBuffer; start-up
// hydration passes shared memory a worker faults in ahead of the inserts (engine/page-prefault.ts).
export type BufferAlloc = (bytes: number) => ArrayBufferLike;

export const plainBuffer: BufferAlloc = (bytes) => new ArrayBuffer(bytes);

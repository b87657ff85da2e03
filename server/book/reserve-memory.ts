// Where the book's large typed arrays get their memory. Growth step by step takes plain ArrayBuffers;
// a reserve (a bulk load of a known count, i.e. start-up hydration) takes whole pages of shared memory
// and hands them to its caller, so another thread can fault them in while the inserts run (P6).
export type Alloc = (bytes: number) => ArrayBufferLike;

export const plainBuffer: Alloc = (bytes) => new ArrayBuffer(bytes);

/** The unit a first touch faults in; rounding to it also makes every buffer a whole number of Int32s. */
const PAGE = 4096;

/** An allocator of whole pages of shared memory that appends each buffer it makes to `fresh`. */
export function sharedPages(fresh: SharedArrayBuffer[]): Alloc {
  return (bytes) => {
    const b = new SharedArrayBuffer(Math.ceil(bytes / PAGE) * PAGE);
    fresh.push(b);
    return b;
  };
}

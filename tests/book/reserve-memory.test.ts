// A reserve (start-up hydration of a known count) takes its memory as whole pages of shared memory
// and hands them back, for a caller that faults them in off the loop; the book is the same after.
import { describe, expect, it } from 'vitest';
import { OpenBook } from '../../server/book/open-book.ts';
import { sharedPages } from '../../server/book/reserve-memory.ts';
import { FEE_RATE, makeTrade } from './factories.ts';

describe('reserve memory', () => {
  it('hands out whole pages of shared memory', () => {
    const fresh: SharedArrayBuffer[] = [];
    const alloc = sharedPages(fresh);
    const b = alloc(5);
    expect(b).toBeInstanceOf(SharedArrayBuffer);
    expect(b.byteLength).toBe(4096);
    expect(alloc(8192).byteLength).toBe(8192);
    expect(fresh).toHaveLength(2);
  });

  it('OpenBook.reserve returns the shared memory it took, once', () => {
    const book = new OpenBook({ feeRate: FEE_RATE });
    const fresh = book.reserve(100_000);
    expect(fresh.length).toBeGreaterThan(0);
    for (const b of fresh) expect(b).toBeInstanceOf(SharedArrayBuffer);
    // 80 B of record + 4 B of flags a trade, and 16 B a bucket at two buckets a trade or more.
    expect(fresh.reduce((sum, b) => sum + b.byteLength, 0)).toBeGreaterThanOrEqual(100_000 * (84 + 32));
    expect(book.reserve(100_000)).toEqual([]);
    expect(book.reserve(10)).toEqual([]);
  });

  it('leaves the book working as before, past the reserved count too', () => {
    const book = new OpenBook({ feeRate: FEE_RATE });
    expect(book.reserve(3_000).length).toBeGreaterThan(0);
    // 4,000 trades: the last 1,000 grow the shared arrays into plain ones.
    for (let id = 1; id <= 4_000; id++) book.add(makeTrade({ id, entryPrice: 100, takeProfit: 101 + (id % 50), stopLoss: 90 }));
    expect(book.size).toBe(4_000);
    expect(book.get(3_999)?.takeProfit).toBe(101 + 49);
    expect(book.tick('BTCUSDT', 125, 1)).toBe(2_000);
    expect(book.trades().every((t) => t.takeProfit > 125)).toBe(true);
    expect(book.size).toBe(2_000);
  });
});

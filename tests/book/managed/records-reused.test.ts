// Records of closed trades are reused and the targets' storage is compacted as trades close and
// open (managed-records.ts): trades opened after many closes fill exactly as the per-trade scan.
import { describe, expect, it } from 'vitest';
import { ManagedBook } from '../../../server/book/managed-book.ts';
import type { LegFill } from '../../../server/book/managed-types.ts';
import { FEE, managed } from './managed-factory.ts';
import { NaiveManagedBook } from './naive-managed.ts';

const byId = (fills: LegFill[]) => [...fills].sort((a, b) => a.id - b.id);

describe('managed records reused', () => {
  it('fills trades opened after closes, updates and compaction as the scan does', () => {
    const book = new ManagedBook(FEE);
    const naive = new NaiveManagedBook(FEE);
    let ts = 0;
    const tick = (price: number) => {
      const a: LegFill[] = [];
      const b: LegFill[] = [];
      expect(book.tick('BTCUSDT', price, ++ts, a)).toBe(naive.tick('BTCUSDT', price, ts, b));
      expect(byId(a)).toEqual(byId(b));
    };
    let id = 0;
    const open = (n: number, targets: number) => {
      for (let i = 0; i < n; i++) {
        const terms = managed({
          id: ++id,
          targets: Array.from({ length: targets }, (_, k) => 101 + k + (id % 7) * 0.5),
          slMode: (['fixed', 'breakeven', 'moving_target'] as const)[id % 3],
          trailing: id % 4 === 0 ? { callbackRate: 0.05 } : null,
        });
        expect(book.add('BTCUSDT', terms)).toBe(naive.add('BTCUSDT', terms));
      }
    };
    open(60, 5);
    tick(100);
    for (let i = 1; i <= 45; i++) expect(book.close(i, 'MANUAL', 100, ts)).toEqual(naive.close(i, 'MANUAL', 100, ts));
    // Outgrow the old region of some survivors (more targets than they had), then open more: reused records, compacted pairs.
    for (let i = 46; i <= 50; i++) {
      const change = { targets: [102, 103, 104, 105, 106, 107, 108] };
      expect(book.update(i, change)).toBe(naive.update(i, change));
    }
    open(40, 3);
    open(10, 10);
    for (const p of [101.2, 102.6, 99.5, 103.1, 104.9, 106.5, 108, 109, 113, 95, 80]) tick(p);
    expect(book.size).toBe(0);
    for (let i = 1; i <= id; i++) expect(book.has(i)).toBe(naive.has(i));
  });
});

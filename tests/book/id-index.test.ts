import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdIndex } from '../../server/book/id-index.ts';

describe('IdIndex (id → slot hash table)', () => {
  it('behaves like a Map under random sets and deletes', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 200 }), fc.nat(1000)), { maxLength: 400 }), (ops) => {
        const idx = new IdIndex(16);
        const ref = new Map<number, number>();
        for (const [isSet, id, slot] of ops) {
          if (isSet) {
            idx.set(id, slot);
            ref.set(id, slot);
          } else {
            expect(idx.delete(id)).toBe(ref.delete(id));
          }
          expect(idx.size).toBe(ref.size);
        }
        for (let id = 0; id <= 200; id++) expect(idx.get(id)).toBe(ref.get(id) ?? -1);
      }),
      { numRuns: 300 },
    );
  });

  it('insertNew of absent ids (bulk load) is set, across growth and later deletes', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 10_000 }), { maxLength: 300 }),
        fc.array(fc.integer({ min: 0, max: 10_000 }), { maxLength: 100 }),
        (ids, deletes) => {
          const bulk = new IdIndex(16);
          const ref = new IdIndex(16);
          ids.forEach((id, slot) => {
            bulk.insertNew(id, slot);
            ref.set(id, slot);
          });
          for (const id of deletes) expect(bulk.delete(id)).toBe(ref.delete(id));
          expect(bulk.size).toBe(ref.size);
          for (let id = 0; id <= 10_000; id += 7) expect(bulk.get(id)).toBe(ref.get(id));
          for (const id of ids) expect(bulk.get(id)).toBe(ref.get(id));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps slot 0 apart from an empty bucket', () => {
    const idx = new IdIndex();
    idx.insertNew(5, 0);
    expect(idx.get(5)).toBe(0);
    expect(idx.has(5)).toBe(true);
    expect(idx.get(6)).toBe(-1);
    expect(idx.has(6)).toBe(false);
  });

  it('handles ids beyond 32 bits', () => {
    const idx = new IdIndex();
    idx.set(2 ** 40 + 1, 1);
    idx.set(1, 2);
    expect(idx.get(2 ** 40 + 1)).toBe(1);
    expect(idx.get(1)).toBe(2);
  });
});

// LevelQueue pops in exactly MinQueue's order, ties and tags included, through pushes, pops and
// filters: the managed book's fill order across trades depends on it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LevelQueue } from '../../server/book/level-queue.ts';
import { MinQueue } from '../../server/book/min-queue.ts';

const opArb = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('push' as const), key: fc.integer({ min: -8, max: 8 }), item: fc.nat(50), tag: fc.nat(20) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('pop' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('filter' as const), mod: fc.integer({ min: 2, max: 4 }) }) },
);

describe('LevelQueue', () => {
  it('pops the same (item, tag) as MinQueue', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 300 }), (ops) => {
        const ours = new LevelQueue();
        const ref = new MinQueue<number>();
        for (const o of ops) {
          if (o.op === 'push') {
            ours.push(o.key, o.item, o.tag);
            ref.push(o.key, o.item, o.tag);
          } else if (o.op === 'pop') {
            expect(ours.top()).toBe(ref.top());
            if (ref.size === 0) continue;
            expect([ours.pop(), ours.poppedTag]).toEqual([ref.pop(), ref.poppedTag]);
          } else {
            const keep = (item: number, tag: number): boolean => (item + tag) % o.mod !== 0;
            ours.filter(keep);
            ref.filter(keep);
          }
          expect(ours.size).toBe(ref.size);
        }
      }),
      { numRuns: 500 },
    );
  });
});

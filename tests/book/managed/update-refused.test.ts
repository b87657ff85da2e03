import { describe, expect, it } from 'vitest';
import { bookWith, managed } from './managed-factory.ts';

describe('update refused', () => {
  it('an unknown or closed trade is not updated and nothing changes', () => {
    const { book, tick } = bookWith(managed({ targets: [110] }));
    expect(book.update(2, { stopLoss: 95 })).toBe(false);
    tick(111);
    expect(book.has(1)).toBe(false);
    expect(book.update(1, { stopLoss: 95 })).toBe(false);
  });
});

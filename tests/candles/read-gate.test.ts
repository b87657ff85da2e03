// The candle reads' gate: a few at once, a bounded queue served in order, then busy (503 at the route).
import { describe, expect, it } from 'vitest';
import { ReadGate, ReadsBusyError } from '../../server/candles/read-gate.ts';

describe('ReadGate', () => {
  it('runs at most maxConcurrent, queues maxWaiting, refuses the rest', async () => {
    const gate = new ReadGate(1, 1);
    let release!: () => void;
    const order: string[] = [];
    const first = gate.run(() => new Promise<void>((r) => (release = () => (order.push('first'), r()))));
    const second = gate.run(async () => void order.push('second'));
    await expect(gate.run(async () => 'third')).rejects.toBeInstanceOf(ReadsBusyError);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first', 'second']);
    // Slots are given back: a later read runs at once.
    expect(await gate.run(async () => 'later')).toBe('later');
  });

  it('a failing read frees its slot', async () => {
    const gate = new ReadGate(1, 0);
    await expect(gate.run(() => Promise.reject(new Error('db')))).rejects.toThrow('db');
    expect(await gate.run(async () => 1)).toBe(1);
  });
});

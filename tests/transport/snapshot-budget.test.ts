// The process-wide snapshot budget (issue 16 item 6): jobs run in turns (at most turnsPerSecond),
// all of a turn's jobs in one pass (they share one build), each pass within its share of the byte
// budget, and a job is deferred, never dropped, however large.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SnapshotBudget } from '../../server/transport/socket/snapshot-budget.ts';

afterEach(() => vi.useRealTimers());

describe('SnapshotBudget', () => {
  it('runs the first job at once, then coalesces askers into at most turnsPerSecond turns', () => {
    vi.useFakeTimers();
    const b = new SnapshotBudget({ bytesPerSecond: 0, turnsPerSecond: 4 }, () => Date.now());
    const turns: number[] = [];
    const job = () => (turns.push(Date.now()), 0);
    b.run(job);
    expect(turns.length).toBe(1);
    for (let i = 0; i < 100; i++) b.run(job); // a flood inside one turn
    expect(b.waiting).toBe(100);
    vi.advanceTimersByTime(260);
    expect(turns.length).toBe(101); // all in one turn
    expect(new Set(turns).size).toBe(2);
  });

  it('defers past the byte budget and never drops: a job larger than a whole second still runs', () => {
    vi.useFakeTimers();
    const b = new SnapshotBudget({ bytesPerSecond: 1000, turnsPerSecond: 10 }, () => Date.now());
    let ran = 0;
    const big = () => (ran++, 5000); // five seconds' worth
    b.run(big);
    b.run(big);
    b.run(big);
    expect(ran).toBe(1);
    vi.advanceTimersByTime(4900);
    expect(ran).toBe(1); // still paying the first one's debt
    vi.advanceTimersByTime(300);
    expect(ran).toBe(2);
    vi.advanceTimersByTime(5200);
    expect(ran).toBe(3);
    expect(b.waiting).toBe(0);
  });

  it('a pass stops at its share of the second (bytesPerSecond / turnsPerSecond) and resumes next turn', () => {
    vi.useFakeTimers();
    const b = new SnapshotBudget({ bytesPerSecond: 1000, turnsPerSecond: 4 }, () => Date.now());
    let ran = 0;
    for (let i = 0; i < 10; i++) b.run(() => (ran++, 100));
    expect(ran).toBe(1); // the first asker, at once
    vi.advanceTimersByTime(260);
    expect(ran).toBe(4); // 250 B per turn: jobs run while the pass is not in debt (250 → 150 → 50 → -50)
    vi.advanceTimersByTime(2000);
    expect(ran).toBe(10);
  });

  it('a failing job fails alone', () => {
    const errors: unknown[] = [];
    const b = new SnapshotBudget({ bytesPerSecond: 0, turnsPerSecond: 0 }, undefined, (e) => errors.push(e));
    let ran = 0;
    b.run(() => {
      throw new Error('socket gone');
    });
    b.run(() => (ran++, 0));
    expect(errors.length).toBe(1);
    expect(ran).toBe(1);
  });
});

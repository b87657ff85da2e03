import { describe, expect, it } from 'vitest';
import { PhaseTimer } from '../../server/ops/phase-timer.ts';

describe('PhaseTimer', () => {
  it('gives each phase the time since the previous lap, in order, and the total', () => {
    const times = [100, 130.4, 130.6, 1130];
    const timer = new PhaseTimer(() => times.shift()!);
    timer.lap('database');
    timer.lap('orm');
    timer.lap('hydrate');
    expect(timer.summary()).toEqual({ database: 30, orm: 0, hydrate: 999, total: 1030 });
    expect(Object.keys(timer.summary())).toEqual(['database', 'orm', 'hydrate', 'total']);
  });
});

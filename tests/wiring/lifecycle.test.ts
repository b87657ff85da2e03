// Declared sequences: shutdown steps run once, in order, a failing step logged and the rest run;
// job lists (the tick fan-out, sweeps) run every job, a throwing one logged without flooding.
import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { isolatedJobs, shutdownSequence, startSteps } from '../../server/wiring/lifecycle.ts';
import { tickFanout } from '../../server/wiring/tick-fanout.ts';

function capture() {
  const lines: Array<{ level: number; step?: string; job?: string; msg: string }> = [];
  const log = pino(
    { level: 'debug' },
    new Writable({
      write: (c: Buffer, _e, done) => (
        c
          .toString()
          .split('\n')
          .filter(Boolean)
          .forEach((l) => lines.push(JSON.parse(l))),
        done()
      ),
    }),
  );
  return { log, lines };
}

describe('shutdownSequence', () => {
  it('runs every step in order, once, logging a failing one and going on', async () => {
    const { log, lines } = capture();
    const ran: string[] = [];
    const close = shutdownSequence(
      [
        { name: 'a', run: () => void ran.push('a') },
        {
          name: 'b',
          run: async () => {
            ran.push('b');
            throw new Error('b failed');
          },
        },
        {
          name: 'c',
          run: () => {
            ran.push('c');
            throw new Error('c failed');
          },
        },
        { name: 'd', run: async () => void ran.push('d') },
      ],
      log,
    );
    await Promise.all([close(), close()]);
    await close();
    expect(ran).toEqual(['a', 'b', 'c', 'd']);
    expect(lines.filter((l) => l.level === 50).map((l) => l.step)).toEqual(['b', 'c']);
  });
});

describe('startSteps', () => {
  it('stops at the first failing step and names it', async () => {
    const ran: string[] = [];
    const started = startSteps([
      { name: 'a', run: () => void ran.push('a') },
      {
        name: 'b',
        run: () => {
          throw new Error('b broke');
        },
      },
      { name: 'c', run: () => void ran.push('c') },
    ]);
    await expect(started).rejects.toThrow('start-up step failed: b');
    expect(ran).toEqual(['a']);
  });
});

describe('isolatedJobs / tickFanout', () => {
  it('every job runs for every key in order; a broken job is logged on its 1st and 1001st failure only', () => {
    const { log, lines } = capture();
    const seen: string[] = [];
    const tick = tickFanout(
      [
        { name: 'first', run: (key, price) => void seen.push(`first ${key} ${price}`) },
        {
          name: 'broken',
          run: () => {
            throw new Error('job bug');
          },
        },
        { name: 'last', run: (key) => void seen.push(`last ${key}`) },
      ],
      () => void seen.push('tick'),
      log,
    );
    tick('BTCUSDT', 100, 1, 'SPOT');
    expect(seen).toEqual(['tick', 'first BTCUSDT 100', 'last BTCUSDT']);
    seen.length = 0;
    tick('BTCUSDT', 101, 2);
    // No market: both keys of the symbol (SPEC §10).
    expect(seen).toEqual(['tick', 'first BTCUSDT 101', 'last BTCUSDT', 'first BTCUSDT.P 101', 'last BTCUSDT.P']);
    const jobs = isolatedJobs(
      [
        {
          name: 'broken',
          run: () => {
            throw new Error('x');
          },
        },
      ],
      log,
      'sweep',
    );
    for (let i = 0; i < 1001; i++) jobs();
    expect(lines.filter((l) => l.job === 'broken' && l.msg === 'sweep: job failed')).toHaveLength(2);
    expect(lines.filter((l) => l.msg === 'tick: job failed')).toHaveLength(1);
  });
});

describe('tickFanout with its candles and engine jobs', () => {
  it('runs each, then candles, then engine, per key; a throwing candles job does not stall the engine, nor the engine the candles', () => {
    const { log, lines } = capture();
    const seen: string[] = [];
    let candlesThrow = true;
    let engineThrow = false;
    const tick = tickFanout(
      {
        each: [{ name: 'first', run: (key) => void seen.push(`first ${key}`) }],
        candles: {
          name: 'candles',
          run: (key, _p, _ts, _now, slot) => {
            if (candlesThrow) throw new Error('candle bug');
            seen.push(`candles ${key} ${typeof slot}`);
          },
        },
        engine: {
          name: 'engine',
          run: (key, price) => {
            if (engineThrow) throw new Error('engine bug');
            seen.push(`engine ${key} ${price}`);
          },
        },
      },
      () => void seen.push('tick'),
      log,
    );
    tick('BTCUSDT', 100, 1);
    expect(seen).toEqual(['tick', 'first BTCUSDT', 'engine BTCUSDT 100', 'first BTCUSDT.P', 'engine BTCUSDT.P 100']);
    expect(lines.filter((l) => l.msg === 'tick: job failed').map((l) => l.job)).toEqual(['candles']);
    seen.length = 0;
    candlesThrow = false;
    engineThrow = true;
    tick('BTCUSDT', 101, 2, 'SPOT');
    expect(seen).toEqual(['tick', 'first BTCUSDT', 'candles BTCUSDT number']);
    expect(lines.filter((l) => l.msg === 'tick: job failed').map((l) => l.job)).toEqual(['candles', 'engine']);
  });

  it('either may be left out', () => {
    const { log } = capture();
    const seen: string[] = [];
    tickFanout({ each: [], engine: { name: 'engine', run: (key) => void seen.push(`engine ${key}`) } }, () => {}, log)('ETHUSDT', 1, 1, 'FUTURES');
    tickFanout({ each: [], candles: { name: 'candles', run: (key) => void seen.push(`candles ${key}`) } }, () => {}, log)('ETHUSDT', 1, 1, 'SPOT');
    expect(seen).toEqual(['engine ETHUSDT.P', 'candles ETHUSDT']);
  });
});

// The CSV replay feed: file order, determinism, malformed lines counted, spec parsing.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseReplayLine, parseReplaySpec } from '../../server/feeds/replay-feed.ts';
import { replayAll } from './replay-run.ts';

const dir = mkdtempSync(join(tmpdir(), 'paperbook-replay-'));
const CSV = [
  'ts,symbol,price',
  '1735689600000,BTCUSDT,95000.5',
  '1735689600100,ETHUSDT,3300.25',
  'garbage line',
  '1735689600200,BTCUSDT,-5',
  '1735689600300,btcusdt,95001',
  '',
  '2025-01-01T00:00:00.400Z,BTCUSDT,95001.5',
  '1735689600500,ETHUSDT,abc',
  '1735689600600,SOLUSDT,180.125,extra',
  '1735689600700,SOLUSDT,180.2',
].join('\n');

describe('ReplayPriceFeed', () => {
  const file = join(dir, 'ticks.csv');
  writeFileSync(file, CSV);

  it('replays valid lines in file order and counts malformed ones', async () => {
    const { ticks, stats } = await replayAll(`replay:${file}`);
    expect(ticks).toEqual([
      ['BTCUSDT', 95000.5, 1735689600000],
      ['ETHUSDT', 3300.25, 1735689600100],
      ['BTCUSDT', 95001.5, 1735689600400],
      ['SOLUSDT', 180.2, 1735689600700],
    ]);
    expect(stats).toEqual({ ticks: 4, malformed: 5 });
  });

  it('gives the identical tick sequence on every run, at any speed', async () => {
    const a = await replayAll(`replay:${file}`);
    const b = await replayAll(`replay:${file}`);
    const c = await replayAll(`replay:${file}?speed=100`);
    expect(b.ticks).toEqual(a.ticks);
    expect(c.ticks).toEqual(a.ticks);
  });

  it('paces ticks by file time divided by speed', async () => {
    const started = Date.now();
    await replayAll(`replay:${file}?speed=2`); // 700 ms of file time
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it('parses the spec and rejects bad options', () => {
    expect(parseReplaySpec('replay:data/t.csv')).toEqual({ file: 'data/t.csv', speed: 0, stamp: 'file' });
    expect(parseReplaySpec('replay:data/t.csv?speed=10&ts=now')).toEqual({ file: 'data/t.csv', speed: 10, stamp: 'now' });
    expect(() => parseReplaySpec('replay:t.csv?speed=fast')).toThrow(/speed/);
    expect(() => parseReplaySpec('replay:t.csv?ts=later')).toThrow(/ts/);
  });

  it('treats only the exact header and blank lines as skippable', () => {
    expect(parseReplayLine(' TS , Symbol , Price ')).toBe('skip');
    expect(parseReplayLine('ts,symbol')).toBeNull();
    expect(parseReplayLine('1,BTCUSDT,0')).toBeNull();
    expect(parseReplayLine('1,BTCUSDT,1e3')).toEqual({ symbol: 'BTCUSDT', price: 1000, ts: 1 });
  });
});

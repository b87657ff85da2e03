// Binance's own market-data files as a replay source (data.binance.vision formats): spot files with no
// header and microsecond timestamps, futures files with a header and milliseconds, aggTrades and
// trades, CSV or zip, the symbol from the file name, several files merged in time order; and a real
// server replaying a zip decides a trade on it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SignalAck } from '../../shared/protocol-types.ts';
import { replayAll } from './replay-run.ts';
import { binanceMillis } from '../../server/feeds/replay-sources.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connected, connectPublic, Recorder } from '../helpers/sockets.ts';
import { zipFile } from './zip-writer.ts';

const dir = mkdtempSync(join(tmpdir(), 'paperbook-binance-files-'));
const T0_MS = Date.UTC(2026, 10, 30); // 2026-11-30T00:00:00Z
const us = (ms: number) => String(ms * 1000);

// Spot aggTrades: agg id, price, qty, first id, last id, timestamp (µs since 2025), buyer maker, best match.
const SPOT_AGG = [
  `3800000001,91000.01000000,0.00100000,5200000001,5200000001,${us(T0_MS + 10)},True,True`,
  `3800000002,91000.50000000,0.01000000,5200000002,5200000003,${us(T0_MS + 30)},False,True`,
  `3800000003,91001.00000000,0.02000000,5200000004,5200000004,${us(T0_MS + 50)}123,False,True`, // nanoseconds: refused
  `3800000004,91002.00000000,0.02000000,5200000005,5200000005,${us(T0_MS + 70)},False,True`,
].join('\n');
// USDⓈ-M futures aggTrades: header, milliseconds.
const FUT_AGG = [
  'agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker',
  `2900000001,3300.10,1.500,6100000001,6100000002,${T0_MS + 20},true`,
  `2900000002,3300.20,0.200,6100000003,6100000003,${T0_MS + 60},false`,
].join('\r\n');
// Spot trades: id, price, qty, quote qty, time (µs), buyer maker, best match.
const SPOT_TRADES = [`7000000001,180.25000000,1.00000000,180.25000000,${us(T0_MS + 40)},True,True`].join('\n');
// USDⓈ-M futures trades: header, milliseconds.
const FUT_TRADES = ['id,price,qty,quote_qty,time,is_buyer_maker', `8000000001,180.30,2.00,360.60,${T0_MS + 45},false`].join('\n');

const spotZip = join(dir, 'BTCUSDT-aggTrades-2026-11-30.zip');
const futCsv = join(dir, 'ETHUSDT-aggTrades-2026-11-30.csv');
const tradesZip = join(dir, 'SOLUSDT-trades-2026-11.zip');
const futTradesZip = join(dir, 'SOLUSDT-trades-2026-11-30.zip');
writeFileSync(spotZip, zipFile([{ name: 'BTCUSDT-aggTrades-2026-11-30.csv', text: SPOT_AGG }]));
writeFileSync(futCsv, FUT_AGG);
writeFileSync(tradesZip, zipFile([{ name: 'SOLUSDT-trades-2026-11.csv', text: SPOT_TRADES }]));
writeFileSync(futTradesZip, zipFile([{ name: 'SOLUSDT-trades-2026-11-30.csv', text: FUT_TRADES }]));

describe('Binance market-data files', () => {
  it('reads a spot aggTrades zip: symbol from the name, microseconds to milliseconds, nanoseconds refused', async () => {
    const { ticks, stats } = await replayAll(`replay:${spotZip}`);
    expect(ticks).toEqual([
      ['BTCUSDT', 91000.01, T0_MS + 10],
      ['BTCUSDT', 91000.5, T0_MS + 30],
      ['BTCUSDT', 91002, T0_MS + 70],
    ]);
    expect(stats).toEqual({ ticks: 3, malformed: 1 });
  });

  it('reads futures files by their header (CSV and zip, aggTrades and trades)', async () => {
    expect((await replayAll(`replay:${futCsv}`)).ticks).toEqual([
      ['ETHUSDT', 3300.1, T0_MS + 20],
      ['ETHUSDT', 3300.2, T0_MS + 60],
    ]);
    expect((await replayAll(`replay:${futTradesZip}`)).ticks).toEqual([['SOLUSDT', 180.3, T0_MS + 45]]);
  });

  it('merges several files in time order', async () => {
    const { ticks, stats } = await replayAll(`replay:${spotZip},${futCsv},${tradesZip},${futTradesZip}`);
    expect(ticks.map(([, , ts]) => ts - T0_MS)).toEqual([10, 20, 30, 40, 45, 60, 70]);
    expect(ticks.map(([s]) => s)).toEqual(['BTCUSDT', 'ETHUSDT', 'BTCUSDT', 'SOLUSDT', 'SOLUSDT', 'ETHUSDT', 'BTCUSDT']);
    expect(stats.malformed).toBe(1);
  });

  it('never reads microseconds as milliseconds', () => {
    expect(binanceMillis(1_764_460_800_000)).toBe(1_764_460_800_000); // ms, 2025-11-30
    expect(binanceMillis(1_764_460_800_000_123)).toBe(1_764_460_800_000); // µs
    expect(binanceMillis(1_764_460_800_000_123_392)).toBeNull(); // ns
    expect(binanceMillis(1_764_460_800)).toBeNull(); // seconds
  });
});

describe('a server replaying a Binance zip', () => {
  let server: TestServer | null = null;
  afterAll(async () => server?.stop());

  it('decides a trade on the file: take-profit crossed in the zip closes it at its level', { timeout: 60_000 }, async () => {
    // 3 s at 100, then 111: a LONG with TP 110 made in the first seconds closes at 110.
    const lines: string[] = [];
    for (let i = 0; i < 30; i++) lines.push(`${4000000000 + i},100.00000000,0.1,${i},${i},${us(T0_MS + i * 100)},False,True`);
    lines.push(`4000000100,111.00000000,0.1,100,100,${us(T0_MS + 3000)},False,True`);
    const zip = join(dir, 'BTCUSDT-aggTrades-2026-12-01.zip');
    writeFileSync(zip, zipFile([{ name: 'BTCUSDT-aggTrades-2026-12-01.csv', text: lines.join('\n') }]));
    server = await startTestServer({ PRICE_FEED: `replay:${zip}?speed=1&ts=now` });
    const viewer = new Recorder(connectPublic(server.url));
    const bot = connectBot(server.url, server.botToken);
    try {
      await connected(bot);
      const ack: SignalAck = await bot
        .timeout(5000)
        .emitWithAck('signal', { source: 'replay-test', symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 110, sl: 90 });
      expect(ack.ok).toBe(true);
      await viewer.until(() => viewer.events().some((e) => e.type === 'closed'), 20_000, 'the trade closed');
      const closed = viewer.events().find((e) => e.type === 'closed') as { trade: { status: string; exit_price: string | number } };
      expect(closed.trade.status).toBe('CLOSED_TP');
      expect(Number(closed.trade.exit_price)).toBe(110);
    } finally {
      bot.close();
      viewer.socket.close();
    }
  });
});

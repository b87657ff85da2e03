// performance/'s figures follow a new close from the in-memory record: the SQL read of the trades
// (TradeQueries.metricTrades, wrapped to count its calls) is not called for it, or at all.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Socket } from 'socket.io-client';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connected, waitFor } from '../helpers/sockets.ts';
import { TradeQueries } from '../../server/queries/trade-queries.ts';

let server: TestServer;
let bot: Socket;
let ts = Date.now();
const sqlReads = vi.spyOn(TradeQueries.prototype, 'metricTrades');

beforeAll(async () => {
  server = await startTestServer();
  bot = connectBot(server.url, server.botToken);
  await connected(bot);
}, 120_000);
afterAll(async () => {
  bot?.close();
  await server?.stop();
  sqlReads.mockRestore();
});

interface Perf {
  closed_trades: number;
  max_consecutive_wins: number;
  max_consecutive_losses: number;
  avg_r_multiple: number | null;
  daily: { date: string; profit_loss: number; trades: number }[];
  monthly: { month: string; profit_loss: number; return_pct: number | null }[];
}
const perf = async (q = '?tz=Asia/Tokyo') => (await (await fetch(`${server.url}/api/public/paper-trading/performance/${q}`)).json()) as Perf;
const tick = (symbol: string, price: number) => bot.timeout(5000).emitWithAck('prices', { ticks: [{ symbol, price, ts: ++ts }] });

async function closeOne(n: number, win: boolean): Promise<void> {
  const before = (await perf()).closed_trades;
  const ack = await bot.timeout(5000).emitWithAck('signal', { external_id: `inc-${n}`, symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 110, sl: 95 });
  expect(ack.ok).toBe(true);
  await tick('BTCUSDT', win ? 111 : 94);
  await waitFor(async () => (await perf()).closed_trades === before + 1, 10_000, 'the close to show');
}

describe('risk metrics are kept from close events, not recomputed from SQL', { timeout: 60_000 }, () => {
  it('each close moves streaks, R-multiple, daily and monthly with no SQL read of the trades', async () => {
    const empty = await perf();
    expect(empty).toMatchObject({ closed_trades: 0, daily: [], monthly: [], avg_r_multiple: null });
    await closeOne(1, true);
    const one = await perf();
    expect(one.max_consecutive_wins).toBe(1);
    expect(one.avg_r_multiple).toBeGreaterThan(1);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
    expect(one.daily).toEqual([{ date: today, profit_loss: expect.any(Number), trades: 1 }]);
    expect(one.monthly.map((m) => m.month)).toEqual([today.slice(0, 7)]);

    await closeOne(2, true);
    await closeOne(3, false);
    const three = await perf();
    expect(three).toMatchObject({ closed_trades: 3, max_consecutive_wins: 2, max_consecutive_losses: 1 });
    expect(three.daily[0]!.trades).toBe(3);
    expect(three.daily[0]!.profit_loss).toBeLessThan(2 * one.daily[0]!.profit_loss);
    expect(sqlReads).not.toHaveBeenCalled();
  });
});

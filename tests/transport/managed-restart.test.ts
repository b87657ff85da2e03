// A partly filled managed trade across a restart (SPEC §9 item 7): it hydrates with its filled legs,
// its moved stop and its trailing stop's best price so far (checkpointed by the sweep), and goes on
// from the next tick.
import { afterAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { SignalAck, TradeJson } from '../../shared/protocol-types.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connected, waitFor } from '../helpers/sockets.ts';

let server: TestServer | undefined;
let bot: Socket | undefined;
let ts = Date.now();

async function start(db?: TestServer['db']): Promise<void> {
  server = await startTestServer({}, { keepDatabase: true, ...(db ? { db } : {}) });
  bot = connectBot(server.url, server.botToken);
  await connected(bot);
}
async function stop(): Promise<void> {
  bot?.close();
  await server?.stop();
}
const tick = async (symbol: string, price: number) => {
  ts += 1000;
  await bot!.timeout(5000).emitWithAck('prices', { ticks: [{ symbol, price, ts }] });
};
const openPosition = async (id: number): Promise<TradeJson | undefined> =>
  ((await (await fetch(`${server!.url}/api/public/paper-trading/open-positions/`)).json()) as TradeJson[]).find((t) => t.id === id);
const stored = async (id: number): Promise<TradeJson> =>
  ((await (await fetch(`${server!.url}/api/public/paper-trading/?page_size=100`)).json()) as { results: TradeJson[] }).results.find((t) => t.id === id)!;

afterAll(async () => {
  await stop();
  await server?.db.drop();
});

describe('restart with partly filled managed trades', () => {
  it('keeps legs, the moved stop and the trailing best, and fills from the next tick', async () => {
    await start();
    const send = async (p: Record<string, unknown>) =>
      ((await bot!.timeout(5000).emitWithAck('signal', { external_id: `r-${Math.random()}`, ...p })) as SignalAck & { ok: true }).trade_id as number;
    const moving = await send({ symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: [110, 120, 130], sl: 90, sl_mode: 'moving_target' });
    const trailing = await send({ symbol: 'SOLUSDT', direction: 'LONG', entry: 100, tp: [200, 210], sl: 80, trailing_stop: { callback_rate: 0.05 } });
    await tick('BTCUSDT', 121); // TP1 and TP2: the stop moves to TP1
    await tick('SOLUSDT', 150); // the trailing stop follows to 142.5, no fill
    await waitFor(async () => (await stored(moving)).legs.length === 2, 5000, 'two legs stored');
    // The sweep checkpoints the trailing best at most a second later.
    await waitFor(async () => (await stored(trailing)).trailing_stop?.best_price === 150, 5000, 'trailing best checkpointed');
    const db = server!.db;
    await stop();

    await start(db);
    expect(await openPosition(moving)).toMatchObject({
      stop_loss: 110,
      remaining_quantity: 0.33333334 /* the last target takes what the rounded shares leave */,
      legs: [{ kind: 'TP1' }, { kind: 'TP2' }],
    });
    expect(await openPosition(trailing)).toMatchObject({ stop_loss: 142.5, trailing_stop: { best_price: 150, level: 142.5 } });
    await tick('BTCUSDT', 109); // below the moved stop (TP1): the rest closes at the tick (a gap is paid)
    await tick('SOLUSDT', 120); // far below the trailing stop kept across the restart
    await waitFor(async () => (await stored(moving)).status !== 'OPEN' && (await stored(trailing)).status !== 'OPEN', 5000, 'both closed');
    expect(await stored(moving)).toMatchObject({ status: 'CLOSED_SL', exit_reason: 'SL', exit_price: 109 });
    expect((await stored(moving)).legs.map((l) => l.kind)).toEqual(['TP1', 'TP2', 'SL']);
    expect(await stored(trailing)).toMatchObject({ status: 'CLOSED_SL', exit_reason: 'TRAILING', exit_price: 120 });
  });
});

// A manual trade's plan (SPEC §9) survives a restart: read back from the plan columns, its legs and
// its moved stop hydrated, the trade is managed again and closes at the breakeven stop.
import { afterAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { DeltaEvent, TradeJson } from '../../shared/protocol-types.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connected, Recorder } from '../helpers/sockets.ts';
import { call, connectMe, register, TEST_APP_OPTIONS } from './user-client.ts';

const SYMBOL = 'PRIVUSDT';
const servers: TestServer[] = [];
const sockets: Socket[] = [];
let ts = Date.now();

async function bot(server: TestServer): Promise<(price: number) => Promise<void>> {
  const s = connectBot(server.url, server.botToken);
  sockets.push(s);
  await connected(s);
  return async (price) => {
    ts += 1000;
    await s.timeout(5000).emitWithAck('prices', { ticks: [{ symbol: SYMBOL, price, ts }] });
  };
}
const eventOf = (r: Recorder, id: number, type: DeltaEvent['type']): TradeJson | undefined => {
  const e = r.events().find((x) => x.type === type && 'trade' in x && x.trade.id === id);
  return e && 'trade' in e ? e.trade : undefined;
};
async function meStream(server: TestServer, token: string): Promise<Recorder> {
  const me = new Recorder(connectMe(server.url, token));
  sockets.push(me.socket);
  await me.until(() => me.snapshots.length === 1, 5000, '/me snapshot');
  return me;
}

afterAll(async () => {
  for (const s of sockets) s.close();
  for (const s of servers.reverse()) await s.stop();
});

describe('a managed manual trade across a restart', () => {
  it('comes back with its targets, its filled leg and its breakeven stop, and closes there', async () => {
    const first = await startTestServer({}, { app: TEST_APP_OPTIONS, keepDatabase: true });
    servers.push(first);
    const tick1 = await bot(first);
    await tick1(100);
    const { token } = await register(first.url, 'restarter');
    const me1 = await meStream(first, token);
    const r = await call(first.url, 'POST', '/api/paper-trades', {
      token,
      body: { symbol: SYMBOL, direction: 'LONG', entry_price: 100, take_profit: [110, 120], tp_allocation: [0.25, 0.75], stop_loss: 90, sl_mode: 'breakeven' },
    });
    expect(r.status).toBe(201);
    const id: number = r.body.id;
    await tick1(112);
    await me1.until(() => eventOf(me1, id, 'updated') !== undefined, 5000, 'TP1 before the restart');
    const before = eventOf(me1, id, 'updated')!;
    expect(before).toMatchObject({ stop_loss: 100, remaining_quantity: 0.75, legs: [{ kind: 'TP1', price: 110, quantity: 0.25 }] });
    await first.stop();

    const second = await startTestServer({ BOT_TOKEN: first.botToken }, { app: TEST_APP_OPTIONS, db: first.db });
    servers.push(second);
    const login = await call(second.url, 'POST', '/api/auth/login', { body: { username: 'restarter', password: 'correct horse' } });
    expect(login.status).toBe(200);
    const me2 = await meStream(second, login.body.token);
    const hydrated = me2.snapshots[0]!.open_positions.find((t) => t.id === id);
    expect(hydrated).toMatchObject({
      sl_mode: 'breakeven',
      stop_loss: 100,
      initial_stop_loss: 90,
      take_profit: 120,
      remaining_quantity: 0.75,
      legs: before.legs,
      targets: [
        { level: 110, share: 0.25, filled_at: before.targets[0]!.filled_at },
        { level: 120, share: 0.75, filled_at: null },
      ],
    });
    const tick2 = await bot(second);
    await tick2(99); // through the moved stop (a fixed one at 90 would hold): filled at the tick, gap paid
    await me2.until(() => eventOf(me2, id, 'closed') !== undefined, 5000, 'close after the restart');
    const closed = eventOf(me2, id, 'closed')!;
    expect(closed.legs.map((l) => [l.kind, l.price, l.quantity])).toEqual([
      ['TP1', 110, 0.25],
      ['SL', 99, 0.75],
    ]);
    expect(closed).toMatchObject({ status: 'CLOSED_SL', exit_reason: 'SL', remaining_quantity: 0 });
  });
});

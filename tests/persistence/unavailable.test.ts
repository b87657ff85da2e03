// A database that cannot be reached fails callers promptly with UnavailableError, never hangs.
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { UnavailableError } from '../../server/persistence/errors.ts';
import { initOrm } from '../../server/persistence/orm.ts';
import { PgTradeStore } from '../../server/persistence/trade-store.ts';
import { INGEST, longSignal } from './fixtures.ts';

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

let orm: MikroORM | undefined;
afterAll(async () => {
  await orm?.close(true);
});

describe('unreachable database', () => {
  it('initOrm with migrations fails with UnavailableError', async () => {
    const url = `postgresql://postgres:x@127.0.0.1:${await closedPort()}/paperbook`;
    const started = Date.now();
    await expect(initOrm(url)).rejects.toBeInstanceOf(UnavailableError);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('ingest and close reject with UnavailableError in < 5 s', async () => {
    const url = `postgresql://postgres:x@127.0.0.1:${await closedPort()}/paperbook`;
    orm = await initOrm(url, { migrate: false });
    const store = new PgTradeStore(orm);
    const started = Date.now();
    const settled = await Promise.allSettled([
      ...Array.from({ length: 20 }, () => store.ingestSignal(longSignal(), INGEST)),
      store.closeTrade({ id: 1, status: 'CLOSED_TP', exitPrice: 1, exitTime: new Date(), fees: 0, profitLoss: 0, profitLossPercentage: 0, priceGap: false }),
    ]);
    expect(Date.now() - started).toBeLessThan(5_000);
    for (const s of settled) {
      expect(s.status).toBe('rejected');
      expect((s as PromiseRejectedResult).reason).toBeInstanceOf(UnavailableError);
    }
    await expect(store.hydrateOpenTrades({ expect: () => {}, trade: () => {} })).rejects.toBeInstanceOf(UnavailableError);
  });
});

// Shared steps for ledger tests: ingest signals and close their trades the way the engine does.
import { profitLossAt } from '../../shared/trade-math.ts';
import type { TradeRow } from '../../server/persistence/rows.ts';
import type { PgTradeStore } from '../../server/persistence/trade-store.ts';
import type { CloseRecord } from '../../server/engine/ports.ts';
import type { TestStore } from '../helpers/db.ts';
import type { LedgerDb } from '../../server/persistence/ledger-reads.ts';
import type { RawRow } from '../../server/persistence/sql-runner.ts';
import { longSignal } from '../persistence/fixtures.ts';

export const FEE = 0.001;

export function closeOf(t: TradeRow, status: CloseRecord['status'], exitPrice: number, exitTime: Date): CloseRecord {
  const pl = status === 'CANCELLED' ? { fees: 0, profitLoss: 0, profitLossPercentage: 0 } : profitLossAt(t, exitPrice, FEE);
  return { id: t.id, status, exitPrice, exitTime, ...pl, priceGap: false };
}

/** n system trades; every other one closed (TP, SL with a gap, manual in turn). */
export async function record(store: PgTradeStore, n: number, t0 = Date.UTC(2026, 0, 1)): Promise<TradeRow[]> {
  const results = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      store.ingestSignal(
        longSignal(i % 2 === 0 ? { confidence: 0.6 } : { direction: 'SHORT', entry: 100, tp: 90, sl: 105, symbol: 'ETHUSDT', timeframe: '4h' }),
        { positionSize: 100, now: new Date(t0 + i * 1000) },
      ),
    ),
  );
  const trades = results.map((r) => r.trade!);
  await Promise.all(
    trades.map((t, i) => {
      if (i % 2 === 1 && i % 4 !== 1) return null;
      const kind = i % 3;
      const exit = kind === 0 ? t.takeProfit : kind === 1 ? (t.direction === 'LONG' ? t.stopLoss - 5 : t.stopLoss + 1) : t.entryPrice * 1.001;
      const status = kind === 0 ? 'CLOSED_TP' : kind === 1 ? 'CLOSED_SL' : 'CLOSED_MANUAL';
      return store.closeTrade(closeOf(t, status, exit, new Date(t0 + n * 1000 + i * 1000)));
    }),
  );
  return trades;
}

/** Runs `fn` in a transaction that is always rolled back, giving it a LedgerDb on that transaction. */
export async function inRolledBack<T>(t: TestStore, fn: (db: LedgerDb) => Promise<T>): Promise<T> {
  const knex = t.orm.em.getConnection().getKnex();
  const trx = await knex.transaction();
  try {
    return await fn({ query: async (sql, b = []) => ((await trx.raw(sql, b as never[])) as { rows: RawRow[] }).rows });
  } finally {
    await trx.rollback();
  }
}

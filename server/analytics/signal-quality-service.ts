// Keeps what signal-quality analytics need for closed system trades: their terms and outcome
// (hydrated at start, then from close events) and MFE/MAE measured at close time from the
// per-symbol price extremes (in memory: trades closed before this process started have none).
import { tradePriceKey } from '../../shared/price-key.ts';
import { computeSignalQuality, excursionsPct, type QualityTrade, type SignalQuality } from '../../shared/analytics/signal-quality.ts';
import { isClosedStatus } from '../../shared/constants.ts';
import type { TradeJson } from '../../shared/protocol-types.ts';
import type { PriceExtremes } from './price-extremes.ts';

export interface ClosedTradeLike {
  id: number;
  direction: QualityTrade['direction'];
  timeframe: QualityTrade['timeframe'];
  confidence: number;
  entryPrice: number;
  takeProfit: number;
  stopLoss: number;
  exitPrice: number | null;
  profitLoss: number | null;
  entryTime: Date;
  exitTime: Date | null;
  status: string;
}

export class SignalQualityService {
  private readonly trades = new Map<number, QualityTrade>();

  constructor(private readonly extremes: PriceExtremes) {}

  hydrate(rows: Iterable<ClosedTradeLike>): void {
    for (const r of rows) {
      if (!isClosedStatus(r.status as never) || r.exitPrice === null || r.profitLoss === null || r.exitTime === null) continue;
      this.trades.set(r.id, {
        id: r.id,
        direction: r.direction,
        timeframe: r.timeframe,
        confidence: r.confidence,
        entry_price: r.entryPrice,
        take_profit: r.takeProfit,
        stop_loss: r.stopLoss,
        exit_price: r.exitPrice,
        profit_loss: r.profitLoss,
        entry_time: r.entryTime.getTime(),
        exit_time: r.exitTime.getTime(),
        mfe_pct: null,
        mae_pct: null,
      });
    }
  }

  /** A system trade closed: one O(log n) range query for its excursions. */
  closed(t: TradeJson): void {
    if (!isClosedStatus(t.status) || t.exit_price === null || t.profit_loss === null || t.exit_time === null) return;
    const entryTime = Date.parse(t.entry_time);
    const exitTime = Date.parse(t.exit_time);
    const ext = this.extremes.range(tradePriceKey(t), entryTime, exitTime);
    const exc = ext && ext.complete ? excursionsPct(t.direction, t.entry_price, t.exit_price, ext.max, ext.min) : null;
    this.trades.set(t.id, {
      id: t.id,
      direction: t.direction,
      timeframe: t.timeframe,
      confidence: t.confidence,
      entry_price: t.entry_price,
      take_profit: t.take_profit,
      stop_loss: t.stop_loss,
      exit_price: t.exit_price,
      profit_loss: t.profit_loss,
      entry_time: entryTime,
      exit_time: exitTime,
      mfe_pct: exc?.mfe_pct ?? null,
      mae_pct: exc?.mae_pct ?? null,
    });
  }

  /** Analytics over the given (already filtered) trade ids; ids that are not closed are skipped. */
  compute(ids: Iterable<number>): SignalQuality {
    const out: QualityTrade[] = [];
    for (const id of ids) {
      const t = this.trades.get(id);
      if (t) out.push(t);
    }
    return computeSignalQuality(out);
  }

  excursionsOf(id: number): { mfe_pct: number | null; mae_pct: number | null } | null {
    const t = this.trades.get(id);
    return t ? { mfe_pct: t.mfe_pct, mae_pct: t.mae_pct } : null;
  }
}

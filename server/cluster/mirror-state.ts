// The fold of one snapshot/delta stream (public or one user's /me): adopt a snapshot, apply
// deltas, serve snapshots and the live REST figures (P/L through the shared trade math). Pure: no
// Redis, no sockets; SnapshotMirror adds how it stays in sync with the engine.
import type { DeltaJson, OpenPositionJson, PriceJson, SnapshotJson, SummaryJson, TickerJson, TradeJson } from '../../shared/protocol-types.ts';
import { livePnl, totalUnrealized, type PriceState } from '../../shared/stream-state.ts';
import { roundMoney, roundPct } from '../../shared/trade-math.ts';
import { tradePriceKey } from '../../shared/price-key.ts';
import { RECENT_CLOSED_LIMIT } from '../engine/public-state.ts';
import { SummaryAccumulator } from '../../shared/metrics/summary-accumulator.ts';
import { tickerOf } from '../../shared/metrics/ticker.ts';

const EMPTY_SUMMARY: SummaryJson = new SummaryAccumulator().summary(0);

export class MirrorState {
  epoch = '';
  seq = 0;
  protected feeRate = 0.001;
  protected summaryValue: SummaryJson = EMPTY_SUMMARY;
  /** Insertion order = oldest first, like the engine's map; served newest first. */
  protected readonly open = new Map<number, TradeJson>();
  protected recent: TradeJson[] = [];
  protected readonly prices = new Map<string, PriceState>();

  snapshot(): SnapshotJson {
    return {
      epoch: this.epoch,
      seq: this.seq,
      server_time: new Date().toISOString(),
      fee_rate: this.feeRate,
      summary: this.summary(),
      open_positions: this.openTrades(),
      recent_closed: this.recent.slice(),
      prices: this.priceJson(),
    };
  }

  snapshotTicker(): TickerJson {
    return tickerOf(this.summary(), this.recent[0] ?? null);
  }

  // PublicLive (REST on an edge): the same figures the engine serves, from the mirror.
  summary(): SummaryJson {
    return { ...this.summaryValue, unrealized_profit_loss: this.unrealized() };
  }

  recentClosed(): TradeJson[] {
    return this.recent.slice();
  }

  unrealized(): number {
    return totalUnrealized(this.filled(), this.prices, this.feeRate).total;
  }

  /** openPositions()' unrealized_pnl summed over `open` (id → price key), without building the positions. */
  unrealizedOf(open: ReadonlyMap<number, string>): number {
    let sum = 0;
    for (const id of open.keys()) {
      const t = this.open.get(id);
      const p = t && this.prices.get(tradePriceKey(t));
      if (!t || t.status === 'PENDING' || !p || !Number.isFinite(p.price)) continue;
      sum += roundMoney(livePnl(t, p.price, this.feeRate).profitLoss);
    }
    return sum;
  }

  /** The engine's stream carries the all-bots record only: every trade mirrored is in it. */
  inRecord(): boolean {
    return true;
  }

  /** The engine stream's open trades (so an unlisted bot's are not here: `?bot=` of one is empty on an edge). */
  openPositions(): OpenPositionJson[] {
    return this.openTrades().map((t) => {
      const p = this.prices.get(tradePriceKey(t));
      if (t.status === 'PENDING' || !p || !Number.isFinite(p.price)) {
        return { ...t, current_price: null, unrealized_pnl: null, unrealized_pnl_percentage: null };
      }
      const pl = livePnl(t, p.price, this.feeRate);
      return { ...t, current_price: p.price, unrealized_pnl: roundMoney(pl.profitLoss), unrealized_pnl_percentage: roundPct(pl.profitLossPercentage) };
    });
  }

  private *filled(): Iterable<TradeJson> {
    for (const t of this.open.values()) if (t.status !== 'PENDING') yield t;
  }

  private openTrades(): TradeJson[] {
    return [...this.open.values()].reverse();
  }

  private priceJson(): Record<string, PriceJson> {
    const out: Record<string, PriceJson> = {};
    for (const [s, p] of this.prices) if (Number.isFinite(p.price)) out[s] = p.stale ? { price: p.price, ts: p.ts, stale: true } : { price: p.price, ts: p.ts };
    return out;
  }

  protected apply(d: DeltaJson): void {
    for (const e of d.events) {
      switch (e.type) {
        case 'opened':
          this.open.set(e.trade.id, e.trade);
          break;
        case 'updated':
          // A leg filled or terms changed: the open trade is replaced where it stands (Map keeps its place).
          if (this.open.has(e.trade.id)) this.open.set(e.trade.id, e.trade);
          break;
        case 'closed':
          this.open.delete(e.trade.id);
          this.recent = [e.trade, ...this.recent.filter((t) => t.id !== e.trade.id)].slice(0, RECENT_CLOSED_LIMIT);
          break;
        case 'prices':
          for (const [symbol, [price, ts]] of Object.entries(e.prices)) this.prices.set(symbol, { price, ts, stale: false });
          for (const symbol of e.stale ?? []) {
            const p = this.prices.get(symbol);
            if (p) p.stale = true;
          }
          break;
        case 'summary':
          this.summaryValue = e.summary;
          break;
      }
    }
    this.seq = d.seq;
  }

  protected adopt(s: SnapshotJson): void {
    this.epoch = s.epoch;
    this.seq = s.seq;
    this.feeRate = s.fee_rate;
    this.summaryValue = s.summary;
    this.open.clear();
    for (let i = s.open_positions.length - 1; i >= 0; i--) this.open.set(s.open_positions[i]!.id, s.open_positions[i]!);
    this.recent = s.recent_closed.slice(0, RECENT_CLOSED_LIMIT);
    this.prices.clear();
    for (const [symbol, p] of Object.entries(s.prices)) this.prices.set(symbol, { price: p.price, ts: p.ts, stale: p.stale === true });
  }
}

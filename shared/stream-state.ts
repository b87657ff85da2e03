// Pure state of the public snapshot/delta stream (SPEC §5): what a snapshot sets and each delta
// event changes. No sockets, no DOM; `StreamClient` owns sequencing and the connection.
import { DEFAULTS } from './constants.ts';
import type { DeltaEvent, SnapshotJson, SummaryJson, TradeJson } from './protocol-types.ts';
import { roundMoney, type ProfitLoss } from './trade-math.ts';
import { unrealizedRemainder } from './open-trade-pnl.ts';
import { tradePriceKey } from './price-key.ts';

export const RECENT_CLOSED_LIMIT = 50;

export interface PriceState {
  price: number;
  /** Timestamp the feed gave the tick (epoch ms on the wire). */
  ts: number;
  stale: boolean;
}

/** One price change in arrival order, for charts that append ticks. */
export interface PriceTick {
  symbol: string;
  price: number;
  ts: number;
}

/** What changed since the last notification: listeners redraw only what they need. */
export interface StreamBatch {
  /** State was replaced wholesale by a snapshot (charts: `setData`). */
  snapshot: boolean;
  opened: TradeJson[];
  closed: TradeJson[];
  /** Open trades replaced by an `updated` event (a leg filled, the stop moved, terms changed). */
  updated: TradeJson[];
  /** Every price change in arrival order (charts: `series.update`). */
  ticks: PriceTick[];
  /** Symbols newly marked stale. */
  stale: string[];
  summary: boolean;
  status: boolean;
}

export function emptyBatch(): StreamBatch {
  return { snapshot: false, opened: [], closed: [], updated: [], ticks: [], stale: [], summary: false, status: false };
}

/** Optional server hint; SPEC's FEE_RATE default applies when absent. */
interface FeeRateHint {
  fee_rate?: number;
}

export class StreamState {
  epoch: string | null = null;
  seq = -1;
  summary: SummaryJson | null = null;
  feeRate: number = DEFAULTS.feeRate;
  readonly open = new Map<number, TradeJson>();
  /** Newest first, at most RECENT_CLOSED_LIMIT. */
  recentClosed: TradeJson[] = [];
  readonly prices = new Map<string, PriceState>();

  /** A snapshot is authoritative: everything is replaced, nothing merged. */
  applySnapshot(s: SnapshotJson, batch: StreamBatch): void {
    this.epoch = s.epoch;
    this.seq = s.seq;
    this.summary = s.summary;
    this.feeRate = pickFeeRate(s) ?? pickFeeRate(s.summary) ?? DEFAULTS.feeRate;
    this.open.clear();
    for (const t of s.open_positions) this.open.set(t.id, t);
    this.recentClosed = dedupeById(s.recent_closed).slice(0, RECENT_CLOSED_LIMIT);
    this.prices.clear();
    for (const [symbol, p] of Object.entries(s.prices)) {
      this.prices.set(symbol, { price: p.price, ts: p.ts, stale: p.stale === true });
    }
    batch.snapshot = true;
    batch.summary = true;
  }

  applyEvent(e: DeltaEvent, batch: StreamBatch): void {
    switch (e.type) {
      case 'opened':
        this.open.set(e.trade.id, e.trade);
        batch.opened.push(e.trade);
        break;
      case 'closed':
        this.open.delete(e.trade.id);
        this.recentClosed = [e.trade, ...this.recentClosed.filter((t) => t.id !== e.trade.id)].slice(0, RECENT_CLOSED_LIMIT);
        batch.closed.push(e.trade);
        break;
      case 'updated':
        // Only an open trade is replaced (Map.set on a present key keeps its place); an update for
        // a trade this client does not hold open (already closed, or filtered out) is stale.
        if (!this.open.has(e.trade.id)) break;
        this.open.set(e.trade.id, e.trade);
        batch.updated.push(e.trade);
        break;
      case 'prices':
        for (const [symbol, [price, ts]] of Object.entries(e.prices)) {
          // A new price clears staleness; an explicit stale flag below may set it again.
          this.prices.set(symbol, { price, ts, stale: false });
          batch.ticks.push({ symbol, price, ts });
        }
        for (const symbol of e.stale ?? []) {
          const prev = this.prices.get(symbol);
          if (prev) prev.stale = true;
          else this.prices.set(symbol, { price: Number.NaN, ts: 0, stale: true });
          batch.stale.push(symbol);
        }
        break;
      case 'summary':
        this.summary = e.summary;
        this.feeRate = pickFeeRate(e.summary) ?? this.feeRate;
        batch.summary = true;
        break;
    }
  }
}

function pickFeeRate(o: object): number | undefined {
  const v = (o as FeeRateHint).fee_rate;
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

function dedupeById(trades: TradeJson[]): TradeJson[] {
  const seen = new Set<number>();
  return trades.filter((t) => (seen.has(t.id) ? false : (seen.add(t.id), true)));
}

/**
 * Unrealised P/L of an open trade at `price`: its unfilled remainder with the exit fee (SPEC §9:
 * filled legs are realised and reported apart). A trade with no filled leg: the whole position.
 */
export function livePnl(trade: TradeJson, price: number, feeRate: number): ProfitLoss {
  return unrealizedRemainder(trade, price, feeRate);
}

/** Σ unrealised P/L (remainders) over open trades that have a usable price; `priced` counts them. */
export function totalUnrealized(open: Iterable<TradeJson>, prices: ReadonlyMap<string, PriceState>, feeRate: number): { total: number; priced: number } {
  let total = 0;
  let priced = 0;
  for (const t of open) {
    const p = prices.get(tradePriceKey(t));
    if (!p || !Number.isFinite(p.price)) continue;
    total += livePnl(t, p.price, feeRate).profitLoss;
    priced++;
  }
  return { total: roundMoney(total), priced };
}

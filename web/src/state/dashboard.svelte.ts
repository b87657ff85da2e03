// Page state: mirrors the StreamClient once per animation frame into runes, plus filters and
// selection. Components read it; charts also subscribe to raw batches for `series.update`.
import type { Direction } from '../../../shared/constants.ts';
import type { SummaryJson, TradeJson } from '../../../shared/protocol-types.ts';
import { StreamClient, totalUnrealized, type ConnectionStatus, type PriceState, type PublicSocket, type StreamBatch } from '../../../shared/stream-client.ts';
import type { ProfitLoss } from '../../../shared/trade-math.ts';
import { openTradePnl } from '../../../shared/open-trade-pnl.ts';
import { tradePriceKey } from '../../../shared/price-key.ts';
import { PriceHistory } from '../lib/price-history.ts';
import type { StreamCandleJson } from '../../../shared/candles.ts';
import { LivePrices } from './live-prices.svelte.ts';

export type DirectionFilter = 'ALL' | Direction;

/**
 * What an open-positions row shows live: its symbol's usable price and the trade's P/L at it (the
 * legs already filled plus the remainder at that price).
 */
export interface LiveQuote {
  price: PriceState | null;
  pnl: ProfitLoss | null;
}

/** Table rows rendered at most; the cards still count every trade. */
export const MAX_OPEN_ROWS = 200;

export class DashboardState {
  status = $state<ConnectionStatus>('connecting');
  summary = $state.raw<SummaryJson | null>(null);
  open = $state.raw<TradeJson[]>([]);
  closed = $state.raw<TradeJson[]>([]);
  /** One signal per symbol: a price batch re-runs only the rows whose symbol moved. */
  readonly prices = new LivePrices();
  feeRate = $state(0.001);
  directionFilter = $state<DirectionFilter>('ALL');
  symbolFilter = $state('ALL');
  selectedId = $state<number | null>(null);
  /** Bumped on every batch that closes a trade or replaces state (equity curve refresh). */
  closedVersion = $state(0);

  readonly history = new PriceHistory();
  private readonly client: StreamClient;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- listeners, not state: nothing renders from this set
  private readonly batchListeners = new Set<(b: StreamBatch) => void>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- listeners, not state: nothing renders from this set
  private readonly candleListeners = new Set<(byKey: ReadonlyMap<string, readonly StreamCandleJson[]>) => void>();
  private unsubscribe: (() => void) | null = null;

  /** Σ over open remainders (SPEC §9: filled legs are realised, not in this figure). */
  unrealized = $derived(totalUnrealized(this.open, this.prices.all, this.feeRate));
  staleSymbols = $derived(
    [...this.prices.all]
      .filter(([, p]) => p.stale)
      .map(([s]) => s)
      .sort(),
  );
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a throwaway set for de-duplication inside the derivation
  symbols = $derived([...new Set([...this.open, ...this.closed].map((t) => t.symbol))].sort());

  /** Trades of the table's rows; prices are read per row (`live`), so a price batch keeps this list. */
  openRows = $derived(this.open.filter((t) => this.matches(t)).slice(0, MAX_OPEN_ROWS));
  openMatching = $derived(this.open.filter((t) => this.matches(t)).length);
  closedRows = $derived(this.closed.filter((t) => this.matches(t)));
  selected = $derived(this.open.find((t) => t.id === this.selectedId) ?? this.open[0] ?? null);

  constructor(
    private readonly socket: PublicSocket,
    schedule: (flush: () => void) => void = (f) => requestAnimationFrame(f),
  ) {
    this.client = new StreamClient(socket, { schedule });
  }

  start(): void {
    this.unsubscribe = this.client.subscribe((b) => this.apply(b));
    this.socket.on('candles', this.applyCandles);
    this.client.start();
  }

  stop(): void {
    this.unsubscribe?.();
    this.socket.off('candles', this.applyCandles);
    this.client.stop();
  }

  /** Closed 1m candles from the server by price key, after `history` has them. */
  onCandles(fn: (byKey: ReadonlyMap<string, readonly StreamCandleJson[]>) => void): () => void {
    this.candleListeners.add(fn);
    return () => this.candleListeners.delete(fn);
  }

  /** A few per minute (one per public key): applied as they come, not batched per frame. */
  private readonly applyCandles = (c: { candles: StreamCandleJson[] }): void => {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a throwaway grouping, not state
    const byKey = new Map<string, StreamCandleJson[]>();
    for (const candle of c.candles ?? []) byKey.set(candle.key, [...(byKey.get(candle.key) ?? []), candle]);
    for (const [key, list] of byKey) this.history.merge(key, list);
    for (const fn of this.candleListeners) fn(byKey);
  };

  /** Raw batches after state is updated: charts use them to `update` series per tick. */
  onBatch(fn: (b: StreamBatch) => void): () => void {
    this.batchListeners.add(fn);
    return () => this.batchListeners.delete(fn);
  }

  get counters(): { resyncs: number; gaps: number } {
    return { resyncs: this.client.resyncs, gaps: this.client.gaps };
  }

  /** Live price and P/L of an open trade (realised legs + remainder); reads only its own symbol's price. */
  live(trade: TradeJson): LiveQuote {
    const p = this.prices.get(tradePriceKey(trade));
    const usable = p && Number.isFinite(p.price) ? p : null;
    return { price: usable, pnl: usable ? openTradePnl(trade, usable.price, this.feeRate) : null };
  }

  private matches(t: TradeJson): boolean {
    if (this.directionFilter !== 'ALL' && t.direction !== this.directionFilter) return false;
    return this.symbolFilter === 'ALL' || t.symbol === this.symbolFilter;
  }

  private apply(b: StreamBatch): void {
    const c = this.client;
    if (b.snapshot) for (const [symbol, p] of c.prices) this.history.add(symbol, p.price, p.ts);
    for (const t of b.ticks) this.history.add(t.symbol, t.price, t.ts);
    if (b.status) this.status = c.status;
    if (b.summary) {
      this.summary = c.summary;
      this.feeRate = c.feeRate;
    }
    if (b.snapshot || b.opened.length > 0 || b.closed.length > 0 || b.updated.length > 0) {
      this.open = [...c.openPositions.values()].sort((x, y) => y.id - x.id);
      this.closed = [...c.recentClosed];
    }
    if (b.snapshot) this.prices.sync(c.prices, null);
    else if (b.ticks.length > 0 || b.stale.length > 0) this.prices.sync(c.prices, priceSymbols(b));
    if (b.snapshot || b.closed.length > 0) this.closedVersion++;
    for (const fn of this.batchListeners) fn(b);
  }
}

function* priceSymbols(b: StreamBatch): Iterable<string> {
  for (const t of b.ticks) yield t.symbol;
  yield* b.stale;
}

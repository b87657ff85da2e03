// Read-only live view of the public record for snapshots, the ticker and REST: system trades only,
// with live prices from the book and staleness flags.
import type { OpenPositionJson, PriceJson, SnapshotJson, SummaryJson, TickerJson, TradeJson } from '../../shared/protocol-types.ts';
import { roundMoney, roundPct } from '../../shared/trade-math.ts';
import type { OpenBook } from '../book/open-book.ts';
import type { PublicState } from './public-state.ts';
import type { StalenessMonitor } from './staleness-monitor.ts';
import type { TradeEngine } from './trade-engine.ts';
import { PUBLIC_SCOPE } from '../privacy/trade-scope.ts';
import { tradePriceKey } from '../../shared/price-key.ts';
import type { ListedBots } from './listed-bots.ts';
import { UnlistedOpenTrades } from './unlisted-open-trades.ts';

export class PublicLiveView {
  /** Open trades of unlisted bots: out of every figure here (an engine-event consumer, wired first). */
  readonly unlistedOpen: UnlistedOpenTrades;

  constructor(
    private engine: TradeEngine,
    private book: OpenBook,
    private state: PublicState,
    private staleness: StalenessMonitor,
    private feeRate: number,
    /** SPEC §11: whose trades the all-bots record counts. */
    readonly listed: ListedBots,
  ) {
    this.unlistedOpen = new UnlistedOpenTrades(listed);
  }

  /** Whether a system trade belongs to the all-bots record (its bot is not unlisted). */
  inRecord(t: Pick<TradeJson, 'bot'>): boolean {
    return this.listed.includes(t.bot);
  }

  /**
   * Over open system trades whose symbol has a price (a trade with no price yet has no P/L to show):
   * the book's per-key aggregates, less the open trades of unlisted bots.
   */
  unrealized(): number {
    let sum = 0;
    for (const [symbol] of this.book.prices()) sum += this.engine.unrealizedPnlOf(symbol);
    for (const [id, key] of this.unlistedOpen.entries()) {
      if (this.book.lastPrice(key) !== undefined) sum -= this.engine.unrealizedOf(id)?.profitLoss ?? 0;
    }
    return roundMoney(sum);
  }

  summary(): SummaryJson {
    let openRealized = this.engine.openRealizedProfitLoss();
    for (const [id] of this.unlistedOpen.entries()) openRealized -= this.engine.openTrade(id)?.trade.realized_profit_loss ?? 0;
    return { ...this.state.summary(this.unrealized()), open_realized_profit_loss: roundMoney(openRealized) };
  }

  /** The all-bots record's open trades: every open system trade but unlisted bots'. */
  recordOpenTrades(): TradeJson[] {
    const open = this.engine.openTrades(PUBLIC_SCOPE);
    return this.unlistedOpen.size === 0 ? open : open.filter((t) => this.inRecord(t));
  }

  recentClosed(): TradeJson[] {
    return this.state.recentClosed();
  }

  ticker(): TickerJson {
    return this.state.ticker(this.unrealized());
  }

  /** openPositions()' unrealized_pnl summed over `open` (id → price key), without building the positions. */
  unrealizedOf(open: ReadonlyMap<number, string>): number {
    let sum = 0;
    for (const [id, key] of open) {
      if (this.book.lastPrice(key) === undefined) continue;
      const u = this.engine.unrealizedOf(id);
      if (u) sum += roundMoney(u.profitLoss);
    }
    return sum;
  }

  /** Every open system trade with its live P/L (`?bot=` narrows it; unfiltered readers take `inRecord`). */
  openPositions(): OpenPositionJson[] {
    return this.engine.openTrades(PUBLIC_SCOPE).map((t) => {
      const u = this.engine.unrealizedOf(t.id);
      const hasPrice = this.book.lastPrice(tradePriceKey(t)) !== undefined;
      return {
        ...t,
        current_price: hasPrice && u ? u.price : null,
        unrealized_pnl: hasPrice && u ? roundMoney(u.profitLoss) : null,
        unrealized_pnl_percentage: hasPrice && u ? roundPct(u.profitLossPercentage) : null,
      };
    });
  }

  busy(): boolean {
    return this.engine.ingestsInFlight > 0;
  }

  /** Per price key (shared/price-key.ts): `BTCUSDT.P` is public only while a FUTURES system trade holds BTCUSDT. */
  isPublicSymbol(key: string): boolean {
    return this.engine.hasPublicTrades(key);
  }

  /** Last prices of symbols with open system trades only (see isPublicSymbol). */
  prices(): Record<string, PriceJson> {
    const out: Record<string, PriceJson> = {};
    for (const [symbol, price, ts] of this.book.prices()) {
      if (!this.engine.hasPublicTrades(symbol)) continue;
      out[symbol] = this.staleness.isStale(symbol) ? { price, ts, stale: true } : { price, ts };
    }
    return out;
  }

  snapshotState(): Omit<SnapshotJson, 'epoch' | 'seq' | 'server_time'> {
    return {
      fee_rate: this.feeRate,
      summary: this.summary(),
      open_positions: this.recordOpenTrades(),
      recent_closed: this.recentClosed(),
      prices: this.prices(),
    };
  }

  /**
   * Stale symbols among the public ones (open system trades): what readiness and
   * `paperbook_stale_symbols` count. A symbol only users hold never moves them (issue 16, item 5):
   * anyone may register, and a count moved by users would let them take a node out of a load
   * balancer and learn about other users' trades.
   */
  publicStaleCount(): number {
    let n = 0;
    for (const s of this.staleness.staleSymbols()) if (this.engine.hasPublicTrades(s)) n++;
    return n;
  }

  /** Fresh = no public symbol is stale (a feed that has not ticked yet is given PRICE_STALE_MS). */
  feedFresh(_now: number): boolean {
    return this.publicStaleCount() === 0;
  }

  /** Seconds since the last tick of a public symbol or of `extra` (the benchmark's BTCUSDT), capped. */
  feedAgeSeconds(now: number, extra: readonly string[]): number {
    const age = this.staleness.ageOf((s) => extra.includes(s) || this.engine.hasPublicTrades(s), now);
    return Math.min(age / 1000, 1e9);
  }
}

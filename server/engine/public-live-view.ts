// Read-only live view of the public record for snapshots, the ticker and REST: system trades only,
// with live prices from the book and staleness flags.
import type { OpenPositionJson, PriceJson, SnapshotJson, SummaryJson, TickerJson, TradeJson } from '../../shared/protocol-types.ts';
import { roundMoney, roundPct } from '../../shared/trade-math.ts';
import type { OpenBook } from '../book/open-book.ts';
import type { PublicState } from './public-state.ts';
import type { StalenessMonitor } from './staleness-monitor.ts';
import type { TradeEngine } from './trade-engine.ts';
import { PUBLIC_SCOPE } from '../queries/trade-scope.ts';

export class PublicLiveView {
  constructor(
    private engine: TradeEngine,
    private book: OpenBook,
    private state: PublicState,
    private staleness: StalenessMonitor,
    private feeRate: number,
  ) {}

  /** Over open system trades whose symbol has a price; a trade with no price yet has no P/L to show. */
  unrealized(): number {
    let sum = 0;
    for (const [symbol] of this.book.prices()) sum += this.book.unrealizedPnlOf(symbol);
    return roundMoney(sum);
  }

  summary(): SummaryJson {
    return this.state.summary(this.unrealized());
  }

  recentClosed(): TradeJson[] {
    return this.state.recentClosed();
  }

  ticker(): TickerJson {
    return this.state.ticker(this.unrealized());
  }

  openPositions(): OpenPositionJson[] {
    return this.engine.openTrades(PUBLIC_SCOPE).map((t) => {
      const u = this.book.unrealizedOf(t.id);
      const hasPrice = this.book.lastPrice(t.symbol) !== undefined;
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

  isPublicSymbol(symbol: string): boolean {
    return this.engine.hasPublicTrades(symbol);
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
      open_positions: this.engine.openTrades(PUBLIC_SCOPE),
      recent_closed: this.recentClosed(),
      prices: this.prices(),
    };
  }

  /** Fresh = no symbol with open trades is stale (a feed that has not ticked yet is given PRICE_STALE_MS). */
  feedFresh(_now: number): boolean {
    return this.staleness.staleSymbols().every((s) => this.book.sizeOf(s) === 0);
  }
}

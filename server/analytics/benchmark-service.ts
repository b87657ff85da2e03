// Records, for each system trade, the market price of its symbol and of BTC when it opened and
// when it closed (last tick seen), so the benchmark needs no price history. In memory: trades
// opened before this process started are not measured.
import { computeBenchmark, type Benchmark, type BenchmarkTrade } from '../../shared/analytics/benchmark.ts';
import { isClosedStatus } from '../../shared/constants.ts';
import type { TradeJson } from '../../shared/protocol-types.ts';
import { tradePriceKey } from '../../shared/price-key.ts';

export const BENCHMARK_SYMBOL = 'BTCUSDT';
const MAX_KEPT = 200_000;

export class BenchmarkService {
  private readonly last = new Map<string, number>();
  private readonly entries = new Map<number, { symbol: number; btc: number | null }>();
  private readonly closed = new Map<number, BenchmarkTrade>();

  constructor(private readonly feeRate: number) {}

  /** By price key (shared/price-key.ts): a FUTURES trade is measured against futures prices; BTC is spot. */
  tick(key: string, price: number): void {
    this.last.set(key, price);
  }

  opened(t: TradeJson): void {
    // No tick yet for the symbol: the signal's entry is the best market price we have.
    this.entries.set(t.id, { symbol: this.last.get(tradePriceKey(t)) ?? t.entry_price, btc: this.last.get(BENCHMARK_SYMBOL) ?? null });
  }

  closedTrade(t: TradeJson): void {
    const e = this.entries.get(t.id);
    this.entries.delete(t.id);
    if (!e || !isClosedStatus(t.status) || t.profit_loss === null || t.exit_time === null) return;
    const btcExit = this.last.get(BENCHMARK_SYMBOL) ?? null;
    this.closed.set(t.id, {
      id: t.id,
      exit_time: Date.parse(t.exit_time),
      position_size: t.position_size,
      profit_loss: t.profit_loss,
      symbol_entry: e.symbol,
      symbol_exit: this.last.get(tradePriceKey(t)) ?? t.exit_price ?? e.symbol,
      btc_entry: e.btc,
      btc_exit: e.btc === null ? null : btcExit,
    });
    if (this.closed.size > MAX_KEPT) this.closed.delete(this.closed.keys().next().value!);
  }

  compute(ids: Iterable<number>): Benchmark {
    const out: BenchmarkTrade[] = [];
    for (const id of ids) {
      const t = this.closed.get(id);
      if (t) out.push(t);
    }
    return computeBenchmark(out, this.feeRate);
  }
}

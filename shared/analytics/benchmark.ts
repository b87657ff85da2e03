// Live benchmark (docs/ledger.md): what the same position size would have made simply holding
// (spot, no leverage, same taker fees) the traded symbol, or BTC, over each trade's life.
import { profitLossAt, quantityFor, roundMoney } from '../trade-math.ts';

export interface BenchmarkTrade {
  id: number;
  /** Epoch ms. */
  exit_time: number;
  position_size: number;
  profit_loss: number;
  /** Market prices of the traded symbol at entry and at exit. */
  symbol_entry: number;
  symbol_exit: number;
  /** BTC prices at entry and exit; null when BTC had no price then. */
  btc_entry: number | null;
  btc_exit: number | null;
}

export interface Benchmark {
  /** Closed trades with benchmark prices (those that opened and closed while this server ran). */
  trades: number;
  bot_profit_loss: number;
  hold_symbol_profit_loss: number;
  /** Over the trades that had BTC prices (`btc_trades`). */
  btc_trades: number;
  hold_btc_profit_loss: number;
  /** Cumulative after each close (exit order): the bot's P/L and holding BTC instead. */
  equity_curve: { time: number; bot: number; hold_btc: number }[];
}

export function holdProfitLoss(positionSize: number, entry: number, exit: number, feeRate: number): number {
  const quantity = quantityFor(positionSize, 1, entry);
  return profitLossAt({ direction: 'LONG', entryPrice: entry, quantity, positionSize }, exit, feeRate).profitLoss;
}

export function computeBenchmark(trades: readonly BenchmarkTrade[], feeRate: number): Benchmark {
  const ordered = [...trades].sort((a, b) => a.exit_time - b.exit_time || a.id - b.id);
  let bot = 0;
  let sym = 0;
  let btc = 0;
  let btcTrades = 0;
  const curve: Benchmark['equity_curve'] = [];
  for (const t of ordered) {
    bot += t.profit_loss;
    sym += holdProfitLoss(t.position_size, t.symbol_entry, t.symbol_exit, feeRate);
    if (t.btc_entry !== null && t.btc_exit !== null) {
      btc += holdProfitLoss(t.position_size, t.btc_entry, t.btc_exit, feeRate);
      btcTrades++;
    }
    curve.push({ time: t.exit_time, bot: roundMoney(bot), hold_btc: roundMoney(btc) });
  }
  return {
    trades: ordered.length,
    bot_profit_loss: roundMoney(bot),
    hold_symbol_profit_loss: roundMoney(sym),
    btc_trades: btcTrades,
    hold_btc_profit_loss: roundMoney(btc),
    equity_curve: curve,
  };
}

// One bot's ticker frame (SPEC §11: the widget's `bot="…"`, `/public` with `auth: {channels:
// ['ticker'], bot}`): its figures from the bots directory (cached per ledger head), the live
// unrealised P/L of its open positions, and its latest close.
import type { BotJson, OpenPositionJson, TickerJson, TradeJson } from '../../shared/protocol-types.ts';
import { roundMoney } from '../../shared/trade-math.ts';

export interface BotTickerReads {
  /** A bot's figures by name (listed or not), null without public trades. */
  bot(name: string): Promise<BotJson | null>;
  lastClosed(bot: string): Promise<TradeJson | null>;
  openPositions(): OpenPositionJson[];
}

/** The frame, or null for a name no bot has traded under. */
export async function botTicker(reads: BotTickerReads, bot: string): Promise<TickerJson | null> {
  const [b, lastClosed] = await Promise.all([reads.bot(bot), reads.lastClosed(bot)]);
  if (!b) return null;
  let unrealized = 0;
  for (const p of reads.openPositions()) if (p.bot === bot && p.unrealized_pnl !== null) unrealized += p.unrealized_pnl;
  return {
    win_rate: b.win_rate,
    total_profit_loss: b.total_profit_loss,
    unrealized_profit_loss: roundMoney(unrealized),
    open_trades: b.open_trades,
    closed_trades: b.closed_trades,
    last_closed: lastClosed,
  };
}

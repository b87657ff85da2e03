// What a queued notification says, read back from its committed ledger row and the trade it is of
// (SPEC §14). The event's own fields come from the ledger row (what was announced, hashed and
// exported); the trade's description (symbol, direction, levels) from its row.
import type { Notification, NotificationKind, NotifiedTrade } from '../notify/notification.ts';
import { NOTIFIED_LEDGER_KINDS, type NotifiedLedgerKind } from './notify-outbox.ts';
import { systemTradeSql } from '../privacy/trade-scope.ts';
import type { Query } from './sql-runner.ts';
import type { Direction, MarketType } from '../../shared/constants.ts';

type Row = Record<string, unknown>;
const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function tradeOf(r: Row): NotifiedTrade {
  const targets = (typeof r.targets === 'string' ? JSON.parse(r.targets) : r.targets) as { level: number }[] | null;
  return {
    id: num(r.trade_id),
    symbol: String(r.symbol),
    direction: r.direction as Direction,
    marketType: r.market_type as MarketType,
    timeframe: (r.timeframe as string | null) ?? null,
    leverage: num(r.leverage),
    entryPrice: num(r.entry_price),
    takeProfit: targets && targets.length > 0 ? targets.map((t) => Number(t.level)) : [num(r.take_profit)],
    stopLoss: numOrNull(r.stop_loss),
    positionSize: num(r.position_size),
    status: String(r.status),
  };
}

function notificationOf(r: Row, baseUrl: string): Notification {
  const kind = NOTIFIED_LEDGER_KINDS[r.kind as NotifiedLedgerKind] as NotificationKind;
  const e = (typeof r.event === 'string' ? JSON.parse(r.event) : r.event) as Row;
  const seq = num(r.seq);
  const hash = String(r.hash);
  const trade = tradeOf(r);
  const n: Notification = {
    id: `pb-${seq}-${hash.slice(0, 16)}`,
    kind,
    at: new Date(r.at as string).toISOString(),
    bot: String(r.bot),
    botDisplayName: (r.display_name as string | null) ?? null,
    tradeUrl: `${baseUrl}/trades/${trade.id}`,
    trade,
    ledger: { seq, hash },
  };
  if (kind === 'trade.opened') {
    // The levels as opened (the row may have moved on since).
    n.trade.entryPrice = num(e.entry_price);
    n.trade.stopLoss = numOrNull(e.stop_loss);
    n.trade.status = String(e.status);
  } else if (kind === 'trade.leg') {
    n.leg = {
      kind: String(e.leg),
      price: num(e.price),
      quantity: num(e.quantity),
      profitLoss: num(e.profit_loss),
      stopLoss: numOrNull(e.stop_loss),
      remainingQuantity: num(e.remaining_quantity),
      realizedProfitLoss: num(e.realized_profit_loss),
    };
    n.trade.stopLoss = n.leg.stopLoss;
  } else {
    n.close = {
      status: String(e.status),
      reason: String(e.reason),
      exitPrice: numOrNull(e.exit_price),
      profitLoss: num(e.profit_loss),
      profitLossPercentage: num(e.profit_loss_percentage),
      fees: num(e.fees),
    };
    n.trade.status = n.close.status;
  }
  return n;
}

/** The notifications of these ledger rows, by seq (rows of other kinds, or not of a system trade, are absent). */
export async function loadNotifications(q: Query, seqs: readonly number[], baseUrl: string): Promise<Map<number, Notification>> {
  if (seqs.length === 0) return new Map();
  const rows = await q(
    `select l.seq, l.kind, l.event, l.at, l.hash, p.id as trade_id, p.bot, b.display_name, p.symbol, p.direction, p.market_type,
            p.timeframe, p.leverage, p.entry_price, p.take_profit, p.targets, p.stop_loss, p.position_size, p.status
     from ledger l join paper_trades p on p.id = l.trade_id and ${systemTradeSql('p')} left join bots b on b.name = p.bot
     where l.seq = any(?::bigint[]) and l.kind in (${Object.keys(NOTIFIED_LEDGER_KINDS)
       .map((k) => `'${k}'`)
       .join(', ')})`,
    [seqs],
  );
  return new Map(rows.map((r) => [num(r.seq), notificationOf(r, baseUrl)]));
}

// Notifications of each kind for the channel tests, with overrides.
import type { Notification, NotificationKind } from '../../server/notify/notification.ts';

let seq = 100;

export function notification(kind: NotificationKind, over: Partial<Notification> = {}): Notification {
  seq++;
  const base: Notification = {
    id: `pb-test-${seq}`,
    kind,
    at: '2026-12-04T19:30:00.000Z',
    bot: 'alpha-signals',
    botDisplayName: 'Alpha <Signals> & Co',
    tradeUrl: 'https://paperbook.example/trades/42',
    trade: {
      id: 42,
      symbol: 'BTCUSDT',
      direction: 'LONG',
      marketType: 'FUTURES',
      timeframe: '1h',
      leverage: 5,
      entryPrice: 64250.5,
      takeProfit: [65000, 66000.25],
      stopLoss: 63000,
      positionSize: 100,
      status: kind === 'trade.closed' ? 'CLOSED_TP' : 'OPEN',
    },
    ledger: { seq, hash: 'ab'.repeat(32) },
  };
  if (kind === 'trade.leg')
    base.leg = { kind: 'TP1', price: 65000, quantity: 0.00389, profitLoss: 2.91, stopLoss: 64250.5, remainingQuantity: 0.00389, realizedProfitLoss: 2.91 };
  if (kind === 'trade.closed')
    base.close = { status: 'CLOSED_TP', reason: 'TAKE_PROFIT', exitPrice: 66000.25, profitLoss: 9.65, profitLossPercentage: 9.65, fees: 0.64 };
  return { ...base, ...over };
}

export const KINDS: NotificationKind[] = ['trade.opened', 'trade.leg', 'trade.closed'];

// Wire-shaped trades with several targets and legs (SPEC §9), money worked out by hand in comments.
import type { LegJson, SnapshotJson, TradeJson } from '../../shared/protocol-types.ts';
import { CLOSED_TP, OPEN_BTC, OPEN_ETH, snapshot, trade } from './fixtures.ts';

const AT = (h: number, m = 0) => `2026-01-01T0${h}:${String(m).padStart(2, '0')}:00.000Z`;

const leg = (kind: LegJson['kind'], price: number, quantity: number, time: string, fees: number, profit_loss: number): LegJson => ({
  kind,
  price,
  quantity,
  time,
  fees,
  profit_loss,
});

// LONG 3 SOL @ 100 on 300 USDT, targets 110/120/130 in thirds, moving-target stop from 90.
// TP1: 1 × 10 − 1 × 210 × 0.001 = 9.79. TP2: 1 × 20 − 1 × 220 × 0.001 = 19.78.
const TP1 = leg('TP1', 110, 1, AT(1), 0.21, 9.79);
const TP2 = leg('TP2', 120, 1, AT(2), 0.22, 19.78);

const plan = (filled: number): Pick<TradeJson, 'targets'> => ({
  targets: [110, 120, 130].map((level, i) => ({ level, share: 1 / 3, filled_at: i < filled ? AT(i + 1) : null })),
});

/** TP1 filled, the stop moved to entry (breakeven); 2 of 3 still open. At 115: 9.79 + 2 × 15 − 2 × 215 × 0.001 = 39.36. */
export const OPEN_MULTI: TradeJson = trade({
  id: 8,
  symbol: 'SOLUSDT',
  entry_price: 100,
  quantity: 3,
  position_size: 300,
  take_profit: 130,
  stop_loss: 100,
  ...plan(1),
  legs: [TP1],
  remaining_quantity: 2,
  realized_profit_loss: 9.79,
  initial_stop_loss: 90,
  exit_reason: 'TP1',
  sl_mode: 'moving_target',
});

/** The same trade after TP2 filled: the stop moves to TP1 (110), 1 of 3 open. */
export const OPEN_MULTI_AFTER_TP2: TradeJson = {
  ...OPEN_MULTI,
  ...plan(2),
  stop_loss: 110,
  legs: [TP1, TP2],
  remaining_quantity: 1,
  realized_profit_loss: 29.57,
  exit_reason: 'TP2',
  updated_at: AT(2),
};

/** …and with a 2 % trailing stop that has seen 125: it trails at 122.5, tighter than 110. */
export const OPEN_MULTI_TRAILING: TradeJson = {
  ...OPEN_MULTI_AFTER_TP2,
  trailing_stop: { callback_rate: 0.02, activation_price: null, best_price: 125, level: 122.5 },
  updated_at: AT(2, 30),
};

/** Closed by its moved stop after TP1 and TP2: SL 1 @ 110 = 9.79; total 39.36 = 13.12 % of 300. */
export const CLOSED_MULTI: TradeJson = trade({
  id: 6,
  symbol: 'SOLUSDT',
  entry_price: 100,
  quantity: 3,
  position_size: 300,
  take_profit: 130,
  stop_loss: 110,
  status: 'CLOSED_SL',
  exit_price: 110,
  exit_time: AT(3),
  fees: 0.64,
  profit_loss: 39.36,
  profit_loss_percentage: 13.12,
  ...plan(2),
  legs: [TP1, TP2, leg('SL', 110, 1, AT(3), 0.21, 9.79)],
  remaining_quantity: 0,
  realized_profit_loss: 39.36,
  initial_stop_loss: 90,
  exit_reason: 'SL',
  sl_mode: 'moving_target',
});

/** fixtures' CLOSED_TP as the server sends it since §9: its one target filled, one leg, nothing open. */
export const CLOSED_TP_ONE_LEG: TradeJson = {
  ...CLOSED_TP,
  targets: [{ level: 153, share: 1, filled_at: CLOSED_TP.exit_time }],
  legs: [leg('TP1', 153, CLOSED_TP.quantity, CLOSED_TP.exit_time!, 0.202, 1.798)],
  remaining_quantity: 0,
  realized_profit_loss: 1.798,
  exit_reason: 'TP1',
};

export function planSnapshot(over: Partial<SnapshotJson> = {}): SnapshotJson {
  const base = snapshot();
  return snapshot({
    open_positions: [OPEN_MULTI, OPEN_ETH, OPEN_BTC],
    recent_closed: [CLOSED_MULTI, CLOSED_TP_ONE_LEG],
    prices: { ...base.prices, SOLUSDT: { price: 115, ts: Date.parse('2026-01-01T03:00:00Z') } },
    ...over,
  });
}

// The trade page's candle window and the stop's steps from the ledger (web/src/trade/trade-window.ts).
import { describe, expect, it } from 'vitest';
import { stopSteps, tradeWindow } from '../../web/src/trade/trade-window.ts';

const T0 = Date.parse('2026-03-01T00:00:00Z');
const min = (m: number) => T0 + m * 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('tradeWindow', () => {
  it('picks the smallest interval that fits the padded life in 600 candles', () => {
    expect(tradeWindow(T0, min(30))).toEqual({ interval: '1m', from: min(-10), to: min(40) });
    expect(tradeWindow(T0, min(60 * 24)).interval).toBe('5m');
    expect(tradeWindow(T0, min(60 * 24 * 10)).interval).toBe('1h');
    expect(tradeWindow(T0, min(60 * 24 * 30)).interval).toBe('4h');
    expect(tradeWindow(T0, min(60 * 24 * 3650)).interval).toBe('1d');
  });
});

describe('stopSteps', () => {
  const trade = { entry_time: iso(T0), initial_stop_loss: 90, stop_loss: 100 };

  it('starts at the signal stop and steps at each update and fill that moved it', () => {
    const ledger = [
      { kind: 'signal_received', at: iso(T0), event: {} },
      { kind: 'signal_updated', at: iso(min(5)), event: { stop_loss: 95 } },
      { kind: 'trade_leg', at: iso(min(10)), event: { leg: 'TP1', stop_loss: 100 } },
      { kind: 'trade_closed', at: iso(min(20)), event: { stop_loss: 1 } },
    ];
    expect(stopSteps(trade, ledger, min(20))).toEqual([
      { time: T0 / 1000, value: 90 },
      { time: min(5) / 1000, value: 95 },
      { time: min(10) / 1000, value: 100 },
      { time: min(20) / 1000, value: 100 },
    ]);
  });

  it('keeps the last of rows in one second, and is never a single point', () => {
    const same = [{ kind: 'trade_leg', at: iso(T0 + 300), event: { stop_loss: 100 } }];
    expect(stopSteps(trade, same, T0 + 500)).toEqual([
      { time: T0 / 1000, value: 100 },
      { time: T0 / 1000 + 1, value: 100 },
    ]);
    expect(stopSteps({ ...trade, stop_loss: 90 }, [], min(3))).toEqual([
      { time: T0 / 1000, value: 90 },
      { time: min(3) / 1000, value: 90 },
    ]);
  });
});

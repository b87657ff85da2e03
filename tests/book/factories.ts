// Trade factories and a recording listener for the book scenarios.
import type { Direction } from '../../shared/constants.ts';
import { quantityFor } from '../../shared/trade-math.ts';
import { OpenBook } from '../../server/book/open-book.ts';
import type { BookClose, BookEvents, BookTrade } from '../../server/book/types.ts';

export const FEE_RATE = 0.001;
export const T0 = Date.UTC(2025, 0, 1);

let nextId = 1;

export interface TradeOverrides extends Partial<BookTrade> {
  leverage?: number;
}

/** A trade with SPEC defaults: position size 100, leverage 1, quantity derived from the entry. */
export function makeTrade(o: TradeOverrides = {}): BookTrade {
  const direction: Direction = o.direction ?? 'LONG';
  const entryPrice = o.entryPrice ?? 100;
  const positionSize = o.positionSize ?? 100;
  const long = direction === 'LONG';
  return {
    id: o.id ?? nextId++,
    userId: o.userId === undefined ? null : o.userId,
    signalId: o.signalId === undefined ? null : o.signalId,
    symbol: o.symbol ?? 'BTCUSDT',
    direction,
    entryPrice,
    positionSize,
    quantity: o.quantity ?? quantityFor(positionSize, o.leverage ?? 1, entryPrice),
    takeProfit: o.takeProfit ?? (long ? entryPrice * 1.1 : entryPrice * 0.9),
    stopLoss: o.stopLoss ?? (long ? entryPrice * 0.95 : entryPrice * 1.05),
    openedAt: o.openedAt ?? T0,
  };
}

export const longTrade = (o: TradeOverrides = {}): BookTrade => makeTrade({ ...o, direction: 'LONG' });
export const shortTrade = (o: TradeOverrides = {}): BookTrade => makeTrade({ ...o, direction: 'SHORT' });

/** Listener that records every event in order. */
export class Recorder implements Required<BookEvents> {
  readonly openedTrades: BookTrade[] = [];
  readonly closes: BookClose[] = [];
  readonly ticks: Array<[string, number, number]> = [];
  readonly log: string[] = [];

  opened(t: BookTrade): void {
    this.openedTrades.push(t);
    this.log.push(`opened:${t.id}`);
  }

  closed(c: BookClose): void {
    this.closes.push(c);
    this.log.push(`closed:${c.trade.id}`);
  }

  price(symbol: string, price: number, ts: number): void {
    this.ticks.push([symbol, price, ts]);
    this.log.push(`price:${symbol}`);
  }
}

export function bookWith(trades: BookTrade[] = [], feeRate = FEE_RATE): { book: OpenBook; events: Recorder } {
  const events = new Recorder();
  const book = new OpenBook({ feeRate, listener: events });
  for (const t of trades) book.add(t);
  return { book, events };
}

// Public surface of the open-trade book.
export { OpenBook } from './open-book.ts';
export type { BookClose, BookEvents, BookTrade, ManualCloseStatus, OpenBookOptions, TradeFilter } from './types.ts';

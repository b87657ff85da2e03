// Binance counts every incoming message on a market-stream socket against one per-second limit:
// JSON control messages, PING and PONG frames alike (spot: 5). Control messages may use all but
// `pongReserve` slots, so a pong owed right after a burst of SUBSCRIBEs still fits; a pong that
// finds the window full waits (Binance allows a minute) instead of breaking the limit.

/** A little over one second, so network jitter cannot bunch messages into Binance's window. */
export const BUDGET_WINDOW_MS = 1_050;

export type OutgoingKind = 'control' | 'pong';

export class MessageBudget {
  private readonly sentAt: number[] = [];

  constructor(
    private readonly max: number,
    private readonly pongReserve = 1,
    private readonly windowMs = BUDGET_WINDOW_MS,
  ) {}

  /** Milliseconds until a message of this kind may be sent; 0 = now. */
  waitMs(kind: OutgoingKind, now: number): number {
    while (this.sentAt.length > 0 && now - this.sentAt[0]! >= this.windowMs) this.sentAt.shift();
    const cap = kind === 'pong' ? this.max : Math.max(1, this.max - this.pongReserve);
    if (this.sentAt.length < cap) return 0;
    // The message that must leave the window before one more of this kind fits.
    return Math.max(1, this.windowMs - (now - this.sentAt[this.sentAt.length - cap]!));
  }

  record(now: number): void {
    this.sentAt.push(now);
  }
}

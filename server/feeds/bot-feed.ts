// PRICE_FEED=bot: ticks pushed by authenticated bots on /bot `prices`, validated at the edge.
import { pricesPayloadSchema } from '../../shared/signal-schema.ts';
import { parseWith } from '../../shared/validation.ts';
import type { SimpleAck } from '../../shared/protocol-types.ts';
import type { PriceFeed, PriceSink } from './price-feed.ts';

export class BotPriceFeed implements PriceFeed {
  readonly name = 'bot';
  private sink: PriceSink | null = null;

  start(sink: PriceSink): void {
    this.sink = sink;
  }

  stop(): void {
    this.sink = null;
  }

  /** Bots decide what they push; there is nothing to subscribe to. */
  watch(_symbols: ReadonlySet<string>): void {}

  /** Applies a `{ticks:[…]}` batch in order; the whole batch is rejected if any tick is invalid. */
  push(payload: unknown): SimpleAck & { accepted?: number } {
    const parsed = parseWith(pricesPayloadSchema, payload);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    if (!this.sink) return { ok: false, error: { code: 'UNAVAILABLE', message: 'price feed is not running' } };
    for (const t of parsed.value.ticks) this.sink.tick(t.symbol, t.price, t.ts);
    return { ok: true, accepted: parsed.value.ticks.length };
  }
}

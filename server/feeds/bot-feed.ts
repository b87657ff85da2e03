// PRICE_FEED=bot: ticks pushed by authenticated bots on /bot `prices`, validated at the edge.
import { pricesPayloadSchema } from '../../shared/signal-schema.ts';
import { parseWith } from '../../shared/validation.ts';
import type { SimpleAck } from '../../shared/protocol-types.ts';
import type { PriceFeed, PriceSink } from './price-feed.ts';

/**
 * How far ahead of our clock a pushed tick may be. Ticks older than a symbol's last are ignored
 * (SPEC §2), so one tick dated next year would freeze the symbol until then: refuse it instead.
 */
export const MAX_TICK_AHEAD_MS = 60_000;

export class BotPriceFeed implements PriceFeed {
  readonly name = 'bot';
  private sink: PriceSink | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  start(sink: PriceSink): void {
    this.sink = sink;
  }

  stop(): void {
    this.sink = null;
  }

  /** Bots decide what they push; there is nothing to subscribe to. */
  watch(_symbols: ReadonlySet<string>): void {}

  /** Applies a `{ticks:[…]}` batch in order; the whole batch is rejected if any tick is invalid or future-dated. */
  push(payload: unknown): SimpleAck & { accepted?: number } {
    const parsed = parseWith(pricesPayloadSchema, payload);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    const latest = this.now() + MAX_TICK_AHEAD_MS;
    const ahead = parsed.value.ticks.findIndex((t) => t.ts > latest);
    if (ahead >= 0) {
      const by = parsed.value.ticks[ahead]!.ts - this.now();
      return {
        ok: false,
        error: { code: 'VALIDATION_ERROR', message: `ts is ${by} ms ahead of the server clock (at most ${MAX_TICK_AHEAD_MS} ms)`, field: `ticks.${ahead}.ts` },
      };
    }
    if (!this.sink) return { ok: false, error: { code: 'UNAVAILABLE', message: 'price feed is not running' } };
    for (const t of parsed.value.ticks) this.sink.tick(t.symbol, t.price, t.ts, t.market);
    return { ok: true, accepted: parsed.value.ticks.length };
  }
}

// Realistic demo signals in two styles, so a fresh demo has two bots to compare (SPEC §11): a
// scalper (one target, fixed stop, short timeframes; in the simulated market a trade reaches TP or
// SL within 10–60 s) and a swing bot (three targets, stop to breakeven after the first, longer
// timeframes, a few minutes a trade). Pure: randomness and prices come in.
import { TIMEFRAMES, type Timeframe } from '../../shared/constants.ts';
import type { SignalInput } from '../../shared/signal-schema.ts';
import { CATALOGUE_SYMBOLS, MARKET_CATALOGUE, roundPrice, sigmaOver, type MarketSpec } from '../feeds/market-catalogue.ts';

export interface DemoSignalContext {
  /** Uniform [0, 1). */
  rand: () => number;
  /** Latest known price of a symbol, if any. */
  priceOf: (symbol: string) => number | undefined;
  source?: string;
  /** Default 'scalper'. */
  style?: DemoStyle;
}

export const DEMO_STYLES = ['scalper', 'swing'] as const;
export type DemoStyle = (typeof DEMO_STYLES)[number];

/** Each style's bot name (the signals' `source`). */
export const DEMO_SOURCES: Record<DemoStyle, string> = { scalper: 'demo-scalper', swing: 'demo-swing' };

interface StyleSpec {
  /** Seconds a stop-distance move takes on average (the barrier horizon), low and spread. */
  horizon: [number, number];
  /** Reward to risk of the last target, low and spread. */
  rr: [number, number];
  timeframes: readonly Timeframe[] | null;
  targets: number;
}

const STYLES: Record<DemoStyle, StyleSpec> = {
  scalper: { horizon: [10, 25], rr: [1.2, 0.6], timeframes: null, targets: 1 },
  swing: { horizon: [40, 80], rr: [1.8, 0.8], timeframes: ['1h', '4h', '1d'], targets: 3 },
};

/** Shorter timeframes are likelier: a scalping bot is what keeps a demo page busy. */
const TIMEFRAME_WEIGHTS: Record<Timeframe, number> = { '1m': 5, '5m': 5, '15m': 4, '30m': 2, '1h': 2, '4h': 1, '1d': 0.5, '1w': 0.25 };

const pick = <T>(rand: () => number, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;

function pickTimeframe(rand: () => number): Timeframe {
  const total = TIMEFRAMES.reduce((s, t) => s + TIMEFRAME_WEIGHTS[t], 0);
  let r = rand() * total;
  for (const t of TIMEFRAMES) {
    r -= TIMEFRAME_WEIGHTS[t];
    if (r < 0) return t;
  }
  return '1h';
}

/** Symbols with a live price when there are any (entries then match the market), else all. */
function pickSymbol(ctx: DemoSignalContext): string {
  const live = CATALOGUE_SYMBOLS.filter((s) => ctx.priceOf(s) !== undefined);
  return pick(ctx.rand, live.length > 0 ? live : CATALOGUE_SYMBOLS);
}

export function buildDemoSignal(ctx: DemoSignalContext): SignalInput {
  const { rand } = ctx;
  const style = STYLES[ctx.style ?? 'scalper'];
  const symbol = pickSymbol(ctx);
  const spec: MarketSpec = MARKET_CATALOGUE[symbol as keyof typeof MARKET_CATALOGUE];
  const entry = roundPrice(ctx.priceOf(symbol) ?? spec.price, spec.decimals);
  const long = rand() < 0.5;
  // Two-sided barrier at log-distances a (TP) and b (SL) is hit after a·b/σ² on average:
  // b = σ√T with T in 10–35 s and a = rr·b gives a mean of rr·T, i.e. about 12–60 s.
  const sigmaPerSecond = sigmaOver(spec, 1_000);
  const horizon = style.horizon[0] + rand() * style.horizon[1];
  const rr = style.rr[0] + rand() * style.rr[1];
  const tick = 10 ** -spec.decimals;
  const slDist = Math.max(sigmaPerSecond * Math.sqrt(horizon) * entry, 3 * tick);
  const tpDist = Math.max(slDist * rr, 3 * tick);
  const at = (p: number) => roundPrice(p, spec.decimals);
  const tp = at(long ? entry + tpDist : entry - tpDist);
  const targets = targetLevels(style.targets, entry, tpDist, long, tick, at);
  const sl = at(long ? entry - slDist : entry + slDist);
  const futures = spec.futures && rand() < 0.25;
  return {
    source: ctx.source ?? DEMO_SOURCES[ctx.style ?? 'scalper'],
    symbol,
    direction: long ? 'LONG' : 'SHORT',
    timeframe: style.timeframes ? pick(rand, style.timeframes) : pickTimeframe(rand),
    entry,
    ...(targets ? { tp: targets, sl_mode: 'breakeven' as const } : { tp }),
    sl: sl > 0 ? sl : tick,
    confidence: Math.round((0.5 + rand() * 0.45) * 100) / 100,
    market_type: futures ? 'FUTURES' : 'SPOT',
    leverage: futures ? 2 + Math.floor(rand() * 9) : 1,
  };
}

/** `n` evenly spaced targets up to `tpDist` (null for one), when they stay distinct at the tick size. */
function targetLevels(n: number, entry: number, tpDist: number, long: boolean, tick: number, at: (p: number) => number): number[] | null {
  if (n <= 1 || tpDist / n < 2 * tick) return null;
  return Array.from({ length: n }, (_, i) => at(long ? entry + (tpDist * (i + 1)) / n : entry - (tpDist * (i + 1)) / n));
}

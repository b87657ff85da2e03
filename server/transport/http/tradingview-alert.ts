// TradingView alerts (SPEC §14, `POST /api/webhooks/tradingview/TOKEN`). TradingView posts the
// alert's message as the body, "application/json" when the message is valid JSON and "text/plain"
// otherwise; it cannot set headers (so the token is in the path), sends only to ports 80 and 443,
// and cancels a request after 3 s (TradingView's "How to configure webhook alerts"). The message is
// a signal payload (README, "TradingView alerts": the template to paste). TradingView's placeholders
// expand to their own spellings, which are read here and nowhere else:
//   {{exchange}}:{{ticker}}   "BINANCE:BTCUSDT" → BTCUSDT; a ".P" perpetual → market_type FUTURES
//   {{interval}}              "1", "5", "15", "30", "60", "240", "1D"/"D", "1W"/"W" → 1m … 1w
//   {{strategy.order.action}} "buy" / "sell" → LONG / SHORT
//   a placeholder in quotes   "0.7" → 0.7 for confidence and leverage (prices in quotes the
//                             signal schema itself takes: shared/signal-schema.ts priceSchema)
// Anything else passes through untouched, so the signal's own validation names the field.
import { ValidationError } from '../../errors.ts';

const INTERVALS: Record<string, string> = { '1': '1m', '5': '5m', '15': '15m', '30': '30m', '60': '1h', '240': '4h', '1D': '1d', D: '1d', '1W': '1w', W: '1w' };
const ACTIONS: Record<string, string> = { buy: 'LONG', sell: 'SHORT', long: 'LONG', short: 'SHORT' };
/** Number fields the signal schema takes only as numbers (its prices also take decimal strings). */
const NUMERIC_FIELDS = ['confidence', 'leverage'] as const;
const NUMBER = /^\s*-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i;

const num = (v: unknown): unknown => (typeof v === 'string' && NUMBER.test(v) ? Number(v) : v);

/** The alert's body as a signal payload: JSON (whatever content type TradingView gave it), TradingView's spellings read. */
export function tradingViewSignal(body: Buffer): unknown {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new ValidationError({
      code: 'VALIDATION_ERROR',
      message: 'the alert message must be JSON in the signal payload’s shape (see the README, "TradingView alerts", for the template)',
    });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ValidationError({ code: 'VALIDATION_ERROR', message: 'the alert message must be a JSON object (a signal payload)' });
  }
  const s: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const k of NUMERIC_FIELDS) if (k in s) s[k] = num(s[k]);
  if (typeof s.timeframe === 'string' && s.timeframe in INTERVALS) s.timeframe = INTERVALS[s.timeframe];
  if (typeof s.direction === 'string' && s.direction.toLowerCase() in ACTIONS) s.direction = ACTIONS[s.direction.toLowerCase()];
  if (typeof s.symbol === 'string') {
    let symbol = s.symbol.trim().toUpperCase();
    const colon = symbol.indexOf(':');
    if (colon >= 0) symbol = symbol.slice(colon + 1);
    if (symbol.endsWith('.P')) {
      symbol = symbol.slice(0, -2);
      if (s.market_type === undefined) s.market_type = 'FUTURES';
      else if (s.market_type !== 'FUTURES') {
        throw new ValidationError({
          code: 'VALIDATION_ERROR',
          message: `${s.symbol} is a perpetual future: market_type must be FUTURES`,
          field: 'market_type',
        });
      }
    }
    s.symbol = symbol;
  }
  return s;
}

// GET /api/public/candles/ (SPEC §13): OHLC candles of a symbol with public prices. A symbol no
// system trade holds or held answers 404, the same whether users hold it or nobody does, so the
// endpoint reveals nothing of users' trades (the wall: server/privacy/trade-scope.ts).
import type { MarketType } from '../../../shared/constants.ts';
import type { CandlesAnswerJson } from '../../../shared/candles.ts';
import { INTERVAL_MS } from '../../../shared/candles.ts';
import { candleQuerySchema, candleWindow } from '../../../shared/candle-query.ts';
import { parseWith } from '../../../shared/validation.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
import { queryObject } from '../../queries/list-query.ts';
import { candleJson, type Candle } from '../../candles/candle.ts';
import { ReadsBusyError } from '../../candles/read-gate.ts';
import type { HttpRouter } from './http-router.ts';
import { cors } from './public-routes.ts';

/** What the route reads (server/candles/candle-service.ts). */
export interface CandleReads {
  isPublic(symbol: string, market: MarketType): Promise<boolean>;
  read(symbol: string, market: MarketType, intervalMs: number, from: number, to: number): Promise<Candle[]>;
}

export function registerCandleRoutes(router: HttpRouter, reads: CandleReads, now: () => number = Date.now): void {
  router.get('/api/public/candles/', async (ex) => {
    const r = parseWith(candleQuerySchema, queryObject(ex.query));
    if (!r.ok) throw new ValidationError(r.error);
    const q = r.value;
    if (!(await reads.isPublic(q.symbol, q.market_type))) throw new NotFoundError(`no public prices for ${q.symbol} (${q.market_type})`);
    const { from, to } = candleWindow(q, now());
    let candles: Candle[];
    try {
      candles = await reads.read(q.symbol, q.market_type, INTERVAL_MS[q.interval], from, to);
    } catch (err) {
      if (!(err instanceof ReadsBusyError)) throw err;
      // Past the read budget: nothing was read; retry (as public-routes.ts answers a busy performance/).
      ex.header('access-control-allow-origin', '*')
        .header('retry-after', '1')
        .header('cache-control', 'no-store')
        .error(503, { code: 'UNAVAILABLE', message: err.message });
      return;
    }
    const body: CandlesAnswerJson = { symbol: q.symbol, market_type: q.market_type, interval: q.interval, candles: candles.map(candleJson) };
    cors(ex).json(200, body);
  });
}

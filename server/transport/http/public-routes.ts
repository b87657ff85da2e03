// Public REST (SPEC §4): system trades only; trailing slashes optional (the router ignores them). Every read goes through PublicReads, whose queries are
// scoped to system trades in one place (server/privacy/trade-scope.ts).
import type { ApiError, OpenPositionJson, PublicTradeDetail, SummaryJson, TradeJson } from '../../../shared/protocol-types.ts';
import { parseWith } from '../../../shared/validation.ts';
import { performanceQuerySchema, SUMMARY_KEYS } from '../../../shared/metrics/index.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
import { botQuerySchema, publicListQuerySchema, queryObject, type PublicListQuery } from '../../queries/list-query.ts';
import type { PublicTradeList } from '../../queries/public-list.ts';
import type { BotDirectory } from '../../queries/bot-directory.ts';
import { botNameSchema } from '../../../shared/signal-schema.ts';
import { BusyError, type CacheOutcome } from '../../cache/versioned-cache.ts';
import { isUnfiltered, type OpenTradeKeys, type PerformanceCache } from '../../analytics/performance-cache.ts';
import type { Exchange } from './http-io.ts';
import type { HttpRouter } from './http-router.ts';
import { badgeSvg } from './badge-svg.ts';
import { roundMoney } from '../../../shared/trade-math.ts';

/** The bounded reads behind the list, `performance/` and the bots (server/queries/public-list.ts, server/analytics/performance-cache.ts, server/queries/bot-directory.ts). */
export interface PublicReads {
  list: PublicTradeList;
  performance: PerformanceCache;
  bots: BotDirectory;
  trade(id: number): Promise<PublicTradeDetail | null>;
  lastClosed(bot: string): Promise<TradeJson | null>;
  recentClosed(bot: string, n: number): Promise<TradeJson[]>;
  exportCsv(q: PublicListQuery): Promise<{ csv: string; rows: number; next: string | null }>;
}

export interface PublicLive {
  summary(): SummaryJson;
  /** Every open system trade; the unfiltered read keeps those `inRecord` (SPEC §11: unlisted bots are out). */
  openPositions(): OpenPositionJson[];
  inRecord(t: Pick<TradeJson, 'bot'>): boolean;
  recentClosed(): TradeJson[];
  unrealized(): number;
  /**
   * Σ unrealised P/L of these open system trades (id → price key), each rounded as openPositions()
   * shows it, over those that have a price and are still open: what summing openPositions() over
   * the ids gives, without building every open position (a filtered performance/ asks per request).
   */
  unrealizedOf(open: OpenTradeKeys): number;
}

const CACHE_PUBLIC = 'public, max-age=1';

/** The public answers' headers: any origin may read them, caches may keep them a second. */
export function cors(ex: Exchange): Exchange {
  return ex.header('access-control-allow-origin', '*').header('cache-control', CACHE_PUBLIC);
}

function parsed<T>(r: { ok: true; value: T } | { ok: false; error: ApiError }): T {
  if (!r.ok) throw new ValidationError(r.error);
  return r.value;
}

// Absolute only under PUBLIC_URL, else relative: these answers are cacheable, and a Host header
// reflected into them would let one request plant `Host: evil.example` links for everyone after it.
function pageUrl(ex: Exchange, page: number): string {
  const q = new URLSearchParams(ex.query);
  q.set('page', String(page));
  return ex.linkTo(`${ex.path}?${q.toString()}`);
}

/** `cursor` links, with the same origin policy as `pageUrl` (PUBLIC_URL or relative). */
function cursorUrl(ex: Exchange, cursor: string): string {
  const q = new URLSearchParams(ex.query);
  q.delete('page');
  q.set('cursor', cursor);
  return ex.linkTo(`${ex.path}?${q.toString()}`);
}

/** Past the budget of uncached computations: nothing was computed; retry (the answer will likely be cached by then). */
async function budgeted<T>(ex: Exchange, read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (err) {
    if (!(err instanceof BusyError)) throw err;
    ex.header('access-control-allow-origin', '*')
      .header('retry-after', '1')
      .header('cache-control', 'no-store')
      .error(503, { code: 'UNAVAILABLE', message: `busy: ${err.message}` });
    return null;
  }
}

export function registerPublicRoutes(router: HttpRouter, reads: PublicReads, live: PublicLive): void {
  const base = '/api/public/paper-trading';

  router.get(`${base}/`, async (ex) => {
    const q = parsed(parseWith(publicListQuerySchema, queryObject(ex.query)));
    const page = await budgeted(ex, () => reads.list.page(q));
    if (!page) return;
    const { count, results, nextCursor, countOutcome } = page;
    let next: string | null = null;
    if (nextCursor !== null) next = q.cursor === undefined && q.page < reads.list.maxPage(q.page_size) ? pageUrl(ex, q.page + 1) : cursorUrl(ex, nextCursor);
    cors(ex)
      .header('x-cache', countOutcome)
      .json(200, {
        count,
        next,
        // Cursor pages go forward only (keyset); the offset pages say where they came from.
        previous: q.cursor === undefined && q.page > 1 ? pageUrl(ex, q.page - 1) : null,
        results,
      });
  });

  router.get(`${base}/summary/`, async (ex) => {
    const { bot } = parsed(parseWith(botQuerySchema, queryObject(ex.query)));
    if (bot !== undefined) return botSummary(ex, bot);
    const summary = live.summary();
    cors(ex).json(200, {
      performance: summary,
      open_trades_count: summary.open_trades,
      recent_closed_trades: live.recentClosed(),
    });
  });

  router.get(`${base}/open-positions/`, (ex) => {
    const { bot } = parsed(parseWith(botQuerySchema, queryObject(ex.query)));
    const open = live.openPositions();
    cors(ex).json(
      200,
      open.filter((p) => (bot === undefined ? live.inRecord(p) : p.bot === bot)),
    );
  });

  router.get('/api/public/bots/', async (ex) => {
    const r = await budgeted(ex, () => reads.bots.list());
    if (!r) return;
    cors(ex).header('x-cache', r.outcome).json(200, r.bots);
  });

  // One bot by name, listed or not (an unlisted bot's page reaches it here): 404 without public trades.
  router.get('/api/public/bots/:name/', async (ex) => {
    const name = ex.params.name ?? '';
    if (!botNameSchema.safeParse(name).success) throw new NotFoundError(`no public bot "${name}"`);
    const r = await budgeted(ex, () => reads.bots.find(name));
    if (!r) return;
    if (!r.bot) throw new NotFoundError(`no public bot "${name}"`);
    cors(ex).header('x-cache', r.outcome).json(200, r.bot);
  });

  /** One bot's summary (SPEC §11): the summary's fields of its `performance/`, its live figures and latest closes. */
  async function botSummary(ex: Exchange, bot: string): Promise<void> {
    const open = live.openPositions().filter((p) => p.bot === bot);
    const r = await budgeted(ex, () => reads.performance.body({ bot }, () => open.reduce((s, p) => s + (p.unrealized_pnl ?? 0), 0)));
    if (!r) return;
    const perf = JSON.parse(r.body.toString('utf8')) as SummaryJson;
    const performance: SummaryJson = {
      ...pick(perf, SUMMARY_KEYS),
      open_realized_profit_loss: roundMoney(open.reduce((s, p) => s + p.realized_profit_loss, 0)),
    };
    cors(ex).json(200, { performance, open_trades_count: performance.open_trades, recent_closed_trades: await reads.recentClosed(bot, RECENT_CLOSED) });
  }

  router.get(`${base}/performance/`, async (ex) => {
    const filters = parsed(parseWith(performanceQuerySchema, queryObject(ex.query)));
    // Unrealised P/L is live over all open system trades; with filters, over the filtered open ones.
    const unrealized = (openIds: OpenTradeKeys | null) => (openIds === null || isUnfiltered(filters) ? live.unrealized() : live.unrealizedOf(openIds));
    const r = await budgeted(ex, () => reads.performance.body(filters, unrealized));
    if (!r) return;
    cors(ex)
      .header('x-cache', r.outcome satisfies CacheOutcome)
      .send(200, r.body, 'application/json; charset=utf-8');
  });

  router.get(`${base}/export.csv`, async (ex) => {
    const q = parsed(parseWith(publicListQuerySchema, queryObject(ex.query)));
    const r = await budgeted(ex, () => reads.exportCsv(q));
    if (!r) return;
    const name = `paperbook-trades${q.bot ? `-${q.bot}` : ''}.csv`;
    cors(ex)
      .header('content-disposition', `attachment; filename="${name}"`)
      .header('x-rows', String(r.rows))
      .header('access-control-expose-headers', 'link, x-rows');
    if (r.next !== null) ex.header('link', `<${cursorUrl(ex, r.next)}>; rel="next"`);
    ex.send(200, r.csv, 'text/csv; charset=utf-8');
  });

  // SPEC §13: win rate and realised P/L of one bot (`?bot=`) or of all of them, cacheable for READMEs.
  router.get('/badge.svg', async (ex) => {
    const { bot } = parsed(parseWith(botQuerySchema, queryObject(ex.query)));
    let figures: { winRate: number; pl: number; closed: number } | null;
    if (bot === undefined) {
      const s = live.summary();
      figures = { winRate: s.win_rate, pl: s.total_profit_loss, closed: s.closed_trades };
    } else {
      const r = await budgeted(ex, () => reads.bots.find(bot));
      if (!r) return;
      const b = r.bot;
      figures = b ? { winRate: b.win_rate, pl: b.total_profit_loss, closed: b.closed_trades } : null;
    }
    const label = bot ?? 'paperbook';
    const svg = figures
      ? badgeSvg(
          label,
          figures.closed === 0 ? 'no closed trades' : `win ${figures.winRate.toFixed(1)}% · ${signedUsdt(figures.pl)}`,
          figures.pl > 0 ? 'up' : figures.pl < 0 ? 'down' : 'flat',
        )
      : badgeSvg(label, 'no such bot', 'flat');
    ex.header('access-control-allow-origin', '*')
      .header('cache-control', 'public, max-age=300')
      .send(figures ? 200 : 404, svg, 'image/svg+xml; charset=utf-8');
  });

  // Registered after the named routes above: `:id` would otherwise take `summary`.
  router.get(`${base}/:id/`, async (ex) => {
    const id = tradeIdParam(ex.params.id);
    const trade = await reads.trade(id);
    // A user's trade is "not found", exactly like an id that does not exist.
    if (!trade) throw new NotFoundError(`no public trade ${id}`);
    cors(ex).json(200, trade);
  });
}

const RECENT_CLOSED = 10;

function pick<T, K extends keyof T>(v: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) out[k] = v[k];
  return out;
}

const signedUsdt = (v: number): string => `${v > 0 ? '+' : v < 0 ? '\u2212' : ''}${Math.abs(v).toFixed(2)} USDT`;

/** A trade id in a path: a positive whole number, else a 400 naming `id`. */
function tradeIdParam(text: string | undefined): number {
  const id = /^\d{1,16}$/.test(text ?? '') ? Number(text) : NaN;
  if (!Number.isSafeInteger(id) || id < 1)
    throw new ValidationError({ code: 'VALIDATION_ERROR', message: 'must be a trade id (a positive whole number)', field: 'id' });
  return id;
}

// `/trades/ID` (SPEC §13): the trade page, with the trade's Open Graph tags written into its HTML so
// a shared link previews (crawlers run no script). The page itself reads the trade's JSON.
import type { TradeJson } from '../../../shared/protocol-types.ts';
import type { HttpRouter } from './http-router.ts';
import type { StaticFiles } from './static-files.ts';

const escapeAttr = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const fixed = (v: number, d = 2) => `${v > 0 ? '+' : v < 0 ? '−' : ''}${Math.abs(v).toFixed(d)}`;

export function openGraphTags(t: TradeJson, url: string | null): string {
  const pl =
    t.profit_loss === null
      ? `open, ${fixed(t.realized_profit_loss)} USDT realised so far`
      : `${fixed(t.profit_loss)} USDT (${fixed(t.profit_loss_percentage ?? 0)}%)`;
  const title = `${t.symbol} ${t.direction} · ${pl}${t.bot ? ` · ${t.bot}` : ''}`;
  const exit = t.exit_price === null ? '' : ` → exit ${t.exit_price}`;
  const description = `Paper trade #${t.id}${t.bot ? ` by ${t.bot}` : ''}: entry ${t.entry_price}${exit}, ${t.status}. Every fill is in a hash-chained public ledger.`;
  const tags: [string, string][] = [
    ['og:type', 'website'],
    ['og:site_name', 'Paperbook'],
    ['og:title', title],
    ['og:description', description],
    ...(url ? ([['og:url', url]] as [string, string][]) : []),
  ];
  return [
    ...tags.map(([p, c]) => `<meta property="${p}" content="${escapeAttr(c)}" />`),
    `<meta name="twitter:card" content="summary" />`,
    `<meta name="description" content="${escapeAttr(description)}" />`,
  ].join('\n    ');
}

export function registerTradePage(
  router: HttpRouter,
  statics: StaticFiles,
  tradeOf: (id: number) => Promise<TradeJson | null>,
  publicUrl: string | undefined,
): void {
  router.get('/trades/:id', async (ex) => {
    const id = /^\d{1,16}$/.test(ex.params.id ?? '') ? Number(ex.params.id) : NaN;
    const trade = Number.isSafeInteger(id) && id > 0 ? await tradeOf(id) : null;
    const url = publicUrl ? `${publicUrl.replace(/\/+$/, '')}/trades/${id}` : null;
    statics.serve(ex, {
      // Not found (or a user's id): the page still loads and says so, with a 404 for crawlers.
      status: trade ? 200 : 404,
      rewrite: (html) => html.replace('<!--og-->', trade ? openGraphTags(trade, url) : ''),
    });
  });
}

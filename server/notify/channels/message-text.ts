// What a trade notification says to a person, as label/value lines that both chat channels render
// (Telegram as HTML, Discord as an embed). Display rounding only: every amount was computed in shared/.
import { roundTo } from '../../../shared/trade-math.ts';
import { fixedDecimals, priceDecimals } from '../../../shared/number-format.ts';
import type { Notification } from '../notification.ts';

const MINUS = '\u2212';
/** Free text from a bot (names, symbols, reasons) is cut to this many characters, so no message can outgrow its channel. */
export const MAX_FREE_TEXT = 100;
const MAX_TARGETS_TEXT = 400;

export type Tone = 'open' | 'up' | 'down' | 'flat';

export interface MessageLine {
  label: string;
  value: string;
}

export interface MessageSummary {
  title: string;
  /** "Display Name (bot)" or "bot". */
  botLabel: string;
  lines: MessageLine[];
  url: string;
  tone: Tone;
}

function fixed(v: number, decimals: number): string {
  return fixedDecimals(roundTo(v, decimals), decimals);
}

export function formatPrice(v: number | null, reference: number): string {
  if (v === null || !Number.isFinite(v)) return '—';
  return (v < 0 ? MINUS : '') + fixed(v, priceDecimals(reference));
}

/** Signed amount in the book's quote currency, "+12.34 USDT" / "−0.50 USDT". */
export function formatMoney(v: number): string {
  if (!Number.isFinite(v)) return '—';
  const s = fixed(v, 2);
  const sign = Number(s.replaceAll(',', '')) === 0 ? '' : v > 0 ? '+' : MINUS;
  return `${sign}${s} USDT`;
}

/** Unsigned amount (fees), "0.12 USDT". */
export function formatAmount(v: number): string {
  return Number.isFinite(v) ? `${v < 0 ? MINUS : ''}${fixed(v, 2)} USDT` : '—';
}

export function formatPct(v: number): string {
  if (!Number.isFinite(v)) return '—';
  const s = fixed(v, 2);
  const sign = Number(s.replaceAll(',', '')) === 0 ? '' : v > 0 ? '+' : MINUS;
  return `${sign}${s}%`;
}

/** Quantity with up to 8 decimals and no trailing zeros. */
export function formatQuantity(v: number): string {
  if (!Number.isFinite(v)) return '—';
  return String(roundTo(v, 8));
}

/** Cuts to `max` code points, ending in "…" when cut; never splits a surrogate pair. */
export function clip(s: string, max: number): string {
  const points = Array.from(s);
  return points.length <= max ? s : `${points.slice(0, Math.max(0, max - 1)).join('')}…`;
}

const words = (s: string): string => clip(s.replace(/_/g, ' ').toLowerCase(), MAX_FREE_TEXT);

function legLabel(kind: string): string {
  if (/^(TP|TARGET_?)\d+$/.test(kind)) return `TP${kind.replace(/\D/g, '')}`;
  const named: Record<string, string> = { SL: 'stop loss', STOP: 'stop loss', TRAILING: 'trailing stop', MANUAL: 'manual close', EXPIRED: 'expiry' };
  return named[kind] ?? words(kind);
}

function titleOf(n: Notification, head: string): string {
  if (n.kind === 'trade.opened') return `${head} opened`;
  if (n.kind === 'trade.leg') return `${head} · ${n.leg ? legLabel(n.leg.kind) : 'leg'} filled`;
  return `${head} closed${n.close ? ` (${words(n.close.reason)})` : ''}`;
}

function toneOf(n: Notification): Tone {
  const pl = n.kind === 'trade.closed' ? n.close?.profitLoss : n.kind === 'trade.leg' ? n.leg?.profitLoss : undefined;
  if (pl === undefined) return 'open';
  return pl > 0 ? 'up' : pl < 0 ? 'down' : 'flat';
}

function planLines(n: Notification): MessageLine[] {
  const t = n.trade;
  const market = t.marketType === 'FUTURES' ? `Futures ${formatQuantity(t.leverage)}×` : 'Spot';
  const targets = t.takeProfit.length === 0 ? '—' : clip(t.takeProfit.map((p) => formatPrice(p, t.entryPrice)).join(' / '), MAX_TARGETS_TEXT);
  return [
    { label: 'Market', value: t.timeframe ? `${market} · ${clip(t.timeframe, 16)}` : market },
    { label: 'Entry', value: formatPrice(t.entryPrice, t.entryPrice) },
    { label: t.takeProfit.length > 1 ? 'Targets' : 'Target', value: targets },
    { label: 'Stop', value: t.stopLoss === null ? 'none' : formatPrice(t.stopLoss, t.entryPrice) },
  ];
}

function eventLines(n: Notification): MessageLine[] {
  const entry = n.trade.entryPrice;
  if (n.kind === 'trade.leg' && n.leg) {
    const l = n.leg;
    return [
      { label: 'Fill', value: `${legLabel(l.kind)} at ${formatPrice(l.price, entry)} · qty ${formatQuantity(l.quantity)}` },
      { label: 'Leg P/L', value: formatMoney(l.profitLoss) },
      { label: 'Realised so far', value: formatMoney(l.realizedProfitLoss) },
      { label: 'Remaining', value: formatQuantity(l.remainingQuantity) },
    ];
  }
  if (n.kind === 'trade.closed' && n.close) {
    const c = n.close;
    return [
      { label: 'Exit', value: formatPrice(c.exitPrice, entry) },
      { label: 'P/L', value: `${formatMoney(c.profitLoss)} (${formatPct(c.profitLossPercentage)})` },
      { label: 'Fees', value: formatAmount(c.fees) },
    ];
  }
  return [];
}

export function summarize(n: Notification): MessageSummary {
  const bot = clip(n.bot, MAX_FREE_TEXT);
  const display = n.botDisplayName ? clip(n.botDisplayName, MAX_FREE_TEXT) : null;
  const botLabel = display && display !== bot ? `${display} (${bot})` : bot;
  const head = `${clip(n.trade.symbol, 32)} ${n.trade.direction}`;
  return {
    title: titleOf(n, head),
    botLabel,
    lines: [{ label: 'Bot', value: botLabel }, ...planLines(n), ...eventLines(n)],
    url: n.tradeUrl,
    tone: toneOf(n),
  };
}

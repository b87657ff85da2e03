// Display formatting: fixed decimals, a real minus sign, and a non-colour cue (▲/▼) beside colour.
import type { TradeJson } from '../../../shared/protocol-types.ts';
import { legTitle } from './trade-plan.ts';
import { fixedDecimals, priceDecimals } from '../../../shared/number-format.ts';

export { priceDecimals };

const MINUS = '\u2212';

export type Tone = 'up' | 'down' | 'flat';

export function tone(v: number | null | undefined): Tone {
  if (v === null || v === undefined || !Number.isFinite(v) || v === 0) return 'flat';
  return v > 0 ? 'up' : 'down';
}

export function arrow(v: number | null | undefined): string {
  const t = tone(v);
  return t === 'up' ? '▲' : t === 'down' ? '▼' : '•';
}

const fixed = fixedDecimals;

/** Signed money, e.g. "+12.34" / "−0.50" / "0.00". */
export function money(v: number | null | undefined, decimals = 2): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const s = fixed(v, decimals);
  if (Number(s.replaceAll(',', '')) === 0) return fixed(0, decimals);
  return (v > 0 ? '+' : MINUS) + s;
}

/** Unsigned amount (fees, drawdown). */
export function amount(v: number | null | undefined, decimals = 2): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return (v < 0 ? MINUS : '') + fixed(v, decimals);
}

export function pct(v: number | null | undefined, decimals = 2, signed = true): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return (signed ? money(v, decimals) : amount(v, decimals)) + '%';
}

export function price(v: number | null | undefined, reference: number): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return amount(v, priceDecimals(reference));
}

export function ratio(v: number | null | undefined): string {
  if (v === null || v === undefined) return '∞';
  return Number.isFinite(v) ? fixed(v, 2) : '∞';
}

const REASONS: Record<string, string> = {
  CLOSED_TP: 'TP',
  CLOSED_SL: 'SL',
  CLOSED_MANUAL: 'Manual',
  CLOSED_EXPIRED: 'Expired',
  CANCELLED: 'Cancelled (never filled)',
};

type ExitView = Pick<TradeJson, 'status'> & Partial<Pick<TradeJson, 'exit_reason' | 'targets'>>;

/** Why a trade closed: its last leg's kind when it has one ("TP3", "Trailing SL"), else its status. */
export function exitReason(t: ExitView): string {
  if (t.exit_reason) return legTitle(t.exit_reason, t.targets?.length ?? 1);
  return REASONS[t.status] ?? t.status;
}

/** The colour class of an exit: a target, a stop, or neither. */
export function exitTone(t: Pick<TradeJson, 'status'>): 'TP' | 'SL' | 'other' {
  return t.status === 'CLOSED_TP' ? 'TP' : t.status === 'CLOSED_SL' ? 'SL' : 'other';
}

export function duration(fromIso: string, toIso: string | null): string {
  if (!toIso) return '—';
  const s = Math.max(0, Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 1000));
  if (!Number.isFinite(s)) return '—';
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** Wire timestamps are epoch ms; tolerate seconds too. */
export function toEpochSeconds(ts: number): number {
  return Math.floor(ts > 1e11 ? ts / 1000 : ts);
}

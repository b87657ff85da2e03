// Equity curve from REST (`equity_curve` of the performance endpoint), refetched after closes; the
// same answer carries the SPEC §12 risk and calendar fields, in the viewer's chosen zone (one
// request for both). The server sends at most 2000 points of the curve by default (`equity_points`,
// docs/protocol.md: ends, extremes and the largest fall kept), plenty for a chart this wide; at
// 100k closes the full curve alone was ~2 MB.
import { toEpochSeconds } from '../lib/format.ts';
import { browserTimeZone } from '../lib/time-zones.ts';
import type { RiskMetricsJson } from '../../../shared/protocol-types.ts';
import type { SignalQuality } from '../../../shared/analytics/signal-quality.ts';
import type { Benchmark } from '../../../shared/analytics/benchmark.ts';

export interface EquityPoint {
  time: number;
  value: number;
}

export const PERFORMANCE_URL = '/api/public/paper-trading/performance/';

export class EquityState {
  points = $state.raw<EquityPoint[]>([]);
  /** Signal-quality analytics from the same response (null until loaded or when absent). */
  analytics = $state.raw<SignalQuality | null>(null);
  /** Live benchmark (bot vs holding), same response. */
  benchmark = $state.raw<Benchmark | null>(null);
  /** The zone `risk` is asked in: the browser's until the viewer picks another. */
  timeZone = $state(browserTimeZone());
  /** Risk and calendar figures from the same response (null until loaded or when absent). */
  risk = $state.raw<RiskMetricsJson | null>(null);
  loaded = $state(false);
  error = $state<string | null>(null);
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inFlight: AbortController | null = null;

  setTimeZone(tz: string): void {
    if (tz === this.timeZone) return;
    this.timeZone = tz;
    this.refresh(0);
  }

  /** Coalesces bursts of closes into one request. */
  refresh(delayMs = 500): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.load(), delayMs);
  }

  async load(): Promise<void> {
    this.inFlight?.abort();
    const ctrl = (this.inFlight = new AbortController());
    try {
      const res = await fetch(`${PERFORMANCE_URL}?tz=${encodeURIComponent(this.timeZone)}`, { signal: ctrl.signal, headers: { accept: 'application/json' } });
      if (res.status === 503) {
        // The server's budget of uncached computations was full (docs/security.md): come back as told.
        const after = Number(res.headers.get('retry-after'));
        this.refresh(1000 * (Number.isFinite(after) && after > 0 && after < 60 ? after : 1) * (1 + Math.random()));
        return;
      }
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const body = (await res.json()) as { equity_curve?: EquityPoint[]; analytics?: SignalQuality; benchmark?: Benchmark } & Partial<RiskMetricsJson>;
      this.points = normalise(body.equity_curve ?? []);
      this.analytics = body.analytics ?? null;
      this.benchmark = body.benchmark ?? null;
      this.risk = Array.isArray(body.daily) ? (body as RiskMetricsJson) : null;
      this.error = null;
      this.loaded = true;
    } catch (e) {
      if (ctrl.signal.aborted) return;
      this.error = e instanceof Error ? e.message : String(e);
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.inFlight?.abort();
  }
}

/** The chart needs strictly ascending times: several closes in one second keep the last value. */
export function normalise(points: EquityPoint[]): EquityPoint[] {
  const out: EquityPoint[] = [];
  for (const p of points.filter((q) => Number.isFinite(q.time) && Number.isFinite(q.value)).sort((a, b) => a.time - b.time)) {
    const time = toEpochSeconds(p.time);
    const last = out.at(-1);
    if (last && last.time === time) last.value = p.value;
    else out.push({ time, value: p.value });
  }
  return out;
}

// SPEC §12 risk and calendar figures of `performance/` in the viewer's chosen time zone (default:
// the browser's), refetched when the zone changes or trades close. The server caches per zone.
import type { RiskMetricsJson } from '../../../shared/protocol-types.ts';
import { PERFORMANCE_URL } from './equity.svelte.ts';
import { browserTimeZone } from '../lib/time-zones.ts';

export class RiskState {
  timeZone = $state(browserTimeZone());
  risk = $state.raw<RiskMetricsJson | null>(null);
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
        const after = Number(res.headers.get('retry-after'));
        this.refresh(1000 * (Number.isFinite(after) && after > 0 && after < 60 ? after : 1) * (1 + Math.random()));
        return;
      }
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const body = (await res.json()) as Partial<RiskMetricsJson>;
      this.risk = Array.isArray(body.daily) ? (body as RiskMetricsJson) : null;
      this.error = null;
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

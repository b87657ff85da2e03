// Per-symbol price-feed health from REST (`/api/public/feed-health/`), polled while the page is visible.
import { pollWhileVisible } from '../lib/poll.ts';

export interface FeedHealthRow {
  symbol: string;
  age_ms: number;
  ticks_per_second: number;
  stale: boolean;
}

export const FEED_HEALTH_URL = '/api/public/feed-health/';

export class FeedHealthState {
  rows = $state.raw<FeedHealthRow[]>([]);
  private stop: (() => void) | null = null;

  start(everyMs = 2000): void {
    this.stop = pollWhileVisible(() => this.load(), everyMs);
  }

  async load(): Promise<void> {
    try {
      const res = await fetch(FEED_HEALTH_URL, { headers: { accept: 'application/json' } });
      if (!res.ok) return;
      const body = (await res.json()) as { symbols?: FeedHealthRow[] };
      this.rows = body.symbols ?? [];
    } catch {
      // Offline or restarting: keep the last rows; the connection badge already says so.
    }
  }

  dispose(): void {
    this.stop?.();
  }
}

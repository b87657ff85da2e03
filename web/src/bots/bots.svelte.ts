// State of the bots pages: the directory (GET /api/public/bots/, public bots) and, on a bot's page,
// the bot by name (GET /api/public/bots/NAME/, listed or not) and its performance, open positions and latest trades (the public reads with `?bot=`), refreshed every
// REFRESH_MS while the tab is visible. The answers are cached server-side per ledger head.
import type { BotJson, OpenPositionJson, SummaryJson, TradeJson } from '../../../shared/protocol-types.ts';

export const REFRESH_MS = 5_000;

export type SortKey = 'total_profit_loss' | 'win_rate' | 'closed_trades' | 'open_trades' | 'last_trade_at' | 'name';

/** The bot's figures: `summary/?bot=` (the summary's subset of its `performance/`, without the curve). */
export type BotPerformance = SummaryJson;

/** The bot a path names (`/bots/NAME`), or null for the leaderboard. */
export interface BotLedger {
  ok: boolean;
  verified_at: string;
  verified_through_seq: number;
  bot: { name: string; rows: number; trades: number; last_seq: number | null };
}

export function botOfPath(path: string): string | null {
  const m = /^\/bots\/([^/]+)\/?$/.exec(path);
  return m ? decodeURIComponent(m[1]!) : null;
}

export function sortBots(bots: readonly BotJson[], key: SortKey, descending: boolean): BotJson[] {
  const sign = descending ? -1 : 1;
  return [...bots].sort((a, b) => {
    const x = a[key];
    const y = b[key];
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return c === 0 ? a.name.localeCompare(b.name) : sign * c;
  });
}

async function getJson<T>(path: string): Promise<T> {
  const r = await fetch(path, { headers: { accept: 'application/json' } });
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
  return (await r.json()) as T;
}

/** One bot by name, listed or not (an unlisted bot is reached only so); null without public trades. */
async function botByName(name: string): Promise<BotJson | null> {
  const path = `/api/public/bots/${encodeURIComponent(name)}/`;
  const r = await fetch(path, { headers: { accept: 'application/json' } });
  if (r.status === 404) return null;
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
  return (await r.json()) as BotJson;
}

export class BotsState {
  bots = $state<BotJson[] | null>(null);
  sortKey = $state<SortKey>('total_profit_loss');
  descending = $state(true);
  sorted = $derived(this.bots ? sortBots(this.bots, this.sortKey, this.descending) : []);
  performance = $state<BotPerformance | null>(null);
  open = $state<OpenPositionJson[]>([]);
  recent = $state<TradeJson[]>([]);
  error = $state<string | null>(null);
  /** The chain's last verification and this bot's share of it (null until one has run). */
  ledger = $state<BotLedger | null>(null);
  bot = $derived(this.bots?.find((b) => b.name === this.name) ?? null);
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(readonly name: string | null) {}

  start(): void {
    void this.refresh();
    this.timer = setInterval(() => {
      if (document.visibilityState === 'visible') void this.refresh();
    }, REFRESH_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  sortBy(key: SortKey): void {
    if (this.sortKey === key) this.descending = !this.descending;
    else {
      this.sortKey = key;
      this.descending = key !== 'name';
    }
  }

  async refresh(): Promise<void> {
    try {
      if (this.name === null) {
        this.bots = await getJson<BotJson[]>('/api/public/bots/');
      } else {
        const q = `bot=${encodeURIComponent(this.name)}`;
        const [bot, performance, open, recent] = await Promise.all([
          botByName(this.name),
          getJson<{ performance: SummaryJson }>(`/api/public/paper-trading/summary/?${q}`),
          getJson<OpenPositionJson[]>(`/api/public/paper-trading/open-positions/?${q}`),
          getJson<{ results: TradeJson[] }>(`/api/public/paper-trading/?${q}&status=&ordering=-exit_time&page_size=20`),
        ]);
        this.bots = bot ? [bot] : [];
        this.performance = performance.performance;
        this.open = open;
        this.recent = recent.results.filter((t) => t.exit_time !== null);
        // 503 until the server's first verification has run: the line waits for it.
        const v = await fetch(`/api/public/ledger/verify?${q}`, { headers: { accept: 'application/json' } });
        if (v.ok) this.ledger = (await v.json()) as BotLedger;
      }
      this.error = null;
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
    }
  }
}

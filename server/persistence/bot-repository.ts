// Bots (SPEC §11): a bot is the source of its signals; `bots` rows hold what the operator says about
// one. Figures are over system trades only, through the wall's predicate.
import type { BotVisibility } from '../../shared/constants.ts';
import { closedStatusSql, openStatusSql, privateBotTradeSql, systemTradeSql } from '../privacy/trade-scope.ts';
import type { Query } from './sql-runner.ts';

export interface BotSettings {
  name: string;
  displayName: string | null;
  description: string | null;
  visibility: BotVisibility;
}

const SETTINGS_COLUMNS = 'name, display_name, description, visibility';

function settingsOf(r: Record<string, unknown>): BotSettings {
  return {
    name: r.name as string,
    displayName: (r.display_name as string | null) ?? null,
    description: (r.description as string | null) ?? null,
    visibility: r.visibility as BotVisibility,
  };
}

/** One bot's record in numbers: counts, realised P/L, and its realised P/L per UTC day. */
export interface BotFigures {
  name: string;
  totalTrades: number;
  openTrades: number;
  closedTrades: number;
  profitableTrades: number;
  totalProfitLoss: number;
  /** Epoch ms of its first entry and of its latest entry or exit. */
  firstTradeAt: number;
  lastTradeAt: number;
  /** Realised P/L per UTC day with a close (`YYYY-MM-DD`), oldest first. */
  daily: { day: string; profitLoss: number }[];
}

const num = (v: unknown): number => Number(v ?? 0);

export class BotRepository {
  constructor(private readonly q: Query) {}

  /** Names of the bots set `unlisted` (SPEC §11: out of the all-bots record), for the listing watch. */
  async unlistedNames(): Promise<string[]> {
    return (await this.q(`select name from bots where visibility = 'unlisted' order by name`)).map((r) => String(r.name));
  }

  /** Every bot with a row, by name. */
  async settings(): Promise<BotSettings[]> {
    return (await this.q(`select ${SETTINGS_COLUMNS} from bots order by name`)).map(settingsOf);
  }

  /**
   * Writes the given fields of a bot's row (made if absent); null clears a field, undefined keeps it.
   * A visibility applies to the signals that arrive from then on (the ingest statement reads it).
   */
  async set(name: string, fields: { displayName?: string | null; description?: string | null; visibility?: BotVisibility }): Promise<BotSettings> {
    const has = (v: unknown) => (v === undefined ? 'false' : 'true');
    const [r] = await this.q(
      `insert into bots (name, display_name, description, visibility) values (?, ?, ?, ?)
       on conflict (name) do update set
         display_name = case when ${has(fields.displayName)} then excluded.display_name else bots.display_name end,
         description = case when ${has(fields.description)} then excluded.description else bots.description end,
         visibility = case when ${has(fields.visibility)} then excluded.visibility else bots.visibility end,
         updated_at = now()
       returning ${SETTINGS_COLUMNS}`,
      [name, fields.displayName ?? null, fields.description ?? null, fields.visibility ?? 'public'],
    );
    return settingsOf(r!);
  }

  /** Trades held in the private bots' account per bot (the operator's view; never public). */
  async privateTradeCounts(): Promise<Map<string, { total: number; open: number }>> {
    const rows = await this.q(
      `select bot, count(*)::int as total, count(*) filter (where ${openStatusSql()})::int as open
         from paper_trades where ${privateBotTradeSql()} and bot is not null group by bot`,
    );
    return new Map(rows.map((r) => [r.bot as string, { total: num(r.total), open: num(r.open) }]));
  }

  /** Names of bots that have system trades. */
  async namesWithTrades(): Promise<string[]> {
    const rows = await this.q(`select distinct bot from paper_trades where ${systemTradeSql()} and bot is not null order by bot`);
    return rows.map((r) => r.bot as string);
  }

  /** Every bot's figures over its system trades: two grouped scans. */
  async figures(): Promise<BotFigures[]> {
    const closed = closedStatusSql();
    const totals = await this.q(
      `select bot, count(*)::int as total, count(*) filter (where ${openStatusSql()})::int as open,
              count(*) filter (where ${closed})::int as closed, count(*) filter (where ${closed} and profit_loss > 0)::int as wins,
              coalesce(sum(profit_loss) filter (where ${closed}), 0)::text as pl,
              (extract(epoch from min(entry_time)) * 1000)::float8 as first_at,
              (extract(epoch from max(greatest(entry_time, exit_time))) * 1000)::float8 as last_at
         from paper_trades where ${systemTradeSql()} and bot is not null group by bot order by bot`,
    );
    const days = await this.q(
      `select bot, to_char(exit_time at time zone 'UTC', 'YYYY-MM-DD') as day, sum(profit_loss)::text as pl
         from paper_trades where ${systemTradeSql()} and bot is not null and ${closed} and exit_time is not null
        group by bot, day order by bot, day`,
    );
    const daily = new Map<string, BotFigures['daily']>();
    for (const r of days) {
      const list = daily.get(r.bot as string) ?? [];
      list.push({ day: r.day as string, profitLoss: num(r.pl) });
      daily.set(r.bot as string, list);
    }
    return totals.map((r) => ({
      name: r.bot as string,
      totalTrades: num(r.total),
      openTrades: num(r.open),
      closedTrades: num(r.closed),
      profitableTrades: num(r.wins),
      totalProfitLoss: num(r.pl),
      firstTradeAt: num(r.first_at),
      lastTradeAt: num(r.last_at),
      daily: daily.get(r.bot as string) ?? [],
    }));
  }
}

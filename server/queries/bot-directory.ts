// `GET /api/public/bots/` (SPEC §11): every public bot with system trades, its headline figures and a small
// equity line. The figures (two grouped scans) are cached per read version like the other public
// reads; the operator's names and descriptions are read per request (a few rows), so `bot:set`
// shows at once.
import type { BotJson } from '../../shared/protocol-types.ts';
import { winRate } from '../../shared/metrics/definitions.ts';
import { roundMoney } from '../../shared/trade-math.ts';
import type { ReadVersion } from '../cache/read-version.ts';
import { VersionedCache, type CacheOutcome, type VersionedCacheLimits } from '../cache/versioned-cache.ts';
import type { BotFigures, BotSettings } from '../persistence/bot-repository.ts';

export interface BotDirectorySource {
  version: ReadVersion;
  figures(): Promise<BotFigures[]>;
  settings(): Promise<BotSettings[]>;
}

/** Points in a bot's equity line: its last days with a close. */
export const EQUITY_POINTS = 60;

export class BotDirectory {
  private readonly cache: VersionedCache<BotFigures[]>;

  constructor(
    private readonly source: BotDirectorySource,
    limits: Pick<VersionedCacheLimits, 'maxConcurrent' | 'maxWaiting'>,
  ) {
    this.cache = new VersionedCache({ maxEntries: 1, maxBytes: Infinity, ...limits });
  }

  /** The listed bots: public ones. An unlisted bot, or a private one's public past, is reached by name (`find`). */
  async list(): Promise<{ bots: BotJson[]; outcome: CacheOutcome }> {
    const { bots, outcome } = await this.every();
    return { bots: bots.filter((b) => b.visibility === 'public'), outcome };
  }

  /** One bot by name, listed or not, when it has public trades. */
  async find(name: string): Promise<{ bot: BotJson | null; outcome: CacheOutcome }> {
    const { bots, outcome } = await this.every();
    return { bot: bots.find((b) => b.name === name) ?? null, outcome };
  }

  private async every(): Promise<{ bots: BotJson[]; outcome: CacheOutcome }> {
    const version = await this.source.version();
    const [{ value, outcome }, settings] = await Promise.all([this.cache.get('', version, () => this.source.figures()), this.source.settings()]);
    const byName = new Map(settings.map((s) => [s.name, s]));
    return { bots: value.map((f) => botJson(f, byName.get(f.name))), outcome };
  }
}

function botJson(f: BotFigures, s: BotSettings | undefined): BotJson {
  let cumulative = 0;
  const equity = f.daily.map((d) => ({ time: d.day, value: roundMoney((cumulative += d.profitLoss)) }));
  return {
    name: f.name,
    display_name: s?.displayName ?? f.name,
    description: s?.description ?? null,
    visibility: s?.visibility ?? 'public',
    total_trades: f.totalTrades,
    open_trades: f.openTrades,
    closed_trades: f.closedTrades,
    win_rate: winRate(f.profitableTrades, f.closedTrades),
    total_profit_loss: roundMoney(f.totalProfitLoss),
    first_trade_at: new Date(f.firstTradeAt).toISOString(),
    last_trade_at: new Date(f.lastTradeAt).toISOString(),
    equity: equity.slice(-EQUITY_POINTS),
  };
}

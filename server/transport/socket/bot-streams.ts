// One bot's public trades as a /public snapshot/delta stream (SPEC §11: `auth: {bot}`): the
// protocol of the all-bots stream with that bot's own statistics, in room `bot:NAME` of this node
// (subset-streams.ts). System trades only: a private bot's new trades are a reserved user's
// (server/privacy/trade-scope.ts), so they never reach it, as no user's trade does.
import type { TradeJson } from '../../../shared/protocol-types.ts';
import type { MetricTrade } from '../../../shared/metrics/index.ts';
import { inScope, PUBLIC_SCOPE } from '../../privacy/trade-scope.ts';
import { SubsetStreams, type SubsetStreamDeps } from './subset-streams.ts';

export const botRoom = (bot: string): string => `bot:${bot}`;

/** An event belongs to its bot's stream when it is a system trade; a user's or a private bot's to none. */
const botKey = (trade: TradeJson, userId: number | null): string | null => (inScope(PUBLIC_SCOPE, userId) ? trade.bot : null);

export interface BotStreamDeps extends Omit<SubsetStreamDeps<string>, 'metricTrades' | 'recentClosed' | 'openTrades'> {
  /** The bot's stored system trades, for its statistics. */
  metricTrades(bot: string): Promise<MetricTrade[]>;
  recentClosed(bot: string, limit: number): Promise<TradeJson[]>;
  /** Open system trades in the engine, newest first (the stream keeps its bot's). */
  openSystemTrades(): TradeJson[];
}

export class BotStreams extends SubsetStreams<string> {
  constructor(deps: BotStreamDeps, opts: { broadcastIntervalMs: number }) {
    super({ room: botRoom, keyOf: botKey }, { ...deps, openTrades: (bot) => deps.openSystemTrades().filter((t) => t.bot === bot) }, opts);
  }
}

// Per-user snapshot/delta streams for /me (SPEC §5): the public protocol over one user's own trades,
// with that user's own statistics (subset-streams.ts). A stream exists while its user has a socket
// connected; each emits to its user's room only.
import type { TradeJson } from '../../../shared/protocol-types.ts';
import type { MetricTrade } from '../../../shared/metrics/index.ts';
import { userScope, type TradeScope } from '../../privacy/trade-scope.ts';
import { SubsetStreams, type SubsetStreamDeps } from './subset-streams.ts';

export interface UserStreamDeps extends Omit<SubsetStreamDeps<number>, 'metricTrades' | 'recentClosed' | 'openTrades'> {
  /** Stored trades of the scope, for the initial statistics and recent closes. */
  metricTrades(scope: TradeScope): Promise<MetricTrade[]>;
  recentClosed(scope: TradeScope, limit: number): Promise<TradeJson[]>;
  openTrades(scope: TradeScope): TradeJson[];
}

export const userRoom = (userId: number): string => `user:${userId}`;

/** An event belongs to the stream of the user who owns its trade (null, a system trade: to none). */
const userKey = (_trade: TradeJson, userId: number | null): number | null => userId;

/** Engine listener that routes each user's events to that user's stream, if one is open. */
export class UserStreams extends SubsetStreams<number> {
  constructor(deps: UserStreamDeps, opts: { broadcastIntervalMs: number }) {
    super(
      { room: userRoom, keyOf: userKey },
      {
        ...deps,
        metricTrades: (u) => deps.metricTrades(userScope(u)),
        recentClosed: (u, n) => deps.recentClosed(userScope(u), n),
        openTrades: (u) => deps.openTrades(userScope(u)),
      },
      opts,
    );
  }
}

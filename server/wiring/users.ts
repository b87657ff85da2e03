// Users: accounts (register, login, logout), manual trades in the shared book, and each user's
// private /me stream (the namespace and its UserStreams, an engine-event consumer).
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { EngineCore } from './engine-core.ts';
import type { PriceFeed } from '../feeds/price-feed.ts';
import { UserRepository } from '../persistence/user-repository.ts';
import { PasswordHasher, type ScryptParams } from '../users/password-hasher.ts';
import { AccountService, DEFAULT_AUTH_LIMITS, type AuthLimits } from '../users/account-service.ts';
import { ManualTradeService } from '../users/manual-trade-service.ts';
import { UserTradeCaps } from '../users/user-trade-caps.ts';
import { UserRequestLimit } from '../users/user-request-limit.ts';
import { tradableSymbols } from '../users/tradable-symbols.ts';
import type { HttpRouter } from '../transport/http/http-router.ts';
import { registerAuthRoutes } from '../transport/http/auth-routes.ts';
import { registerUserRoutes } from '../transport/http/user-routes.ts';
import { meNamespace, type IoServer } from '../transport/socket/io-server.ts';
import { UserStreams } from '../transport/socket/user-streams.ts';
import { registerMeNamespace } from '../transport/socket/me-namespace.ts';
import type { Consumer } from './engine-consumers.ts';
import type { Step } from './lifecycle.ts';
import type { TokenWiring } from './tokens.ts';
import { userScope } from '../privacy/trade-scope.ts';

export interface UsersWiring {
  userStreams: UserStreams;
  /** Routes each user's events to that user's stream (it checks the wall where events land). */
  consumer: Consumer;
  start: Step;
  stop: Step;
}

export function wireUsers(d: {
  config: Config;
  log: Logger;
  core: Pick<EngineCore, 'orm' | 'queries' | 'book' | 'engine' | 'staleness'>;
  io: IoServer;
  router: HttpRouter;
  feed: PriceFeed;
  tokens: TokenWiring;
  authLimits?: AuthLimits | undefined;
  scrypt?: ScryptParams | undefined;
}): UsersWiring {
  const { config, core, router, tokens } = d;
  const { book, engine, queries, staleness } = core;
  const users = new UserRepository(core.orm);
  const accounts = new AccountService(users, tokens.tokens, new PasswordHasher(d.scrypt), { ...DEFAULT_AUTH_LIMITS, ...config.login, ...d.authLimits });
  const manualTrades = new ManualTradeService({
    insert: (t) => users.insertManualTrade(t),
    listTrades: (scope, q) => queries.listTrades(scope, q),
    getTrade: (scope, id) => queries.getTrade(scope, id),
    lastPrice: (key) => {
      const p = book.lastPrice(key);
      return p && { price: p.price, stale: staleness.isStale(key) };
    },
    tradable: tradableSymbols({
      feedName: d.feed.name,
      hasFreshPrice: (key) => staleness.hasFreshTick(key, Date.now()),
      hasPublicTrades: (key) => engine.hasPublicTrades(key),
    }),
    // Every open trade of the user, plain (OpenBook) and managed (several targets, moving stops) alike.
    caps: new UserTradeCaps(config.userLimits, (userId) => engine.openTrades(userScope(userId)).map((t) => t.symbol)),
    engine,
  });
  const me = meNamespace(d.io);
  const userStreams = new UserStreams(
    {
      metricTrades: (scope) => queries.metricTrades(scope, {}, Date.now()),
      recentClosed: (scope, limit) => queries.recentClosed(scope, limit),
      openTrades: (scope) => engine.openTrades(scope),
      lastPrice: (symbol) => book.lastPrice(symbol),
      unrealizedOf: (id) => engine.unrealizedOf(id),
      isStale: (symbol) => staleness.isStale(symbol),
      feeRate: config.feeRate,
      emitToRoom: (room, event, payload) => me.to(room).emit(event, payload),
    },
    { broadcastIntervalMs: config.broadcastIntervalMs },
  );
  registerMeNamespace(d.io, { auth: tokens.auth, streams: userStreams, log: d.log, tokens: tokens.watch });

  registerAuthRoutes(router, accounts, {
    auth: tokens.auth,
    revoke: (token) => tokens.tokens.revoke({ token, kind: 'user' }),
    revoked: () => void tokens.watch.sweep(),
  });
  const requestLimit = new UserRequestLimit({ perSecond: config.userLimits.requestsPerSecond, perMinute: config.userLimits.requestsPerMinute });
  registerUserRoutes(router, tokens.auth, manualTrades, requestLimit);

  return {
    userStreams,
    consumer: { name: 'user-streams', listener: userStreams },
    start: { name: 'user streams', run: () => userStreams.start() },
    stop: { name: 'user streams', run: () => userStreams.stop() },
  };
}

// Bot ingest: the port the /bot namespace and POST /api/signals share (signals counted and timed
// in the metrics, refused while shutting down), the namespace itself and the signal route.
import type { Logger } from '../logger.ts';
import { UnavailableError } from '../errors.ts';
import type { TradeEngine } from '../engine/trade-engine.ts';
import type { PriceFeed } from '../feeds/price-feed.ts';
import { BotPriceFeed } from '../feeds/bot-feed.ts';
import type { AppMetrics } from '../ops/metrics-registry.ts';
import type { HttpRouter } from '../transport/http/http-router.ts';
import { registerSignalRoutes } from '../transport/http/signal-routes.ts';
import type { IoServer } from '../transport/socket/io-server.ts';
import { registerBotNamespace, type BotPort } from '../transport/socket/bot-namespace.ts';
import type { TokenWiring } from './tokens.ts';

/** Whether new signals are taken: closed once at shutdown so the final flush can drain. */
export class IntakeGate {
  private closed = false;

  get open(): boolean {
    return !this.closed;
  }

  close(): void {
    this.closed = true;
  }
}

export function botPort(engine: TradeEngine, feed: PriceFeed, metrics: AppMetrics, intake: IntakeGate): BotPort {
  return {
    ingestSignal: async (payload, identity) => {
      // Shutting down: refuse new signals (nothing stored, retry elsewhere) so the final flush can drain.
      if (!intake.open) throw new UnavailableError('shutting down: nothing was stored; retry');
      const end = metrics.commitLatency.startTimer();
      try {
        const ack = await engine.ingestSignal(payload, identity);
        metrics.signals.inc({ result: ack.ok && ack.duplicate ? 'duplicate' : 'created' });
        return ack;
      } catch (err) {
        metrics.signals.inc({ result: 'error' });
        throw err;
      } finally {
        end();
      }
    },
    cancelSignal: (payload, identity) => engine.cancelSignal(payload, identity),
    updateSignal: (payload, identity) => {
      if (!intake.open) throw new UnavailableError('shutting down: nothing was stored; retry');
      return engine.updateSignal(payload, identity);
    },
    pushPrices: feed instanceof BotPriceFeed ? (payload) => feed.push(payload) : null,
  };
}

export function wireBotIngest(d: {
  io: IoServer;
  router: HttpRouter;
  port: BotPort;
  tokens: Pick<TokenWiring, 'auth' | 'watch'>;
  signalsPerSecond: number;
  log: Logger;
}): void {
  registerBotNamespace(d.io, { auth: d.tokens.auth, bot: d.port, log: d.log, signalsPerSecond: d.signalsPerSecond, tokens: d.tokens.watch });
  registerSignalRoutes(d.router, d.tokens.auth, d.port);
}

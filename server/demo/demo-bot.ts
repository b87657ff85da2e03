// The demo bot: a real /bot client that emits a realistic signal every few seconds, with entries at
// the live price read from the public stream (catalogue price until one arrives). Started by the
// composition root when DEMO_BOT is on; meant for the simulated feed, where its TP/SL distances
// make trades close within about a minute.
import { io } from 'socket.io-client';
import { BotClient } from '../../shared/bot-client.ts';
import type { DeltaJson, SnapshotJson } from '../../shared/protocol-types.ts';
import { NAMESPACES, type PublicClientToServer, type PublicServerToClient } from '../../shared/socket-events.ts';
import type { Socket } from 'socket.io-client';
import { mulberry32 } from '../feeds/prng.ts';
import type { Logger } from '../logger.ts';
import { buildDemoSignal, type DemoStyle } from './demo-signals.ts';

export interface DemoBotOptions {
  /** Server origin, e.g. `http://127.0.0.1:3000`. */
  url: string;
  token: string;
  log: Logger;
  seed: number;
  /** Mean time between signals (default 4000 ms, jittered ±25 %). */
  intervalMs?: number;
  /** Its trading style and so its bot name (demo-signals.ts; default the scalper). */
  style?: DemoStyle;
}

export interface DemoBot {
  /** Settles once the bot is connected (or stopped first). */
  readonly ready: Promise<void>;
  readonly stats: { sent: number; rejected: number; failed: number };
  stop(): void;
}

const RECONNECT_MS = 2_000;

export function startDemoBot(opts: DemoBotOptions): DemoBot {
  const log = opts.log.child({ module: 'demo-bot' });
  const interval = opts.intervalMs ?? 4_000;
  // Its own stream of randomness, distinct from the simulated market's for the same seed.
  const rand = mulberry32(opts.seed ^ 0x5eed_b07);
  const prices = new Map<string, number>();
  const stats = { sent: 0, rejected: 0, failed: 0 };
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const publicSocket: Socket<PublicServerToClient, PublicClientToServer> = io(opts.url.replace(/\/+$/, '') + NAMESPACES.public, {
    transports: ['websocket'],
  });
  publicSocket.on('snapshot', (s: SnapshotJson) => {
    prices.clear();
    for (const [symbol, p] of Object.entries(s.prices)) if (!p.stale) prices.set(symbol, p.price);
  });
  publicSocket.on('delta', (d: DeltaJson) => {
    for (const e of d.events) {
      if (e.type !== 'prices') continue;
      for (const [symbol, [price]] of Object.entries(e.prices)) prices.set(symbol, price);
      for (const symbol of e.stale ?? []) prices.delete(symbol);
    }
  });

  const client = new BotClient({ url: opts.url, token: opts.token, timeoutMs: 5_000, retries: 2 });

  const emit = async () => {
    if (!client.connected) return;
    const signal = buildDemoSignal({ rand, priceOf: (s) => prices.get(s), ...(opts.style ? { style: opts.style } : {}) });
    try {
      const ack = await client.sendSignal(signal);
      if (ack.ok) {
        stats.sent++;
        log.debug({ symbol: signal.symbol, direction: signal.direction, trade: ack.trade_id }, 'demo signal sent');
      } else {
        stats.rejected++;
        log.warn({ symbol: signal.symbol, error: ack.error }, 'demo signal rejected');
      }
    } catch (err) {
      stats.failed++;
      if (!stopped) log.warn({ err: (err as Error).message }, 'demo signal not acknowledged');
    }
  };

  const schedule = () => {
    if (stopped) return;
    const delay = interval * (0.75 + rand() * 0.5);
    timer = setTimeout(() => {
      void emit().finally(schedule);
    }, delay);
  };

  const connect = async (): Promise<void> => {
    while (!stopped) {
      try {
        await client.connect();
        log.info({ intervalMs: interval }, 'demo bot connected');
        return;
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'demo bot cannot connect; retrying');
        await new Promise((r) => setTimeout(r, RECONNECT_MS));
      }
    }
  };

  const ready = connect().then(() => {
    if (stopped) return;
    // A first signal soon after start, so the page has something to show at once.
    timer = setTimeout(() => void emit().finally(schedule), Math.min(1_000, interval));
  });

  return {
    ready,
    stats,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      client.close();
      publicSocket.disconnect();
    },
  };
}

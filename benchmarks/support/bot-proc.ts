// Load from another process through the product's own SDK (BotClient over /bot): price pushes,
// signal latency probes (with one real socket.io-client viewer) and ingest at a fixed concurrency.
// Argv: url, token. Reports ready once connected.
import { io } from 'socket.io-client';
import { BotClient } from '../../shared/bot-client.ts';
import type { DeltaJson } from '../../shared/protocol-types.ts';
import { serveCommands, sleep } from './child.ts';

const url = process.argv[2]!;
const token = process.argv[3]!;

export const PRICE_SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'XRPUSDT', 'ADAUSDT', 'BNBUSDT', 'DOGEUSDT', 'TRXUSDT'];

async function main(): Promise<void> {
  const bot = new BotClient({ url, token, timeoutMs: 30_000, retries: 0 });
  await bot.connect();
  let pricing: NodeJS.Timeout | null = null;
  let pushes = 0;

  serveCommands({
    /** Every `everyMs`, push `perPush` ticks (rotating over `symbols`); at most `maxUnacked` (32) pushes unacked. */
    startPrices: async (m) => {
      const everyMs = m.everyMs as number;
      const perPush = m.perPush as number;
      const symbols = (m.symbols as string[] | undefined) ?? PRICE_SYMBOLS;
      const maxUnacked = (m.maxUnacked as number | undefined) ?? 32;
      // The public stream only carries prices of symbols with open system trades (the privacy wall):
      // hold one trade per symbol whose levels the bench prices (100–110) never reach.
      for (let i = 0; i < symbols.length; i += 50) {
        await Promise.all(
          symbols
            .slice(i, i + 50)
            .map((symbol) => bot.sendSignal({ external_id: `bench-hold-${symbol}`, symbol, direction: 'LONG', entry: 105, tp: 1_000_000, sl: 1 })),
        );
      }
      let k = 0;
      let unacked = 0;
      pricing = setInterval(() => {
        if (unacked >= maxUnacked) return;
        const ts = Date.now();
        const ticks = Array.from({ length: perPush }, () => {
          const s = symbols[k++ % symbols.length]!;
          return { symbol: s, price: 100 + ((k * 7919) % 1000) / 100, ts };
        });
        unacked++;
        bot.pushPrices(ticks).then(
          () => unacked--,
          () => unacked--,
        );
        pushes++;
      }, everyMs);
      return {};
    },
    stopPrices: () => {
      if (pricing) clearInterval(pricing);
      pricing = null;
      return { pushes };
    },
    /** `n` signals `intervalMs` apart; per signal, ms from send to the `opened` delta at a real viewer. */
    latency: async (m) => {
      const n = m.n as number;
      const intervalMs = m.intervalMs as number;
      const viewer = io(`${url}/public`, { transports: ['websocket'], forceNew: true });
      const seen = new Map<number, number>();
      let deltas = 0;
      let priceOnly = 0;
      viewer.on('delta', (d: DeltaJson) => {
        const at = performance.now();
        deltas++;
        if (d.events.every((e) => e.type === 'prices')) priceOnly++;
        for (const e of d.events) if (e.type === 'opened') seen.set(e.trade.id, at);
      });
      await new Promise<void>((resolve) => viewer.once('snapshot', () => resolve()));
      const sent: Array<Promise<{ t0: number; ackMs: number; tradeId: number | null }>> = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        sent.push(
          bot
            .sendSignal({ symbol: 'LATUSDT', direction: 'LONG', entry: 100, tp: 1000, sl: 10 })
            .then((ack) => ({ t0, ackMs: performance.now() - t0, tradeId: ack.ok ? ack.trade_id : null })),
        );
        await sleep(intervalMs);
      }
      const acks = await Promise.all(sent);
      await sleep(500);
      viewer.close();
      const latencies = acks.flatMap((a) => (a.tradeId !== null && seen.has(a.tradeId) ? [seen.get(a.tradeId)! - a.t0] : []));
      // The ack is sent after the commit, the opened delta right after it: ack time is the ingest
      // (database) share of the latency, the rest is the fan-out.
      return { latencies, ackLatencies: acks.map((a) => a.ackMs), missing: n - latencies.length, deltas, priceOnly };
    },
    /** Keeps `inFlight` signals outstanding for `ms`; counts ok acks (each one is committed). */
    ingest: async (m) => {
      const inFlight = m.inFlight as number;
      const ms = m.ms as number;
      const warmMs = (m.warmMs as number | undefined) ?? 1000;
      let acked = 0;
      let failed = 0;
      let total = 0;
      let counting = false;
      const cpu0 = process.cpuUsage();
      let stop = false;
      let seq = 0;
      const lane = async () => {
        while (!stop) {
          const i = seq++;
          const long = i % 2 === 0;
          const ack = await bot.sendSignal({
            symbol: `ING${i % 500}USDT`,
            direction: long ? 'LONG' : 'SHORT',
            entry: 100,
            tp: long ? 110 : 90,
            sl: long ? 95 : 105,
          });
          if (ack.ok) total++;
          if (!counting) continue;
          if (ack.ok) acked++;
          else failed++;
        }
      };
      const lanes = Array.from({ length: inFlight }, lane);
      await sleep(warmMs);
      counting = true;
      const t0 = performance.now();
      await sleep(ms);
      const seconds = (performance.now() - t0) / 1000;
      const counted = acked;
      stop = true;
      await Promise.all(lanes);
      const cpu = process.cpuUsage(cpu0);
      // total: every ok ack of the command (warm-up and drain included), for CPU per signal
      return { rate: counted / seconds, acked: counted, failed, seconds, total, cpuUs: cpu.user + cpu.system };
    },
  });
  process.send?.({ type: 'ready' });
}

main().catch((err: unknown) => {
  process.send?.({ type: 'error', message: String(err) });
  process.exit(1);
});

// P10 (issue 21): a notification's delivery latency, from the commit of its event to a webhook
// receiver, and what it costs the server. The real app in its own process, a bot (socket.io-client)
// and a receiver (node:http, answering 200 at once) in this one (one clock). Each signal's ack
// comes after its commit, so ack → receiver is commit → receiver (less the ack's own loopback
// transit). Signals are paced (not a burst): this is the latency a channel sees, not a drain rate.
// The cost: the server's CPU per signal with one webhook target, against the same run with none,
// each less the server's idle CPU over as long a time.
import http from 'node:http';
import { knex } from '@mikro-orm/knex';
import { io, type Socket } from 'socket.io-client';
import { rowId, type BenchResult } from './row-ids.ts';
import { benchDatabases } from './support/bench-db.ts';
import { sleep } from './support/child.ts';
import { percentile, startServerProc, type ServerProc } from './support/fleet.ts';

export interface NotifyBenchOptions {
  signals?: number;
  intervalMs?: number;
}

interface Receiver {
  url: string;
  /** Arrival (performance.now) of each trade's `trade.opened`. */
  opened: Map<number, number>;
  count: number;
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const opened = new Map<number, number>();
  let count = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      count++;
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { kind: string; trade: { id: number } };
      if (body.kind === 'trade.opened' && !opened.has(body.trade.id)) opened.set(body.trade.id, at);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  const port = await new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as { port: number }).port)));
  return {
    url: `http://127.0.0.1:${port}/hook`,
    opened,
    get count() {
      return count;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}

interface Phase {
  sent: Map<number, number>;
  acked: Map<number, number>;
  cpuUsPerSignal: number;
}

/** The server's CPU over `ms` with nothing sent (its sweep, timers): taken off each phase's figure. */
async function idleCpuUs(server: ServerProc, ms: number): Promise<number> {
  const cpu0 = await server.cpuUs();
  await sleep(ms);
  return (await server.cpuUs()) - cpu0;
}

async function phase(server: ServerProc, bot: Socket, prefix: string, n: number, intervalMs: number): Promise<Phase> {
  const sent = new Map<number, number>();
  const acked = new Map<number, number>();
  const started = performance.now();
  const cpu0 = await server.cpuUs();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    pending.push(
      bot
        .timeout(10_000)
        .emitWithAck('signal', { external_id: `${prefix}-${i}`, symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 120, sl: 80 })
        .then((ack: { ok: boolean; trade_id: number }) => {
          if (!ack.ok) throw new Error(`signal refused: ${JSON.stringify(ack)}`);
          acked.set(ack.trade_id, performance.now());
          sent.set(ack.trade_id, t0);
        }),
    );
    await sleep(intervalMs);
  }
  await Promise.all(pending);
  await sleep(500); // the last deliveries
  const cpu1 = await server.cpuUs();
  const idle = await idleCpuUs(server, performance.now() - started);
  return { sent, acked, cpuUsPerSignal: Math.max(0, cpu1 - cpu0 - idle) / n };
}

export async function notifyBench(o: NotifyBenchOptions = {}): Promise<BenchResult> {
  const n = o.signals ?? 300;
  const intervalMs = o.intervalMs ?? 20;
  const dbs = await benchDatabases();
  const url = await dbs.create('notify');
  const server = await startServerProc('app', { databaseUrl: url });
  const receiver = await startReceiver();
  const db = knex({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
  const bot = io(`${server.url}/bot`, { auth: { token: server.token }, transports: ['websocket'], reconnection: false, forceNew: true });
  try {
    await new Promise<void>((resolve, reject) => {
      bot.once('connect', () => resolve());
      bot.once('connect_error', reject);
    });
    await bot.timeout(5_000).emitWithAck('prices', { ticks: [{ symbol: 'BTCUSDT', price: 100, ts: Date.now() }] });
    await phase(server, bot, 'warm', 50, intervalMs); // JIT, pools, no target yet
    const without = await phase(server, bot, 'plain', n, intervalMs);
    await db.raw(`insert into notify_targets (bot, kind, config) values ('default', 'webhook', ?::jsonb)`, [
      JSON.stringify({ url: receiver.url, secret: 'b'.repeat(32) }),
    ]);
    await sleep(1_500); // the worker sees the new target at its next poll (NOTIFY_POLL_MS, 1 s); until then a commit does not wake it
    const withTarget = await phase(server, bot, 'notified', n, intervalMs);
    const fromAck: number[] = [];
    const fromSend: number[] = [];
    for (const [id, at] of withTarget.acked) {
      const arrived = receiver.opened.get(id);
      if (arrived === undefined) continue;
      fromAck.push(arrived - at);
      fromSend.push(arrived - withTarget.sent.get(id)!);
    }
    fromAck.sort((a, b) => a - b);
    fromSend.sort((a, b) => a - b);
    const ackLatency = [...withTarget.acked].map(([id, at]) => at - withTarget.sent.get(id)!).sort((a, b) => a - b);
    const missing = n - fromAck.length;
    const p50 = percentile(fromAck, 50);
    const p99 = percentile(fromAck, 99);
    const extraCpu = withTarget.cpuUsPerSignal - without.cpuUsPerSignal;
    return {
      name: 'notifications (P10)',
      notes: [
        `${n} signals ${intervalMs} ms apart, one webhook target on loopback (answers 200 at once); ${dbs.kind}; ${missing} of ${n} not delivered within 500 ms of the last ack`,
        `commit → receiver (ack → arrival): p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${(fromAck.at(-1) ?? NaN).toFixed(1)} ms; signal sent → receiver p50 ${percentile(fromSend, 50).toFixed(1)} ms, p99 ${percentile(fromSend, 99).toFixed(1)} ms`,
        `signal sent → ack (the baseline row): p50 ${percentile(ackLatency, 50).toFixed(1)} ms, p99 ${percentile(ackLatency, 99).toFixed(1)} ms`,
        `server CPU per signal (idle CPU over the same time taken off): ${without.cpuUsPerSignal.toFixed(0)} µs without a target, ${withTarget.cpuUsPerSignal.toFixed(0)} µs with one (+${extraCpu.toFixed(0)} µs per delivered notification: claim, read back, HTTP, settle)`,
      ],
      rows: [
        {
          id: rowId('notify', 'P10.p50'),
          measure: 'P10 p50 ms, event commit → webhook receiver (vs the signal ack p50)',
          ours: p50,
          baseline: percentile(ackLatency, 50),
          ratio: p50 / percentile(ackLatency, 50),
          goal: 'informative',
          ok: null,
        },
        {
          id: rowId('notify', 'P10'),
          measure: 'P10 p99 ms, event commit → webhook receiver (vs the signal ack p99)',
          ours: p99,
          baseline: percentile(ackLatency, 99),
          ratio: p99 / percentile(ackLatency, 99),
          goal: 'all delivered; informative',
          ok: missing === 0,
        },
        {
          id: rowId('notify', 'P10.cpu'),
          measure: 'P10 server CPU µs per signal with one webhook target (vs none)',
          ours: withTarget.cpuUsPerSignal,
          baseline: without.cpuUsPerSignal,
          ratio: withTarget.cpuUsPerSignal / without.cpuUsPerSignal,
          goal: 'informative',
          ok: null,
        },
      ],
    };
  } finally {
    bot.close();
    await db.destroy();
    await receiver.close();
    await server.child.stop();
  }
}

// Issue 16 items 3 and 6, before/after figures: a real server process (PRICE_FEED=bot, its own
// database) with --trades open system trades (default 5,000), then, one after another, a resync
// flood (10 raw sockets, `resync` every 20 ms), a CONNECT flood (4 raw sockets sending
// `40/me,{token}` as fast as they drain) and many sockets from one IP (200 /public viewers).
// Prices tick every --tick-ms (default 100) throughout. For each phase: server CPU (% of one core), peak RSS, /healthz p50/p99, what the flood saw.
// Run: DATABASE_URL=postgres://… npx tsx benchmarks/socket-abuse-bench.ts [--trades N] [--seconds S]
import { benchDatabases } from './support/bench-db.ts';
import { spawnServer, terminate } from '../tests/reliability/support/child-server.ts';
import { floodProcess, measure, openTrades, p99, procStats, tickPrices, type Window } from '../tests/transport/support/abuse-scenario.ts';
import type { FloodPlan } from '../tests/transport/support/socket-flood.ts';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const trades = arg('trades', 5000);
const ms = arg('seconds', 5) * 1000;
const tickMs = arg('tick-ms', 100);
const MB = 1024 * 1024;

function row(name: string, w: Window, extra: string): void {
  const p50 = w.healthz[Math.floor(w.healthz.length / 2)] ?? 0;
  console.log(
    `${name.padEnd(22)} cpu ${w.cpuPct.toFixed(0).padStart(4)} %  peak RSS ${(w.peakRss / MB).toFixed(0).padStart(5)} MB  /healthz p50 ${p50.toFixed(1)} ms p99 ${p99(w.healthz).toFixed(1)} ms (${w.healthz.length} probes)  ${extra}`,
  );
}

async function main(): Promise<void> {
  const dbs = await benchDatabases();
  const dbUrl = await dbs.create('socket_abuse');
  const botToken = 'bench-bot-token-socket-abuse';
  const server = await spawnServer({ DATABASE_URL: dbUrl, BOT_TOKEN: botToken, HTTP_RATE_LIMIT: '0', PRICE_STALE_MS: '600000' });
  try {
    await openTrades(server.url, botToken, trades);
    const snap = await fetch(`${server.url}/api/public/paper-trading/summary/`).then((r) => r.text());
    console.log(`${trades} open trades; server pid ${server.pid}; RSS ${(procStats(server.pid).rss / MB).toFixed(0)} MB; summary ${snap.length} B`);
    // Prices move all along (0 = never): each delta moves the seq, so snapshots must be rebuilt.
    const stopTicks = tickMs > 0 ? await tickPrices(server.url, botToken, tickMs) : () => {};
    const idle = new Promise((r) => setTimeout(r, 2000));
    row('idle', await measure(server.url, server.pid, idle), '');
    const phases: Array<[string, FloodPlan]> = [
      ['resync flood', { url: server.url, kind: 'resync', sockets: 10, everyMs: 20, durationMs: ms }],
      ['CONNECT flood (/me)', { url: server.url, kind: 'connect', sockets: 4, durationMs: ms, nsp: '/me', auth: { token: 'x'.repeat(40) } }],
      ['200 sockets, one IP', { url: server.url, kind: 'sockets', sockets: 200, durationMs: ms }],
    ];
    for (const [name, plan] of phases) {
      const flood = floodProcess(plan);
      const w = await measure(server.url, server.pid, flood);
      const r = await flood;
      row(
        name,
        w,
        `flood: opened ${r.opened} refused ${r.refused} sent ${r.sent} snapshots ${r.snapshots} (${(r.bytes / MB).toFixed(0)} MB) connect_errors ${r.connectErrors} closed ${r.closedByServer}`,
      );
      await new Promise((res) => setTimeout(res, 1000));
    }
    stopTicks();
  } finally {
    await terminate(server);
    await dbs.stop();
  }
}

void main().then(
  () => process.exit(0),
  (e: unknown) => (console.error(e), process.exit(1)),
);

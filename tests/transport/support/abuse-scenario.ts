// The socket abuse scenario, shared by tests/transport/socket-abuse.test.ts and
// benchmarks/socket-abuse-bench.ts: a real server process with N open system trades, a healthy
// viewer and a /healthz prober measured from this process, floods from child processes, and the
// server's CPU and RSS read from /proc.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Socket } from 'socket.io-client';
import { connectBot, connected } from '../../helpers/sockets.ts';
import type { FloodPlan, FloodResult } from './socket-flood.ts';

const FLOOD_SCRIPT = path.join(import.meta.dirname, 'socket-flood.ts');
const ROOT = path.resolve(import.meta.dirname, '../../..');

/** Opens `n` system trades through the bot socket (acked; refused ones are resent), on a few symbols. */
export async function openTrades(url: string, botToken: string, n: number): Promise<void> {
  const bot: Socket = connectBot(url, botToken);
  await connected(bot);
  const symbols = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'XRPUSDT'];
  await bot.timeout(10_000).emitWithAck('prices', { ticks: symbols.map((symbol) => ({ symbol, price: 100, ts: Date.now() })) });
  const signal = (i: number) => {
    const long = i % 2 === 0;
    return {
      external_id: `abuse-${i}`,
      symbol: symbols[i % symbols.length],
      direction: long ? 'LONG' : 'SHORT',
      entry: 100,
      tp: long ? 150 : 50,
      sl: long ? 50 : 150,
    };
  };
  let todo = Array.from({ length: n }, (_, i) => i);
  for (let attempt = 0; todo.length > 0; attempt++) {
    if (attempt === 20) throw new Error(`${todo.length} signals still refused`);
    const refused: number[] = [];
    for (let i = 0; i < todo.length; i += 250) {
      await Promise.all(
        todo.slice(i, i + 250).map((k) =>
          bot
            .timeout(30_000)
            .emitWithAck('signal', signal(k))
            .then(
              (ack: { ok: boolean }) => void (ack.ok || refused.push(k)),
              () => void refused.push(k),
            ),
        ),
      );
    }
    todo = refused;
    if (todo.length > 0) await new Promise((r) => setTimeout(r, 1000)); // e.g. RATE_LIMITED: a second later
  }
  bot.close();
}

/** Moves every symbol's price every `everyMs` (so the stream's seq moves) until stopped. */
export async function tickPrices(url: string, botToken: string, everyMs: number): Promise<() => void> {
  const bot: Socket = connectBot(url, botToken);
  await connected(bot);
  const symbols = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'XRPUSDT'];
  let n = 0;
  const timer = setInterval(() => {
    n++;
    bot.emit('prices', { ticks: symbols.map((symbol) => ({ symbol, price: 100 + (n % 20) / 10, ts: Date.now() })) }, () => {});
  }, everyMs);
  return () => {
    clearInterval(timer);
    bot.close();
  };
}

/** Runs a flood in a child process; resolves with what its clients saw. */
export function floodProcess(plan: FloodPlan): Promise<FloodResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FLOOD_SCRIPT, JSON.stringify(plan)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => {
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()!) as FloodResult);
      } catch {
        reject(new Error(`flood process exited ${code}: ${out}`));
      }
    });
  });
}

/** CPU ms (user + system) and RSS bytes of a process, from /proc (Linux). */
export function procStats(pid: number): { cpuMs: number; rss: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { cpuMs: ((Number(f[11]) + Number(f[12])) * 1000) / 100, rss: rssKb * 1024 };
}

export interface Window {
  /** Server CPU over the window, % of one core. */
  cpuPct: number;
  /** Highest server RSS sampled, bytes. */
  peakRss: number;
  /** /healthz round trips, ms, sorted. */
  healthz: number[];
}

/** Probes /healthz one request at a time and samples the server's CPU and RSS while `during` runs. */
export async function measure(url: string, pid: number, during: Promise<unknown>, minMs = 0): Promise<Window> {
  const t0 = performance.now();
  const c0 = procStats(pid).cpuMs;
  let peakRss = 0;
  const healthz: number[] = [];
  let done = false;
  void during.finally(() => (done = true));
  const minEnd = t0 + minMs;
  while (!done || performance.now() < minEnd) {
    const s = performance.now();
    await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(30_000) }).then((r) => r.arrayBuffer());
    healthz.push(performance.now() - s);
    peakRss = Math.max(peakRss, procStats(pid).rss);
    await new Promise((r) => setTimeout(r, 20));
  }
  await during;
  const wall = performance.now() - t0;
  return { cpuPct: ((procStats(pid).cpuMs - c0) / wall) * 100, peakRss, healthz: healthz.sort((a, b) => a - b) };
}

export function p99(sorted: number[]): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0;
}

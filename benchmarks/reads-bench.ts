// Anonymous read costs at scale (issue 16 item 7, docs/security.md "Bounded anonymous reads"):
// `performance/` per call and RSS, /healthz latency while 8 run at once, ledger verify latency,
// list first page and deep page latency, on a database of N system trades (default 300,000).
// Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node --import tsx benchmarks/reads-bench.ts [N]
// The seeded database (pb_reads_bench_N) is kept and reused by later runs (drop it by hand).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { withAdmin, withDatabase } from '../server/persistence/database.ts';
import { seedSystemTrades } from './support/seed-system-trades.ts';
import { encodeCursor } from '../server/queries/list-cursor.ts';

const n = Number(process.argv[2] ?? 300_000);
const admin = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `pb_reads_bench_${n}`;
const url = withDatabase(admin, name);

const rssMb = (pid: number, field: 'VmRSS' | 'VmHWM'): number => {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`${field}:\\s+(\\d+) kB`));
  return m ? Number(m[1]) / 1024 : NaN;
};

async function timed(u: string): Promise<{ ms: number; status: number; bytes: number; body: string }> {
  const t = performance.now();
  const res = await fetch(u);
  const body = await res.text();
  return { ms: performance.now() - t, status: res.status, bytes: body.length, body };
}

async function main(): Promise<void> {
  const exists = await withAdmin(admin, async (k) => (await k.raw('select 1 from pg_database where datname = ?', [name])).rows.length > 0);
  if (!exists) {
    await withAdmin(admin, (k) => k.raw('create database ??', [name]));
    const t = performance.now();
    await seedSystemTrades(url, n).catch(async (err) => {
      await withAdmin(admin, (k) => k.raw('drop database if exists ?? with (force)', [name]));
      throw err;
    });
    console.log(`seeded ${n} system trades + ledger in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: url,
      PORT: String(port),
      HOST: '127.0.0.1',
      PRICE_FEED: 'bot',
      DEMO_BOT: 'off',
      HTTP_RATE_LIMIT: '0',
      LOG_LEVEL: 'warn',
      BOT_TOKEN: 'bench-token-123',
    },
    stdio: ['ignore', 2, 'inherit'], // stdout stays the bench's (--json)
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      const ok = await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (i > 600) throw new Error('server did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const pid = server.pid!;
    const perf = `${base}/api/public/paper-trading/performance/`;
    console.log(`RSS after start ${rssMb(pid, 'VmRSS').toFixed(0)} MB`);
    const healthBase: number[] = [];
    for (let i = 0; i < 20; i++) healthBase.push((await timed(`${base}/healthz`)).ms);
    console.log(`/healthz idle: max ${Math.max(...healthBase).toFixed(1)} ms`);

    {
      const health: number[] = [];
      let done = false;
      const poll = (async () => {
        while (!done) {
          health.push((await timed(`${base}/healthz`)).ms);
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
      const v = await timed(`${base}/api/public/ledger/verify`);
      done = true;
      await poll;
      console.log(
        `ledger/verify first call (waits for the start-up run, or runs it): ${v.ms.toFixed(0)} ms; /healthz meanwhile max ${Math.max(...health).toFixed(1)} ms, p50 ${health.sort((a, b) => a - b)[health.length >> 1]!.toFixed(1)} ms over ${health.length} polls`,
      );
    }
    for (let i = 0; i < 4; i++) {
      const r = await timed(perf);
      console.log(`performance/ call ${i + 1}: ${r.ms.toFixed(1)} ms, ${r.status}, ${(r.bytes / 1e6).toFixed(2)} MB, RSS ${rssMb(pid, 'VmRSS').toFixed(0)} MB`);
    }
    const r2 = await timed(`${perf}?symbol=S007USDT&direction=LONG`);
    console.log(`performance/?symbol&direction first: ${r2.ms.toFixed(1)} ms, ${r2.status}`);

    // 8 concurrent distinct uncached filter combinations, /healthz polled meanwhile.
    const health: number[] = [];
    let done = false;
    const poll = (async () => {
      while (!done) {
        health.push((await timed(`${base}/healthz`)).ms);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const t8 = performance.now();
    const eight = await Promise.all(Array.from({ length: 8 }, (_, i) => timed(`${perf}?days=${1000 + i}`)));
    const wall8 = performance.now() - t8;
    done = true;
    await poll;
    console.log(
      `8 concurrent distinct performance/: wall ${wall8.toFixed(0)} ms, statuses ${eight.map((e) => e.status).join(',')}; ` +
        `/healthz max ${Math.max(...health).toFixed(1)} ms over ${health.length} polls; peak RSS ${rssMb(pid, 'VmHWM').toFixed(0)} MB`,
    );
    const eightSame = await Promise.all(Array.from({ length: 8 }, () => timed(perf)));
    console.log(`8 concurrent identical performance/ (cached): max ${Math.max(...eightSame.map((e) => e.ms)).toFixed(1)} ms`);

    for (let i = 0; i < 3; i++) {
      const v = await timed(`${base}/api/public/ledger/verify`);
      console.log(`ledger/verify call ${i + 1}: ${v.ms.toFixed(1)} ms, ${v.status} ${v.body.slice(0, 200)}`);
    }
    const list = `${base}/api/public/paper-trading/`;
    for (const q of ['', '?status=OPEN', '?page=50&page_size=100', '?page=3000&page_size=100', '?page=15000&page_size=20']) {
      const a = await timed(list + q);
      const b = await timed(list + q);
      console.log(`list ${q || '(first page)'}: ${a.ms.toFixed(1)} ms then ${b.ms.toFixed(1)} ms, ${b.status}`);
    }
    // A cursor as deep as the seeded table goes (what a `next` link there would carry).
    const deep = await withAdmin(url, (k) =>
      k.raw(`select entry_time::text as v, id::int as id from paper_trades where user_id is null order by entry_time desc, id desc offset ? limit 1`, [
        n - 10_000,
      ]),
    );
    const row = deep.rows[0] as { v: string; id: number } | undefined;
    if (row) {
      const cursor = encodeCursor({ ordering: '-entry_time', value: row.v, id: row.id });
      for (let i = 0; i < 2; i++) {
        const c = await timed(`${list}?page_size=100&cursor=${cursor}`);
        console.log(`list via cursor at row ${n - 10_000}: ${c.ms.toFixed(1)} ms, ${c.status}`);
      }
    }
    console.log(`final RSS ${rssMb(pid, 'VmRSS').toFixed(0)} MB, peak ${rssMb(pid, 'VmHWM').toFixed(0)} MB`);
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

// SPEC §12 over a 60-day history imported with the operator CLI: every risk and calendar figure of
// `performance/` equals a plain computation written here from the public list's trades (paged),
// in UTC and in Asia/Tokyo, where a close at 23:30 UTC on 31 January lands on 1 February.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/db.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { runCli } from '../cli/run-cli.ts';

const HEADER =
  'id,signal_id,user_id,symbol,direction,market_type,timeframe,confidence,leverage,entry_price,entry_time,position_size,' +
  'quantity,take_profit,stop_loss,status,exit_price,exit_time,fees,profit_loss,profit_loss_percentage,created_at,updated_at';
const T0 = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;
const HOUR = 3_600_000;
const ACCOUNT = 1000;
const EDGE_CLOSE = '2026-01-31T23:30:00.000000Z';

interface ListedTrade {
  id: number;
  status: string;
  entry_price: number;
  entry_time: string;
  exit_time: string | null;
  quantity: number;
  fees: number | null;
  profit_loss: number | null;
  initial_stop_loss: number;
}

/** A fixed pseudo-random history: 0–4 closes a day over 60 days, some days empty, P/L −15…+20. */
function historyCsv(): string {
  let seed = 7;
  const rnd = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
  const lines = [HEADER];
  let id = 0;
  const row = (entry: number, exit: string | null, pl: number, long: boolean) => {
    id += 1;
    const status = exit === null ? 'OPEN' : pl >= 0 ? 'CLOSED_TP' : 'CLOSED_SL';
    const exitPrice = exit === null ? '' : (long ? 100 + pl : 100 - pl).toFixed(8);
    const fees = exit === null ? '' : '0.20000000';
    const plText = exit === null ? '' : pl.toFixed(8);
    const pct = exit === null ? '' : pl.toFixed(4);
    lines.push(
      [
        id,
        '',
        '',
        id % 2 ? 'BTCUSDT' : 'ETHUSDT',
        long ? 'LONG' : 'SHORT',
        'SPOT',
        '1h',
        '0.5000',
        1,
        '100.00000000',
        iso(entry),
        '100.00000000',
        '1.00000000',
        long ? '120.00000000' : '80.00000000',
        long ? '95.00000000' : '105.00000000',
        status,
        exitPrice,
        exit ?? '',
        fees,
        plText,
        pct,
        iso(entry),
        exit ?? iso(entry),
      ].join(','),
    );
  };
  for (let d = 0; d < 60; d++) {
    // 31 January and 1 February (UTC) hold only the month-edge close below; every 7th day none.
    if (d === 30 || d === 31 || d % 7 === 3) continue;
    const n = Math.floor(rnd() * 5);
    for (let k = 0; k < n; k++) {
      const entry = T0 + d * DAY + Math.floor(rnd() * 20) * HOUR;
      const exit = entry + (1 + Math.floor(rnd() * 30)) * HOUR;
      if (exit >= T0 + 30 * DAY && exit < T0 + 32 * DAY) continue;
      row(entry, iso(exit), Math.round((rnd() * 35 - 15) * 100) / 100, rnd() < 0.5);
    }
    if (d === 29) row(Date.parse('2026-01-31T20:00:00Z'), EDGE_CLOSE, 12.5, true);
  }
  row(T0 + 59 * DAY, null, 0, true); // open: not in any closed figure
  return lines.join('\r\n') + '\r\n';
}

// ---- the plain computation of SPEC §12 (no Paperbook module) ----
const localDate = (iso: string, tz: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
const nextDate = (date: string) => new Date(Date.parse(`${date}T12:00:00Z`) + DAY).toISOString().slice(0, 10);

function expected(trades: ListedTrade[], tz: string) {
  const closed = trades.filter((t) => t.status.startsWith('CLOSED_')).sort((a, b) => Date.parse(a.exit_time!) - Date.parse(b.exit_time!) || a.id - b.id);
  const byDay = new Map<string, { pl: number; n: number }>();
  for (const t of closed) {
    const d = localDate(t.exit_time!, tz);
    const e = byDay.get(d) ?? { pl: 0, n: 0 };
    e.pl += t.profit_loss!;
    e.n += 1;
    byDay.set(d, e);
  }
  const first = closed.map((t) => localDate(t.entry_time, tz)).sort()[0]!;
  const last = localDate(closed.at(-1)!.exit_time!, tz);
  const days: string[] = [];
  for (let d = first; d <= last; d = nextDate(d)) days.push(d);
  const pl = days.map((d) => byDay.get(d)?.pl ?? 0);
  const r: number[] = [];
  let equity = ACCOUNT;
  let peak = ACCOUNT;
  let maxDd = 0;
  for (const p of pl) {
    r.push(p / equity);
    equity += p;
    peak = Math.max(peak, equity);
    maxDd = Math.max(maxDd, ((peak - equity) / peak) * 100);
  }
  const N = r.length;
  const mean = r.reduce((a, b) => a + b, 0) / N;
  const std = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / (N - 1));
  const down = Math.sqrt(r.reduce((a, b) => a + Math.min(b, 0) ** 2, 0) / N);
  const cagr = (equity / ACCOUNT) ** (365 / N) - 1;
  let w = 0;
  let l = 0;
  let maxW = 0;
  let maxL = 0;
  for (const t of closed) {
    w = t.profit_loss! > 0 ? w + 1 : 0;
    l = t.profit_loss! < 0 ? l + 1 : 0;
    maxW = Math.max(maxW, w);
    maxL = Math.max(maxL, l);
  }
  const rs = closed.map((t) => t.profit_loss! / (Math.abs(t.entry_price - t.initial_stop_loss) * t.quantity + (t.fees ?? 0)));
  const months = new Map<string, number>();
  for (let i = 0; i < days.length; i++) months.set(days[i]!.slice(0, 7), (months.get(days[i]!.slice(0, 7)) ?? 0) + pl[i]!);
  let start = ACCOUNT;
  const monthly = [...months].map(([month, p]) => {
    const m = { month, profit_loss: p, return_pct: (p / start) * 100 };
    start += p;
    return m;
  });
  return {
    days: N,
    sharpe: (mean / std) * Math.sqrt(365),
    sortino: (mean / down) * Math.sqrt(365),
    max_drawdown_pct: maxDd,
    cagr,
    calmar: cagr / (maxDd / 100),
    max_consecutive_wins: maxW,
    max_consecutive_losses: maxL,
    avg_r_multiple: rs.reduce((a, b) => a + b, 0) / rs.length,
    daily: [...byDay].map(([date, e]) => ({ date, profit_loss: e.pl, trades: e.n })),
    monthly,
  };
}

let server: TestServer;
let dir: string;
const listed: ListedTrade[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'paperbook-risk-'));
  const db = await createTestDatabase();
  const file = path.join(dir, 'history.csv');
  await writeFile(file, historyCsv());
  const r = await runCli(['trades:import', '--in', file], { DATABASE_URL: db.url });
  expect(r.code, r.stderr).toBe(0);
  server = await startTestServer({}, { db });
  for (let url: string | null = `${server.url}/api/public/paper-trading/?page_size=100`; url;) {
    const page = (await (await fetch(url)).json()) as { next: string | null; results: ListedTrade[] };
    listed.push(...page.results);
    url = page.next && new URL(page.next, server.url).toString();
  }
}, 180_000);
afterAll(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const performance = async (query = '') =>
  (await (await fetch(`${server.url}/api/public/paper-trading/performance/${query}`)).json()) as Record<string, unknown>;
const close = (a: unknown, b: number) => expect(Math.abs((a as number) - b), `${String(a)} vs ${b}`).toBeLessThanOrEqual(1e-4);

describe('SPEC §12 risk and calendar metrics over a 60-day imported history', { timeout: 60_000 }, () => {
  it('the list holds the whole history', () => {
    expect(listed.length).toBeGreaterThan(80);
    expect(new Set(listed.map((t) => t.id)).size).toBe(listed.length);
    expect(listed.filter((t) => t.status === 'OPEN')).toHaveLength(1);
  });

  for (const tz of ['UTC', 'Asia/Tokyo']) {
    it(`every figure equals the plain computation in ${tz}`, async () => {
      const want = expected(listed, tz);
      const got = await performance(tz === 'UTC' ? '' : `?tz=${tz}`);
      expect(got.time_zone).toBe(tz);
      expect(got.account_size).toBe(ACCOUNT);
      for (const k of ['sharpe', 'sortino', 'max_drawdown_pct', 'cagr', 'calmar', 'avg_r_multiple'] as const) close(got[k], want[k]);
      expect(got.max_consecutive_wins).toBe(want.max_consecutive_wins);
      expect(got.max_consecutive_losses).toBe(want.max_consecutive_losses);
      const daily = got.daily as { date: string; profit_loss: number; trades: number }[];
      expect(daily.map((d) => [d.date, d.trades])).toEqual(want.daily.map((d) => [d.date, d.trades]));
      daily.forEach((d, i) => close(d.profit_loss, want.daily[i]!.profit_loss));
      const monthly = got.monthly as { month: string; profit_loss: number; return_pct: number }[];
      expect(monthly.map((m) => m.month)).toEqual(want.monthly.map((m) => m.month));
      monthly.forEach((m, i) => {
        close(m.profit_loss, want.monthly[i]!.profit_loss);
        close(m.return_pct, want.monthly[i]!.return_pct);
      });
    });
  }

  // No other close falls between 31 January 15:00 and 1 February 24:00 UTC, so Tokyo's 1 February holds
  // only this close, and UTC's January exceeds Tokyo's by it alone (the history starts on 1 January UTC).
  it('a close at 23:30 UTC on 31 January is on 1 February in Asia/Tokyo, in daily and in monthly', async () => {
    const utc = await performance('?tz=UTC');
    const tokyo = await performance('?tz=asia/tokyo');
    expect(tokyo.time_zone).toBe('Asia/Tokyo');
    const day = (p: Record<string, unknown>, date: string) => (p.daily as { date: string; trades: number; profit_loss: number }[]).find((d) => d.date === date);
    expect(day(utc, '2026-01-31')).toEqual({ date: '2026-01-31', profit_loss: 12.5, trades: 1 });
    expect(day(utc, '2026-02-01')).toBeUndefined();
    expect(day(tokyo, '2026-02-01')).toEqual({ date: '2026-02-01', profit_loss: 12.5, trades: 1 });
    const month = (p: Record<string, unknown>, m: string) => (p.monthly as { month: string; profit_loss: number }[]).find((x) => x.month === m)!.profit_loss;
    close(month(utc, '2026-01') - month(tokyo, '2026-01'), 12.5);
  });

  it('refuses an unknown time zone with 400 and field tz', async () => {
    const res = await fetch(`${server.url}/api/public/paper-trading/performance/?tz=Mars/Olympus`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string; field: string } };
    expect(body.error).toMatchObject({ code: 'VALIDATION_ERROR', field: 'tz', message: expect.stringContaining('tz') });
  });
});

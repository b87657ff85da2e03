// Issue 16, item 8 figure: one account opens N manual trades as fast as it can, first on N invented
// symbols, then on one priced symbol. Prints how many were accepted, the wall time and how many
// symbols the feed is asked to watch. A real server (PRICE_FEED=bot, per-user request budget off so
// the trade caps are what is measured) on a fresh database of the PostgreSQL at DATABASE_URL.
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node --import tsx scripts/measure-user-caps.ts [N]
import { randomBytes } from 'node:crypto';
import { io } from 'socket.io-client';
import { loadConfig } from '../server/config.ts';
import { createLogger } from '../server/logger.ts';
import { startApp } from '../server/app.ts';
import { withAdmin, withDatabase } from '../server/persistence/database.ts';

const N = Number(process.argv[2] ?? 2000);
const admin = process.env.DATABASE_URL;
if (!admin) throw new Error('DATABASE_URL: a PostgreSQL server to create a scratch database on');
const name = `pb_measure_${randomBytes(4).toString('hex')}`;
await withAdmin(admin, (k) => k.raw('create database ??', [name]));
const botToken = `measure-${randomBytes(8).toString('hex')}`;
const config = loadConfig({
  PORT: '0',
  HOST: '127.0.0.1',
  PRICE_FEED: 'bot',
  LOG_LEVEL: 'silent',
  HTTP_RATE_LIMIT: '0',
  USER_REQUESTS_PER_SECOND: '0',
  USER_REQUESTS_PER_MINUTE: '0',
  DATABASE_URL: withDatabase(admin, name),
  BOT_TOKEN: botToken,
});
const app = await startApp(config, { log: createLogger('silent'), scrypt: { N: 2 ** 14, r: 8, p: 1 } });
const url = `http://127.0.0.1:${app.port}`;
const bot = io(`${url}/bot`, { auth: { token: botToken }, transports: ['websocket'], reconnection: false, forceNew: true });
await new Promise<void>((resolve) => bot.once('connect', () => resolve()));
await bot.timeout(5000).emitWithAck('prices', { ticks: [{ symbol: 'BTCUSDT', price: 100, ts: Date.now() }] });

const post = async (path: string, body: unknown, token?: string) => {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

async function burst(label: string, symbolOf: (i: number) => string): Promise<void> {
  const token = String((await post('/api/auth/register', { username: `measure_${label}`, password: 'correct horse' })).body.token);
  const statuses: Record<number, number> = {};
  const started = performance.now();
  for (let i = 0; i < N; i++) {
    const r = await post('/api/paper-trades', { symbol: symbolOf(i), direction: 'LONG', entry_price: 100, take_profit: 110, stop_loss: 90 }, token);
    statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  }
  const ms = performance.now() - started;
  const w = app.engine.watchedMarkets();
  console.log(
    JSON.stringify({ label, requests: N, statuses, ms: Math.round(ms), perRequestMs: +(ms / N).toFixed(2), watchedSymbols: w.spot.size + w.futures.size }),
  );
}

await burst('invented', (i) => `INV${i}USDT`);
await burst('priced', () => 'BTCUSDT');
bot.close();
await app.close();
await withAdmin(admin, (k) => k.raw('drop database if exists ?? with (force)', [name]));
process.exit(0);

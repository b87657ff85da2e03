// Issue 16, item 8 figure: one account opens N manual trades as fast as it can, first on N invented
// symbols, then on one priced symbol. Prints how many were accepted and the wall time. Runs a real
// server (PRICE_FEED=bot, per-user request budget off so the trade caps are what is measured) on
// DATABASE_URL or the embedded PostgreSQL.   node --import tsx scripts/measure-user-caps.ts [N]
import { startTestServer } from '../tests/helpers/server.ts';
import { connectBot, connected } from '../tests/helpers/sockets.ts';
import { call, register, TEST_APP_OPTIONS } from '../tests/users/user-client.ts';

const N = Number(process.argv[2] ?? 2000);
const server = await startTestServer({}, { app: TEST_APP_OPTIONS });
const bot = connectBot(server.url, server.botToken);
await connected(bot);
await bot.timeout(5000).emitWithAck('prices', { ticks: [{ symbol: 'BTCUSDT', price: 100, ts: Date.now() }] });

async function burst(label: string, symbolOf: (i: number) => string): Promise<void> {
  const { token } = await register(server.url, `measure_${label}`);
  const started = performance.now();
  const statuses = new Map<number, number>();
  for (let i = 0; i < N; i++) {
    const r = await call(server.url, 'POST', '/api/paper-trades', {
      token,
      body: { symbol: symbolOf(i), direction: 'LONG', entry_price: 100, take_profit: 110, stop_loss: 90 },
    });
    statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
  }
  const ms = performance.now() - started;
  console.log(JSON.stringify({ label, requests: N, statuses: Object.fromEntries(statuses), ms: Math.round(ms), perRequestMs: +(ms / N).toFixed(2), watched: server.app.engine.watchedMarkets().spot.size }));
}

await burst('invented', (i) => `INV${i}USDT`);
await burst('priced', () => 'BTCUSDT');
bot.close();
await server.stop();
process.exit(0);

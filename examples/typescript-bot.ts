// A Paperbook bot in TypeScript on the shared BotClient (shared/bot-client.ts), over the /bot
// Socket.IO namespace (docs/protocol.md §5, §9). Run from the repository:
//
//   PAPERBOOK_URL=http://localhost:3000 PAPERBOOK_TOKEN=<bot token> npx tsx examples/typescript-bot.ts
//
// It sends a signal (with an external_id, the idempotency key), waits for the ack, moves the stop
// with a signal update, sends a text signal, then drops the connection, reconnects and resends the
// same signal and update: the server answers `duplicate: true` and no second trade exists. Each ack
// is printed as one JSON line: {"step": ..., "ack": {...}}.
//
// Optional: PAPERBOOK_SYMBOL (default BTCUSDT), PAPERBOOK_ENTRY (the entry price; by default the
// symbol's live price from GET /api/public/paper-trading/open-positions/, else 95000),
// PAPERBOOK_RUN_ID (prefix of the external ids; default the time, so every run makes new signals).
import { BotClient } from '../shared/bot-client.ts';
import type { SignalAck } from '../shared/protocol-types.ts';

const url = process.env.PAPERBOOK_URL ?? 'http://localhost:3000';
const token = process.env.PAPERBOOK_TOKEN;
if (!token) {
  console.error('set PAPERBOOK_TOKEN to a bot token (npm run cli -- token:create --kind bot --name NAME)');
  process.exit(2);
}
const symbol = process.env.PAPERBOOK_SYMBOL ?? 'BTCUSDT';
const runId = process.env.PAPERBOOK_RUN_ID ?? `ts-${Date.now()}`;

/** A price level with 6 significant digits (what a channel would write). */
const level = (x: number): number => Number(x.toPrecision(6));

/** The entry: PAPERBOOK_ENTRY, else the live price of an open public position on the symbol, else 95000. */
async function entryPrice(): Promise<number> {
  if (process.env.PAPERBOOK_ENTRY) return Number(process.env.PAPERBOOK_ENTRY);
  try {
    const res = await fetch(`${url.replace(/\/+$/, '')}/api/public/paper-trading/open-positions/`);
    const open = (await res.json()) as { symbol: string; market_type: string; current_price: number | null }[];
    const live = open.find((t) => t.symbol === symbol && t.market_type === 'SPOT' && t.current_price);
    if (live?.current_price) return level(live.current_price);
  } catch (err) {
    console.error(`no live price read (${(err as Error).message}); using 95000`);
  }
  return 95_000;
}

function print(step: string, ack: SignalAck): void {
  console.log(JSON.stringify({ step, ack }));
}

async function main(): Promise<void> {
  const entry = await entryPrice();
  const client = new BotClient({ url, token: token!, timeoutMs: 5_000, retries: 3 });
  await client.connect(); // rejects with `unauthorized` for a wrong token

  // 1. A signal with our own id: a retry (timeout, reconnect) carries the same id, so it is applied once.
  const signal = {
    external_id: `${runId}-long`,
    symbol,
    direction: 'LONG' as const,
    timeframe: '1h' as const,
    entry,
    tp: [level(entry * 1.02), level(entry * 1.04)],
    sl: level(entry * 0.98),
    confidence: 0.7,
  };
  const opened = await client.sendSignal(signal);
  print('signal', opened);
  if (!opened.ok) throw new Error(`signal refused: ${opened.error.message}`);

  // 2. Move the stop up (it must stay below the last price for a LONG). `update_id` makes a resend idempotent.
  const update = { update_id: `${runId}-stop-1`, sl: level(entry * 0.99) };
  print('update', await client.updateSignal({ external_id: signal.external_id }, update));

  // 3. A text signal, as a channel writes it (parsed by the server, same ack).
  const text = [`${symbol} SHORT`, `Entry: ${entry}`, `Targets: ${level(entry * 0.98)} ${level(entry * 0.96)}`, `Stop: ${level(entry * 1.02)}`].join('\n');
  print('text', await client.sendTextSignal(text, `${runId}-text`));

  // 4. The link drops and comes back (here on purpose). Not knowing whether the last sends landed, the
  // bot sends them again with the same ids: the server answers duplicate: true, the same trade.
  client.socket.disconnect();
  await client.connect();
  print('signal-resend', await client.sendSignal(signal));
  print('update-resend', await client.updateSignal({ external_id: signal.external_id }, update));
  print('text-resend', await client.sendTextSignal(text, `${runId}-text`));

  client.close();
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});

// Issue 8.3 — hostile input. ≥ 10,000 fast-check-generated malformed `signal`, `prices`, REST bodies
// and query strings (wrong types, huge numbers, NaN/Infinity strings, deep nesting, big strings,
// unicode, prototype-pollution keys), oversize frames and raw Socket.IO packets with absurd
// attachment counts over a bare `ws` WebSocket. The process stays up, memory stays bounded, no row
// comes from input the shared schema rejects, and every rejection carries a clear code.
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import WebSocket from 'ws';
import type { Socket } from 'socket.io-client';
import { signalSchema as sharedSignalSchema } from '../../shared/signal-schema.ts';
import { quantityFor } from '../../shared/trade-math.ts';
import { ERROR_CODES } from '../../shared/constants.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connected } from '../helpers/sockets.ts';
import { SOAK, reportLine } from './support/soak.ts';
import { openKnex } from './support/record-check.ts';

const SCALE = Number(process.env.HOSTILE_SCALE ?? (SOAK ? 5 : 1));
const SEED = Number(process.env.RELIABILITY_SEED ?? Date.now() % 1e9);
// What the server must store: the shared schema's verdict plus a quantity that survives 8 decimals
// at the default POSITION_SIZE (100).
const signalSchema = {
  safeParse(p: unknown): { success: boolean } {
    const r = sharedSignalSchema.safeParse(p);
    return { success: r.success && quantityFor(100, r.data.leverage, r.data.entry) > 0 };
  },
};
const CODES = new Set<string>(Object.values(ERROR_CODES));

let server: TestServer;
let bot: Socket;
const uncaught: unknown[] = [];
const onUncaught = (e: unknown) => uncaught.push(e);

beforeAll(async () => {
  process.on('uncaughtException', onUncaught).on('unhandledRejection', onUncaught);
  server = await startTestServer({ HTTP_RATE_LIMIT: '0' }, { signalsPerSecond: 1_000_000 });
  bot = connectBot(server.url, server.botToken);
  await connected(bot);
});
afterAll(async () => {
  process.off('uncaughtException', onUncaught).off('unhandledRejection', onUncaught);
  bot?.close();
  await server?.stop();
});

// ---- arbitraries -------------------------------------------------------------------------------
const nastyNumber = fc.oneof(
  fc.double(), // includes NaN, ±Infinity, -0
  fc.constantFrom(1e308, -1e308, 2 ** 53 + 1, Number.MIN_VALUE, -1, 0, 1e12, 1e13),
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e999', '0x10', ' 1 ', '1_000', '１２３', '100.0000000000001', '-5', ''),
  fc.bigInt().map(String),
);
const nastyString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'BTCUSDT\u0000', 'ＢＴＣＵＳＤＴ', 'btcusdt', 'B', 'A'.repeat(21), '\u202eTSDUCTB'),
  fc.nat({ max: 10_000 }).map((n) => 'x'.repeat(n)), // big (megabyte bodies and frames are tried below)
);
const deep = fc.nat({ max: 2_000 }).map((d) => {
  let v: unknown = 1;
  for (let i = 0; i < d; i++) v = i % 2 ? [v] : { a: v };
  return v;
});
const polluting = fc
  .constantFrom(
    '{"__proto__":{"polluted":1},"symbol":"BTCUSDT","direction":"LONG","entry":100,"tp":110,"sl":90}',
    '{"constructor":{"prototype":{"polluted":1}}}',
    '{"symbol":"BTCUSDT","__proto__":{"direction":"LONG"},"entry":100,"tp":110,"sl":90}',
  )
  .map((s) => JSON.parse(s) as unknown);
const anyValue = fc.oneof(nastyNumber, nastyString, deep, polluting, fc.constant(null), fc.boolean(), fc.jsonValue({ maxDepth: 4 }));
// SPEC §9: several targets (in order or not, hostile levels among them) and a trailing stop's terms.
const targetList = fc.array(fc.oneof(fc.constantFrom(105, 110, 120, 95), nastyNumber), { maxLength: 12 });
const trailingLike = fc.record(
  { callback_rate: fc.oneof(fc.constant(0.01), fc.double(), nastyNumber), activation_price: fc.oneof(fc.constant(115), nastyNumber), extra: anyValue },
  { requiredKeys: [] },
);
const signalLike = fc.record(
  {
    external_id: fc.oneof(nastyString, anyValue),
    symbol: fc.oneof(fc.constantFrom('BTCUSDT', 'ETHUSDT'), nastyString, anyValue),
    direction: fc.oneof(fc.constantFrom('LONG', 'SHORT', 'long', 'BUY'), anyValue),
    timeframe: fc.oneof(fc.constantFrom('1h', '1m', '2h'), anyValue),
    entry: fc.oneof(fc.constant(100), nastyNumber, anyValue),
    tp: fc.oneof(fc.constant(110), fc.constant(90), nastyNumber, targetList),
    tp_allocation: fc.oneof(fc.constant([1]), fc.array(fc.oneof(fc.constant(0.5), fc.double()), { maxLength: 12 }), anyValue),
    sl: fc.oneof(fc.constant(90), fc.constant(110), nastyNumber),
    sl_mode: fc.oneof(fc.constantFrom('fixed', 'breakeven', 'moving_target', 'trailing'), anyValue),
    trailing_stop: fc.oneof(trailingLike, anyValue),
    confidence: fc.oneof(fc.double(), anyValue),
    market_type: fc.oneof(fc.constantFrom('SPOT', 'FUTURES', 'spot'), anyValue),
    leverage: fc.oneof(fc.integer({ min: -5, max: 200 }), nastyNumber),
    expires_at: fc.oneof(fc.constantFrom('2030-01-01T00:00:00Z', 'tomorrow', '9999-99-99'), nastyNumber),
  },
  { requiredKeys: [] },
);
// Near-valid signals, one field at a time made hostile: the schema decides which must be stored.
const validSignal = fc.record({
  external_id: fc.uuid(),
  symbol: fc.constantFrom('BTCUSDT', 'ETHUSDT'),
  direction: fc.constant('LONG'),
  entry: fc.constant(100),
  tp: fc.oneof(fc.constant(110), fc.constant([105, 110, 120])),
  sl: fc.constant(90),
});
const nearValid = fc
  .tuple(
    validSignal,
    fc.constantFrom(
      'symbol',
      'direction',
      'entry',
      'tp',
      'sl',
      'confidence',
      'leverage',
      'timeframe',
      'expires_at',
      'market_type',
      'external_id',
      'tp_allocation',
      'sl_mode',
      'trailing_stop',
    ),
    anyValue,
  )
  .map(([v, k, bad]) => ({ ...v, [k]: bad }));
const signalPayload = fc.oneof(
  { weight: 4, arbitrary: signalLike },
  { weight: 3, arbitrary: nearValid },
  { weight: 1, arbitrary: validSignal },
  { weight: 1, arbitrary: anyValue },
);
const pricesPayload = fc.oneof(
  fc.record({
    ticks: fc.array(fc.record({ symbol: fc.oneof(fc.constant('BTCUSDT'), nastyString), price: nastyNumber, ts: nastyNumber }, { requiredKeys: [] }), {
      maxLength: 5,
    }),
  }),
  fc.record({ ticks: fc.oneof(anyValue, fc.constant(Array.from({ length: 1001 }, () => ({ symbol: 'BTCUSDT', price: 1, ts: 1 })))) }),
  anyValue,
);
const queryString = fc
  .array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom('page', 'page_size', 'status', 'symbol', 'direction', 'market_type', 'timeframe', 'ordering', 'days', '__proto__', 'constructor'),
        fc.string({ maxLength: 8 }),
      ),
      fc.oneof(nastyString, nastyNumber.map(String), fc.constantFrom('%', '%zz', '%00', '-1', '0', '1e9', '101', '-profit_loss', 'OPEN')),
    ),
    { maxLength: 6 },
  )
  .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${Math.random() < 0.2 ? v.slice(0, 2000) : encodeURIComponent(v.slice(0, 2000))}`).join('&'));

// ---- helpers -----------------------------------------------------------------------------------
async function inBatches<T>(items: T[], size: number, fn: (t: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) {
    await Promise.all(items.slice(i, i + size).map(fn));
  }
}
const problems: string[] = [];
function clearRejection(where: string, err: { code?: unknown; message?: unknown } | undefined): void {
  if (!err || typeof err.code !== 'string' || !CODES.has(err.code) || typeof err.message !== 'string' || err.message.length === 0) {
    problems.push(`${where}: unclear rejection ${JSON.stringify(err)?.slice(0, 200)}`);
  } else if (err.message === 'internal error') problems.push(`${where}: internal error`);
}
const tally = { signals: 0, prices: 0, restBodies: 0, queries: 0, rawFrames: 0, oversize: 0, accepted: 0, expectedValid: 0 };

/** Live memory after a full collection (the fuzz payloads themselves are garbage by then). */
v8.setFlagsFromString('--expose-gc');
const collect = vm.runInNewContext('gc') as () => void;
function liveMb(): number {
  collect();
  const m = process.memoryUsage();
  return (m.heapUsed + m.external) / 2 ** 20;
}
let liveBefore = 0;

describe('hostile input', () => {
  it(
    `≥ 10,000 malformed payloads: no crash, no row from invalid input, clear codes (seed ${SEED})`,
    async () => {
      liveBefore = liveMb();
      const rssBefore = process.memoryUsage().rss;
      const validExternal = new Set<string>();

      const t0 = Date.now();
      const signals = fc.sample(signalPayload, { numRuns: Math.ceil(4500 * SCALE), seed: SEED });
      await inBatches(signals, 50, async (p) => {
        tally.signals++;
        const valid = signalSchema.safeParse(p).success;
        if (valid) tally.expectedValid++;
        const ack = (await bot.timeout(10_000).emitWithAck('signal', p)) as { ok: boolean; error?: { code: string; message: string } };
        if (ack.ok) {
          tally.accepted++;
          if (!valid) problems.push(`signal accepted though the schema rejects it: ${JSON.stringify(p).slice(0, 200)}`);
          else if (typeof (p as { external_id?: unknown }).external_id === 'string')
            validExternal.add(String((p as { external_id: string }).external_id).trim());
        } else {
          if (valid) problems.push(`valid signal refused: ${JSON.stringify(ack.error)}`);
          clearRejection('signal', ack.error);
        }
      });

      const t1 = Date.now();
      const prices = fc.sample(pricesPayload, { numRuns: Math.ceil(2500 * SCALE), seed: SEED + 1 });
      await inBatches(prices, 50, async (p) => {
        tally.prices++;
        const ack = (await bot.timeout(10_000).emitWithAck('prices', p)) as { ok: boolean; error?: { code: string; message: string } };
        if (!ack.ok) clearRejection('prices', ack.error);
      });

      const t2 = Date.now();
      const bodies = fc.sample(
        fc.oneof(
          { weight: 40, arbitrary: signalPayload.map((v) => JSON.stringify(v) ?? 'undefined') },
          { weight: 10, arbitrary: fc.string({ maxLength: 200 }) },
          { weight: 2, arbitrary: fc.constant('{"a":') },
          { weight: 1, arbitrary: fc.constant('x'.repeat(70_000)) },
          { weight: 1, arbitrary: fc.constant(JSON.stringify({ symbol: 'ü'.repeat(1 << 20) })) },
        ),
        { numRuns: Math.ceil(1500 * SCALE), seed: SEED + 2 },
      );
      await inBatches(bodies, 25, async (body) => {
        tally.restBodies++;
        const res = await fetch(`${server.url}/api/signals`, {
          method: 'POST',
          headers: { authorization: `Bearer ${server.botToken}`, 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(10_000),
        }).catch((e: unknown) => {
          problems.push(`REST body got no answer (${String(e)}): ${body.slice(0, 300)}`);
          return null;
        });
        if (!res) return;
        const json = (await res.json().catch(() => null)) as { ok?: boolean; error?: { code: string; message: string } } | null;
        let valid = false;
        try {
          valid = signalSchema.safeParse(JSON.parse(body)).success;
        } catch {
          /* not JSON */
        }
        if (res.status === 200 || res.status === 201) {
          tally.accepted++;
          if (!valid) problems.push(`REST accepted an invalid body: ${body.slice(0, 200)}`);
        } else if (res.status === 413) {
          if (Buffer.byteLength(body) <= 64 * 1024) problems.push(`413 for a ${Buffer.byteLength(body)}-byte body`);
          clearRejection('rest 413', json?.error);
        } else if (res.status === 400) clearRejection('rest 400', json?.error);
        else problems.push(`REST answered ${res.status}: ${JSON.stringify(json).slice(0, 200)}`);
        if (valid) tally.expectedValid++;
      });

      const t3 = Date.now();
      const queries = fc.sample(queryString, { numRuns: Math.ceil(1500 * SCALE), seed: SEED + 3 });
      await inBatches(queries, 25, async (q) => {
        tally.queries++;
        const path = tally.queries % 2 ? '/api/public/paper-trading/' : '/api/public/paper-trading/performance/';
        const res = await fetch(`${server.url}${path}?${q}`, { signal: AbortSignal.timeout(10_000) }).catch((e: unknown) => {
          problems.push(`query got no answer (${String(e)}): ${q.slice(0, 300)}`);
          return null;
        });
        if (!res) return;
        const json = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
        // A target past HTTP_MAX_URL_BYTES (8192 by default; a 2,000-character value percent-encoded
        // can pass it) is a 414 with the same clear error, and only then.
        const tooLong = Buffer.byteLength(`${path}?${q}`) > 8192;
        if (res.status === 400 || (res.status === 414 && tooLong)) clearRejection(`query ${q.slice(0, 80)}`, json?.error);
        else if (res.status !== 200) problems.push(`query answered ${res.status}: ${q.slice(0, 120)}`);
      });

      const timings = { signalsMs: t1 - t0, pricesMs: t2 - t1, bodiesMs: t3 - t2, queriesMs: Date.now() - t3 };
      // Every stored signal is one the schema accepted (and which we saw accepted): no row from invalid input.
      const k = openKnex(server.db.url);
      let stored: number;
      let trades: number;
      try {
        stored = (await k.raw('select count(*)::int as n from signals')).rows[0].n as number;
        trades = (await k.raw('select count(*)::int as n from paper_trades')).rows[0].n as number;
      } finally {
        await k.destroy();
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('direction');
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      const rssGrowthMb = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
      reportLine('hostile-input', {
        seed: SEED,
        ...tally,
        total: tally.signals + tally.prices + tally.restBodies + tally.queries,
        problems: problems.length,
        stored,
        ...timings,
        rssGrowthMb: Math.round(rssGrowthMb),
      });
      expect(problems.slice(0, 10)).toEqual([]);
      expect(stored).toBeLessThanOrEqual(tally.accepted);
      expect(trades).toBe(stored);
      expect(tally.signals + tally.prices + tally.restBodies + tally.queries).toBeGreaterThanOrEqual(10_000 * Math.min(1, SCALE));
      // RSS also holds this process's own generated payloads (megabyte strings) and a heap not yet
      // given back: reported, not asserted. The bound is on live memory, checked once they are gone.
      expect(uncaught).toEqual([]);
    },
    300_000 * Math.max(1, SCALE),
  );

  it('memory stays bounded: what the server still holds after the fuzzing is its stored trades, not the input', () => {
    const growth = liveMb() - liveBefore;
    reportLine('hostile-memory', { liveGrowthMb: Math.round(growth) });
    // What may remain: the accepted trades (book, caches; ~1 KB each) and fast-check's code-point
    // tables, built lazily in this process when some values are drawn (~60 MB, seen in heap snapshots).
    // Input retained at even 2 KB a payload would pass 100 MB at 50,000 payloads (soak).
    expect(growth).toBeLessThan(128);
  });

  it('oversize frames and absurd Socket.IO packets over a bare WebSocket: dropped, the server stays up', async () => {
    const wsUrl = `${server.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`;
    const open = async (): Promise<{ ws: WebSocket; closed: Promise<number>; frames: string[] }> => {
      const ws = new WebSocket(wsUrl);
      const frames: string[] = [];
      ws.on('message', (d) => frames.push(d.toString()));
      const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
      ws.on('error', () => {});
      await new Promise<void>((r, j) => (ws.once('open', () => r()), ws.once('error', j)));
      await new Promise((r) => setTimeout(r, 30)); // engine.io open packet
      return { ws, closed, frames };
    };
    const hostile: Array<string | Buffer> = [
      `451000000000-/bot,["signal",{"_placeholder":true,"num":0}]`, // absurd attachment count
      `4599-/bot,["signal",{"_placeholder":true,"num":0}]`,
      `45${'9'.repeat(400)}-["x"]`,
      `40/bot,${JSON.stringify({ token: server.botToken })}`,
      '42/bot,["signal",' + '['.repeat(5000) + ']'.repeat(5000) + ']',
      '42/bot,["__proto__",{"polluted":1}]',
      '42["constructor"]',
      '4',
      '9',
      '42[',
      '42/public,["resync"]',
      Buffer.alloc(1024, 0xff),
      '2probe',
      '6',
    ];
    let closedByServer = 0;
    for (const frame of hostile) {
      const c = await open();
      c.ws.send(frame);
      // Follow with binary frames an attachment-waiting parser would buffer.
      for (let i = 0; i < 20; i++) c.ws.send(Buffer.alloc(8 * 1024, i));
      tally.rawFrames += 21;
      const code = await Promise.race([c.closed, new Promise<number>((r) => setTimeout(() => r(-1), 300))]);
      if (code !== -1) closedByServer++;
      c.ws.terminate();
    }
    // Frames above maxHttpBufferSize (128 KiB) are refused by uWS (maxPayloadLength): close 1009 or 1006.
    for (const size of [129 * 1024, 1024 * 1024, 8 * 1024 * 1024]) {
      const c = await open();
      c.ws.send(`42/bot,["signal","${'x'.repeat(size)}"]`);
      tally.oversize++;
      const code = await Promise.race([c.closed, new Promise<number>((r) => setTimeout(() => r(-1), 5000))]);
      expect(code, `${size}-byte frame`).not.toBe(-1);
      c.ws.terminate();
    }
    // A Socket.IO client above the buffer limit is disconnected too, and the bot next to it is unaffected.
    const big = connectBot(server.url, server.botToken);
    await connected(big);
    const gone = new Promise<string>((r) => big.on('disconnect', (reason) => r(reason)));
    big.emit('signal', { external_id: 'x'.repeat(200 * 1024) });
    expect(await Promise.race([gone, new Promise((r) => setTimeout(() => r('still connected'), 5000))])).not.toBe('still connected');
    big.close();
    const ok = (await bot
      .timeout(5000)
      .emitWithAck('signal', { external_id: 'after-hostile', symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 110, sl: 90 })) as { ok: boolean };
    expect(ok.ok).toBe(true);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    reportLine('hostile-frames', {
      rawFrames: tally.rawFrames,
      hostileConnections: hostile.length,
      closedByServer,
      oversizeFrames: tally.oversize,
      uncaught: uncaught.length,
    });
    expect(uncaught).toEqual([]);
  }, 60_000);
});

// The public list on the real server over 130 seeded system trades with PUBLIC_LIST_MAX_OFFSET=40:
// offset pages stop at the cap with a 400 naming `page`, and `next` carries on by keyset cursor,
// visiting every row once in the SPEC ordering (NULLs last, then id), for every ordering. The
// cached count follows system trades and not users' trades.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TradeJson } from '../../shared/protocol-types.ts';
import { withAdmin } from '../../server/persistence/database.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connected, waitFor } from '../helpers/sockets.ts';
import { call, register, TEST_APP_OPTIONS } from '../users/user-client.ts';
import { seedSystemTrades } from '../../benchmarks/support/seed-system-trades.ts';

const TRADES = 130;
let server: TestServer;
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await seedSystemTrades(db.url, TRADES);
  // Ties: some trades share an exit_time and a P/L, so the id tiebreak matters.
  await withAdmin(db.url, (k) =>
    k.raw(`update paper_trades set exit_time = timestamptz '2026-03-01 12:00:00.123456+00' where id % 5 = 1 and exit_time is not null`),
  );
  server = await startTestServer({ PUBLIC_LIST_MAX_OFFSET: '40' }, { db, app: TEST_APP_OPTIONS });
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

const list = async (query: string) => {
  const res = await fetch(`${server.url}/api/public/paper-trading/${query}`);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON response bodies are read loosely here: their shape is what the assertions check
  return { status: res.status, cache: res.headers.get('x-cache'), body: (await res.json()) as any };
};

/** Follows `next` from the first page; returns the ids in order and the links followed. */
async function walk(query: string): Promise<{ ids: number[]; links: string[] }> {
  const ids: number[] = [];
  const links: string[] = [];
  let r = await list(query);
  for (let guard = 0; guard < 100; guard++) {
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.count).toBe(TRADES);
    ids.push(...r.body.results.map((t: TradeJson) => t.id));
    if (r.body.next === null) break;
    const u = new URL(r.body.next, server.url);
    links.push(u.search);
    r = await list(u.search);
  }
  return { ids, links };
}

async function expectedOrder(ordering: string): Promise<number[]> {
  const col = ordering.replace(/^-/, '');
  const dir = ordering.startsWith('-') ? 'desc' : 'asc';
  const rows = await withAdmin(db.url, (k) => k.raw(`select id from paper_trades where user_id is null order by ${col} ${dir} nulls last, id ${dir}`));
  return (rows.rows as { id: string }[]).map((r) => Number(r.id));
}

describe('public list pagination', { timeout: 120_000 }, () => {
  it('refuses offset pages past PUBLIC_LIST_MAX_OFFSET with a 400 naming page', async () => {
    expect((await list('?page_size=20&page=3')).status).toBe(200); // skips 40 rows: the limit
    const deep = await list('?page_size=20&page=4');
    expect(deep.status).toBe(400);
    expect(deep.body.error).toMatchObject({ code: 'VALIDATION_ERROR', field: 'page', message: expect.stringContaining('at most 3 at page_size 20') });
    expect((await list('?page=1000000')).status).toBe(400);
  });

  it.each(['-entry_time', 'entry_time', '-exit_time', 'exit_time', '-profit_loss', 'profit_loss'])(
    'follows next through offset pages, then cursors, visiting every row once (%s)',
    async (ordering) => {
      const { ids, links } = await walk(`?page_size=20&ordering=${ordering}`);
      expect(ids).toEqual(await expectedOrder(ordering));
      expect(links.slice(0, 2).every((l) => l.includes('page='))).toBe(true);
      expect(links.slice(2).length).toBeGreaterThan(0);
      expect(links.slice(2).every((l) => l.includes('cursor=') && !l.includes('page='))).toBe(true);
    },
  );

  it('cursor pages keep filters and say nothing of previous pages', async () => {
    const p3 = await list('?page_size=20&page=3&direction=LONG');
    const count = p3.body.count as number;
    expect(count).toBeGreaterThan(60);
    const next = new URL(p3.body.next, server.url).search;
    expect(next).toContain('direction=LONG');
    const p4 = await list(next);
    expect(p4.body.previous).toBeNull();
    expect(p4.body.results.every((t: TradeJson) => t.direction === 'LONG')).toBe(true);
  });

  it('rejects bad cursors with a 400 naming cursor (or page)', async () => {
    const p3 = await list('?page_size=20&page=3');
    const cursor = new URL(p3.body.next, server.url).searchParams.get('cursor')!;
    for (const [q, field] of [
      ['cursor=%%%', 'cursor'],
      ['cursor=bm90LWpzb24', 'cursor'],
      [`cursor=${Buffer.from(JSON.stringify(['-entry_time', '1; drop table ledger', 5])).toString('base64url')}`, 'cursor'],
      [`cursor=${cursor}&ordering=profit_loss`, 'cursor'],
      [`cursor=${cursor}&page=2`, 'page'],
    ] as const) {
      const r = await list(`?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.error, q).toMatchObject({ code: 'VALIDATION_ERROR', field });
    }
  });

  it('the count (cached per version) follows new system trades, not users’ trades', async () => {
    const first = await list('?timeframe=4h');
    const again = await list('?timeframe=4h&page=2');
    expect(again.body.count).toBe(first.body.count);
    expect(again.cache).toBe('hit'); // the count is not recomputed for the same filters and version
    const before = (await list('')).body.count as number;
    // Manual trades only on symbols the feed prices (docs/security.md): the bot feed prices S001USDT.
    const bot = connectBot(server.url, server.botToken);
    await connected(bot);
    expect(await bot.timeout(5000).emitWithAck('prices', { ticks: [{ symbol: 'S001USDT', price: 100, ts: Date.now() }] })).toMatchObject({ ok: true });
    bot.close();
    const { token } = await register(server.url, 'list_user');
    const manual = await call(server.url, 'POST', '/api/paper-trades', {
      token,
      body: { symbol: 'S001USDT', direction: 'LONG', entry_price: 100, take_profit: 110, stop_loss: 90 },
    });
    expect(manual.status).toBe(201);
    const afterUser = await list('');
    expect(afterUser.body.count).toBe(before);
    expect(afterUser.cache).toBe('hit');
    const res = await fetch(`${server.url}/api/signals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.botToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ external_id: 'list-new', symbol: 'S001USDT', direction: 'LONG', entry: 100, tp: 110, sl: 95 }),
    });
    expect(res.status).toBeLessThan(300);
    await waitFor(async () => (await list('')).body.count === before + 1, 10_000, 'the new system trade to be counted');
  });
});

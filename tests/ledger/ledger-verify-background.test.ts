// GET /api/public/ledger/verify costs a request nothing: the audit runs in the background (at
// start-up, after new events, at most every LEDGER_VERIFY_INTERVAL_MS) and every request gets its
// last result, stating when it was computed and through which seq. Real server, real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ LEDGER_VERIFY_INTERVAL_MS: '1000' });
});
afterAll(async () => {
  await server?.stop();
});

interface Report {
  ok: boolean;
  verified_through?: number;
  verified_through_seq: number;
  verified_at: string;
  duration_ms: number;
  trades?: number;
}

const verify = async (): Promise<Report> => (await (await fetch(`${server.url}/api/public/ledger/verify`)).json()) as Report;
const head = async (): Promise<number> => {
  let after = 0;
  for (;;) {
    const page = (await (await fetch(`${server.url}/api/public/ledger/?after=${after}&limit=1000`)).json()) as {
      next_after: number | null;
      results: { seq: number }[];
    };
    after = page.results.at(-1)?.seq ?? after;
    if (page.next_after === null) return after;
  }
};
const signal = (id: string) =>
  fetch(`${server.url}/api/signals`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.botToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ external_id: id, symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 110, sl: 95 }),
  });

async function verifiedThrough(seq: number): Promise<Report> {
  for (const until = Date.now() + 10_000; ;) {
    const r = await verify();
    if (r.verified_through_seq >= seq || Date.now() > until) return r;
    await new Promise((res) => setTimeout(res, 50));
  }
}

describe('background ledger verification', { timeout: 60_000 }, () => {
  it('states when the result was computed and through which seq, keeping the old fields', async () => {
    const r = await verify();
    expect(r).toMatchObject({ ok: true, verified_through: 0, verified_through_seq: 0, events: 0, trades: 0, head_hash: '0'.repeat(64) });
    expect(Date.parse(r.verified_at)).toBeGreaterThan(Date.now() - 60_000);
    expect(r.duration_ms).toBeGreaterThanOrEqual(0);
  });

  it('re-verifies after new events without any request waiting for it', async () => {
    for (const id of ['bg-1', 'bg-2', 'bg-3']) expect((await signal(id)).status).toBeLessThan(300);
    const seq = await head();
    expect(seq).toBe(6);
    const r = await verifiedThrough(seq);
    expect(r).toMatchObject({ ok: true, verified_through: seq, verified_through_seq: seq, trades: 3 });
  });

  it('answers concurrent requests from one stored result', async () => {
    const before = await verify();
    const all = await Promise.all(Array.from({ length: 20 }, verify));
    expect(typeof before.verified_at).toBe('string');
    // Nothing new was written: every answer is the same run (same time, same seq) as before.
    for (const r of all) expect(r).toEqual(before);
  });
});

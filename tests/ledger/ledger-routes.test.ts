// GET /api/public/ledger/ pages the chain; GET /api/public/ledger/verify serves the last background audit, on the real server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ LEDGER_VERIFY_INTERVAL_MS: '100' });
});
afterAll(async () => {
  await server?.stop();
});

const get = async (p: string) => {
  const res = await fetch(`${server.url}${p}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('public ledger routes', { timeout: 60_000 }, () => {
  it('records each signal and its trade, pages by seq and verifies', async () => {
    for (const id of ['l-1', 'l-2', 'l-1']) {
      const res = await fetch(`${server.url}/api/signals`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.botToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ external_id: id, symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 110, sl: 95 }),
      });
      expect(res.status).toBeLessThan(300);
    }
    // The resend of l-1 records nothing.
    const first = await get('/api/public/ledger/?limit=3');
    expect(first.status).toBe(200);
    const results = first.body.results as { seq: number; kind: string }[];
    expect(results.map((r) => r.kind)).toEqual(['signal_received', 'trade_opened', 'signal_received']);
    expect(first.body.next_after).toBe(results[2]!.seq);
    const rest = await get(`/api/public/ledger/?after=${results[2]!.seq}`);
    expect((rest.body.results as { kind: string }[]).map((r) => r.kind)).toEqual(['trade_opened']);
    expect(rest.body.next_after).toBeNull();

    // Verification runs in the background after new events: poll until it has reached the head.
    const head = (rest.body.results as { seq: number }[])[0]!.seq;
    let v = await get('/api/public/ledger/verify');
    for (const until = Date.now() + 10_000; (v.body.verified_through_seq as number) < head && Date.now() < until;) {
      await new Promise((r) => setTimeout(r, 50));
      v = await get('/api/public/ledger/verify');
    }
    expect(v.body).toMatchObject({
      ok: true,
      verified_through: head,
      verified_through_seq: head,
      head_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      trades: 2,
    });
  });

  it('rejects a bad page request', async () => {
    expect((await get('/api/public/ledger/?limit=0')).status).toBe(400);
    expect((await get('/api/public/ledger/?after=x')).status).toBe(400);
  });
});

// End to end: a real server (its own key, a checkpoint every second), signals from a bot, the
// witness as a child process (`npm run cli -- witness URL --state FILE`); then one ledger row's
// event edited in the database and the chain re-hashed after it, as an operator with write access
// could: the witness's next run exits 1 naming that row's seq; offline against the server's
// `ledger:export`, the same before and after.
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import knex from 'knex';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckpointPageJson } from '../../shared/ledger-checkpoint.ts';
import { ledgerHash } from '../../server/ledger/ledger-chain.ts';
import { runCli } from '../cli/run-cli.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connected, waitFor } from '../helpers/sockets.ts';

let dir: string;
let server: TestServer;
let bot: Socket;
let sql: ReturnType<typeof knex>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'witness-e2e-'));
  server = await startTestServer({ LEDGER_KEY_FILE: path.join(dir, 'ledger-key.pem'), CHECKPOINT_INTERVAL_S: '1' });
  bot = connectBot(server.url, server.botToken);
  await connected(bot);
  sql = knex({ client: 'pg', connection: server.db.url, pool: { min: 0, max: 1 } });
});
afterAll(async () => {
  bot?.close();
  await sql?.destroy();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

interface Row {
  seq: number;
  kind: string;
  trade_id: number;
  event: { [key: string]: never };
  at: Date;
  prev_hash: string;
}

/** Edits row `seq`'s event and re-hashes the chain from it: every row still links and verifies. */
async function rewriteFrom(seq: number): Promise<void> {
  await sql.raw(`update ledger set event = jsonb_set(event, '{signal,entry}', '101') where seq = ?`, [seq]);
  const rows = (await sql.raw(`select seq::int as seq, kind, trade_id::int as trade_id, event, at, prev_hash from ledger where seq >= ? order by seq`, [seq]))
    .rows as Row[];
  let prev = rows[0]!.prev_hash;
  for (const r of rows) {
    const hash = ledgerHash(prev, r.kind, r.trade_id, r.event, r.at.toISOString());
    await sql.raw(`update ledger set prev_hash = ?, hash = ? where seq = ?`, [prev, hash, r.seq]);
    prev = hash;
  }
}

describe('witness against a real server', () => {
  it('accepts the chain while it grows and names the seq of a row rewritten in the database', async () => {
    const state = path.join(dir, 'state.json');
    const signal = (id: string) =>
      bot.timeout(5000).emitWithAck('signal', { external_id: id, symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 110, sl: 90 });
    for (let i = 0; i < 4; i++) expect((await signal(`w-${i}`)).ok).toBe(true);
    const headSeq = async () => Number((await sql.raw(`select max(seq) as s from ledger`)).rows[0].s);
    const signedUpTo = async (seq: number) =>
      ((await (await fetch(`${server.url}/api/public/ledger/checkpoints/?limit=1000`)).json()) as CheckpointPageJson).results.some((c) => c.seq === seq);
    const h1 = await headSeq();
    await waitFor(() => signedUpTo(h1), 5_000, 'a checkpoint of the head');

    const first = await runCli(['witness', server.url, '--state', state], {});
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`${h1} rows checked, ${h1} new, head seq ${h1}`);

    for (let i = 4; i < 6; i++) expect((await signal(`w-${i}`)).ok).toBe(true);
    const h2 = await headSeq();
    expect(h2).toBeGreaterThanOrEqual(10);
    // h2 ≥ 10: a head the checkpointer once missed (it ordered seqs as text).
    await waitFor(() => signedUpTo(h2), 5_000, 'a checkpoint of the new head');
    const second = await runCli(['witness', `${server.url}/`, '--state', state], {});
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`${h2 - h1 + 1} rows checked, ${h2 - h1} new, head seq ${h2}`);

    // Offline, against the server's own export, from a copy of that state.
    const offlineState = path.join(dir, 'offline.json');
    await copyFile(state, offlineState);
    const exported = path.join(dir, 'ledger.jsonl');
    expect((await runCli(['ledger:export', '--out', exported], { DATABASE_URL: server.db.url })).code).toBe(0);
    const offline = await runCli(['witness', '--ledger-file', exported, '--state', offlineState], {});
    expect(offline.code).toBe(0);
    expect(offline.stdout).toContain(`1 rows checked, 0 new, head seq ${h2}`);

    await rewriteFrom(3); // the second signal's signal_received
    const third = await runCli(['witness', server.url, '--state', state], {});
    expect(third.code).toBe(1);
    expect(third.stdout).toContain('first differing seq 3');
    expect(third.stderr.split('\n')[0]).toMatch(/^rewritten at seq 3: /);

    expect((await runCli(['ledger:export', '--out', exported], { DATABASE_URL: server.db.url })).code).toBe(0);
    const offlineAfter = await runCli(['witness', '--ledger-file', exported, '--state', offlineState], {});
    expect(offlineAfter.code).toBe(1);
    expect(offlineAfter.stderr.split('\n')[0]).toMatch(/^rewritten at seq 3: /);
  });
});

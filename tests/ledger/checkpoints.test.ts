// Signed checkpoints (SPEC §15, issue 22 item 1): a real server with its key in a file of its own
// (LEDGER_KEY_FILE), made at first start with mode 0600; the public key and the checkpoints served;
// every signature verified here with node:crypto from the served key alone; a checkpoint every
// CHECKPOINT_INTERVAL_S once the head moved, none for an unchanged head, one at shutdown covering
// the last write; a restart keeps the key; the private key is never served or logged.
import { createPublicKey, verify } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import knex from 'knex';
import type { Socket } from 'socket.io-client';
import { checkpointMessage, type CheckpointJson, type CheckpointPageJson, type LedgerKeyJson } from '../../shared/ledger-checkpoint.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectBot, connected, waitFor } from '../helpers/sockets.ts';

let dir: string;
let db: TestDatabase;
let server: TestServer | null = null;
let bot: Socket | null = null;
let sql: ReturnType<typeof knex>;
const keyFile = () => path.join(dir, 'keys', 'ledger-key.pem');

const start = async () => {
  server = await startTestServer({ LEDGER_KEY_FILE: keyFile(), CHECKPOINT_INTERVAL_S: '1' }, { db, keepDatabase: true });
  bot = connectBot(server.url, server.botToken);
  await connected(bot);
};
const stop = async () => {
  bot?.close();
  await server?.stop();
};
const get = async <T>(p: string): Promise<T> => (await (await fetch(`${server!.url}${p}`)).json()) as T;
const signal = (id: string) => bot!.timeout(5000).emitWithAck('signal', { external_id: id, symbol: 'BTCUSDT', direction: 'LONG', entry: 100, tp: 110, sl: 90 });
const head = async () => {
  const r = (await sql.raw(`select seq::int as seq, hash from ledger order by seq desc limit 1`)).rows[0];
  return r as { seq: number; hash: string };
};

function verifies(key: LedgerKeyJson, c: CheckpointJson): boolean {
  const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(key.public_key, 'base64').toString('base64url') }, format: 'jwk' });
  return verify(null, Buffer.from(checkpointMessage(c.seq, c.head_hash, c.at)), publicKey, Buffer.from(c.signature, 'base64'));
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'paperbook-checkpoints-'));
  db = await createTestDatabase();
  sql = knex({ client: 'pg', connection: db.url, pool: { min: 0, max: 2 } });
  await start();
});
afterAll(async () => {
  await stop();
  await sql?.destroy();
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('signed ledger checkpoints', () => {
  it('makes the key at first start (0600), serves only its public half, signs the head every interval and at shutdown', async () => {
    expect((await stat(keyFile())).mode & 0o777).toBe(0o600);
    const pem = await readFile(keyFile(), 'utf8');
    expect(pem).toContain('BEGIN PRIVATE KEY');
    const key = await get<LedgerKeyJson>('/api/public/ledger/key');
    expect(key.algorithm).toBe('Ed25519');
    expect(Buffer.from(key.public_key, 'base64')).toHaveLength(32);
    expect(key.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    // The empty ledger's head was signed at start.
    const first = await get<CheckpointPageJson & { latest: CheckpointJson }>('/api/public/ledger/checkpoints/');
    expect(first.results.map((c) => c.seq)).toEqual([0]);
    expect(first.results[0]!.head_hash).toBe('0'.repeat(64));

    // Past seq 10: a head read that sorted seq as text would stick at 9 (it once did).
    for (let i = 0; i < 6; i++) expect((await signal(`cp-${i}`)).ok).toBe(true);
    const h1 = await head();
    expect(h1.seq).toBe(12);
    await waitFor(
      async () => (await get<CheckpointPageJson>('/api/public/ledger/checkpoints/')).results.some((c) => c.seq === h1.seq),
      5_000,
      'a checkpoint of the new head',
    );
    // An unchanged head is not signed again.
    await new Promise((r) => setTimeout(r, 2_200));
    const page = await get<CheckpointPageJson & { latest: CheckpointJson }>('/api/public/ledger/checkpoints/');
    expect(page.results.map((c) => c.seq)).toEqual([0, h1.seq]);
    expect(page.latest).toEqual(page.results.at(-1));
    expect(page.results.at(-1)!.head_hash).toBe(h1.hash);
    for (const c of page.results) {
      expect(c.key_fingerprint).toBe(key.fingerprint);
      expect(verifies(key, c), `checkpoint ${c.seq}`).toBe(true);
      expect(verifies(key, { ...c, head_hash: c.head_hash.replace(/^./, (ch) => (ch === 'a' ? 'b' : 'a')) }), 'a changed hash fails').toBe(false);
    }
    // Paging: after the first, one per page.
    const p2 = await get<CheckpointPageJson>('/api/public/ledger/checkpoints/?after=0&limit=1');
    expect(p2.results.map((c) => c.seq)).toEqual([h1.seq]);
    expect((await fetch(`${server!.url}/api/public/ledger/checkpoints/?limit=0`)).status).toBe(400);
    // Nothing private in what is served.
    const pemBody = pem.replace(/-----[^-]+-----/g, '').replace(/\s/g, '');
    for (const body of [JSON.stringify(key), JSON.stringify(page)]) expect(body).not.toContain(pemBody.slice(0, 24));

    // A write just before shutdown is covered by the shutdown checkpoint.
    expect((await signal('cp-last')).ok).toBe(true);
    const h2 = await head();
    await stop();
    const last = (await sql.raw(`select seq::int as seq, head_hash from ledger_checkpoints order by seq desc limit 1`)).rows[0];
    expect(last).toEqual({ seq: h2.seq, head_hash: h2.hash });
  }, 30_000);

  it('keeps its key across a restart', async () => {
    const before = (await sql.raw(`select fingerprint from ledger_keys`)).rows.map((r: { fingerprint: string }) => r.fingerprint);
    await start();
    const key = await get<LedgerKeyJson>('/api/public/ledger/key');
    expect(before).toEqual([key.fingerprint]);
  });
});

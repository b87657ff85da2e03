// A ledger server for witness tests (node:http): serves a generated chain and checkpoints signed
// with a key of its own, as the public routes do (server/transport/http/ledger-routes.ts and
// shared/ledger-checkpoint.ts), and logs every request so a test can assert what was fetched.
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { Json } from '../../shared/canonical-json.ts';
import { checkpointMessage, type CheckpointJson, type LedgerKeyJson } from '../../shared/ledger-checkpoint.ts';
import { GENESIS_HASH, ledgerHash, type LedgerRecord } from '../../server/ledger/ledger-chain.ts';

export interface Signer {
  key: LedgerKeyJson;
  checkpoint(seq: number, headHash: string, at?: string): CheckpointJson;
}

export function makeSigner(): Signer {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const fingerprint = createHash('sha256').update(raw).digest('hex');
  return {
    key: { algorithm: 'Ed25519', public_key: raw.toString('base64'), fingerprint, created_at: '2026-12-01T00:00:00.000Z' },
    checkpoint: (seq, headHash, at = new Date(Date.UTC(2026, 11, 1) + seq * 1000).toISOString()) => signed(privateKey, fingerprint, seq, headHash, at),
  };
}

function signed(privateKey: KeyObject, fingerprint: string, seq: number, headHash: string, at: string): CheckpointJson {
  const signature = sign(null, Buffer.from(checkpointMessage(seq, headHash, at)), privateKey).toString('base64');
  return { seq, head_hash: headHash, at, signature, key_fingerprint: fingerprint };
}

/** `n` rows of signals and opens for trades 1, 2, … (seq 1…n), chained from genesis. */
export function makeChain(n: number, from: LedgerRecord[] = []): LedgerRecord[] {
  const rows = from.slice();
  for (let seq = rows.length + 1; seq <= n; seq++) {
    const tradeId = Math.ceil(seq / 2);
    const at = new Date(Date.UTC(2026, 11, 1) + seq * 1000).toISOString();
    const event: { [key: string]: Json } =
      seq % 2 === 1
        ? { signal_id: tradeId, signal: { symbol: 'BTCUSDT', direction: 'LONG', entry: 100 + (seq % 7), tp: 120, sl: 80, source: 'bot' } }
        : { signal_id: tradeId, symbol: 'BTCUSDT', direction: 'LONG', entry_price: 100 + (seq % 7), quantity: 0.5, status: 'OPEN', fee_rate: 0.001 };
    const kind = seq % 2 === 1 ? 'signal_received' : 'trade_opened';
    const prev = rows.length === 0 ? GENESIS_HASH : rows[rows.length - 1]!.hash;
    rows.push({ seq, kind, trade_id: tradeId, event, at, prev_hash: prev, hash: ledgerHash(prev, kind, tradeId, event, at) });
  }
  return rows;
}

/** The chain with rows from `seq` on re-hashed (after an edit there): a consistent rewrite. */
export function rehashFrom(rows: LedgerRecord[], seq: number): LedgerRecord[] {
  const out = rows.slice(0, seq - 1);
  for (const r of rows.slice(seq - 1)) {
    const prev = out.length === 0 ? GENESIS_HASH : out[out.length - 1]!.hash;
    out.push({ ...r, prev_hash: prev, hash: ledgerHash(prev, r.kind, r.trade_id, r.event, r.at) });
  }
  return out;
}

/** A checkpoint every `every` rows (and one at seq 0), signed by `signer`. */
export function checkpointsOf(rows: LedgerRecord[], signer: Signer, every: number, atOffsetMs = 0): CheckpointJson[] {
  const out = [signer.checkpoint(0, GENESIS_HASH, new Date(Date.UTC(2026, 11, 1) + atOffsetMs).toISOString())];
  for (let seq = every; seq <= rows.length; seq += every)
    out.push(signer.checkpoint(seq, rows[seq - 1]!.hash, new Date(Date.UTC(2026, 11, 1) + seq * 1000 + atOffsetMs).toISOString()));
  return out;
}

export interface FakeLedgerServer {
  url: string;
  rows: LedgerRecord[];
  checkpoints: CheckpointJson[];
  key: LedgerKeyJson;
  /** Paths with queries of every request, in order. */
  requests: string[];
  close(): Promise<void>;
}

export async function startFakeLedgerServer(init: { rows: LedgerRecord[]; checkpoints: CheckpointJson[]; key: LedgerKeyJson }): Promise<FakeLedgerServer> {
  const state: Omit<FakeLedgerServer, 'url' | 'close'> = { ...init, requests: [] };
  const server = http.createServer((req, res) => {
    state.requests.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://x');
    const after = Number(url.searchParams.get('after') ?? 0);
    const limit = Math.min(1000, Number(url.searchParams.get('limit') ?? 100));
    const page = <T extends { seq: number }>(all: T[]): { next_after: number | null; results: T[] } => {
      const results = all.filter((x) => x.seq > after || (!url.searchParams.has('after') && x.seq >= after)).slice(0, limit);
      return { next_after: results.length === limit ? results[results.length - 1]!.seq : null, results };
    };
    let body: unknown;
    if (url.pathname === '/api/public/ledger/') body = page(state.rows);
    else if (url.pathname === '/api/public/ledger/checkpoints/') body = page(state.checkpoints);
    else if (url.pathname === '/api/public/ledger/key') body = state.key;
    else return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  const port = await new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as { port: number }).port)));
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  });
}

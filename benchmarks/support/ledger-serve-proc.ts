// A generated ledger served over HTTP from its own process (P11, the witness bench): the public
// ledger routes' shapes (tests/witness/fake-ledger-server.ts makes the chain and signs a checkpoint
// every 1,000 rows). Each response body is cached by URL, so once a run has primed them the
// server's cost is a cached write: what the bench times is the witness's.
import http from 'node:http';
import type { CheckpointJson } from '../../shared/ledger-checkpoint.ts';
import type { LedgerRecord } from '../../server/ledger/ledger-chain.ts';
import { checkpointsOf, makeChain, makeSigner } from '../../tests/witness/fake-ledger-server.ts';
import { serveCommands } from './child.ts';

const signer = makeSigner();
let rows: LedgerRecord[] = [];
let checkpoints: CheckpointJson[] = [];
const bodies = new Map<string, string>();

function body(url: URL): string | null {
  const after = Number(url.searchParams.get('after') ?? -1);
  const limit = Math.min(1000, Number(url.searchParams.get('limit') ?? 100));
  const page = <T extends { seq: number }>(all: T[]): string => {
    const results = all.filter((x) => x.seq > after).slice(0, limit);
    return JSON.stringify({ next_after: results.length === limit ? results[results.length - 1]!.seq : null, results });
  };
  // Rows are seq 1…n in order: slice rather than filter 100,000 rows per page.
  if (url.pathname === '/api/public/ledger/') return page(rows.slice(Math.max(0, after), Math.max(0, after) + limit));
  if (url.pathname === '/api/public/ledger/checkpoints/') return page(checkpoints);
  if (url.pathname === '/api/public/ledger/key') return JSON.stringify(signer.key);
  return null;
}

const server = http.createServer((req, res) => {
  const key = req.url ?? '/';
  let text = bodies.get(key);
  if (text === undefined) {
    const made = body(new URL(key, 'http://x'));
    if (made === null) return res.writeHead(404).end();
    bodies.set(key, (text = made));
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end(text);
});

serveCommands({
  grow(m) {
    rows = makeChain(m.rows as number, rows);
    checkpoints = checkpointsOf(rows, signer, 1000);
    bodies.clear();
    return { rows: rows.length, checkpoints: checkpoints.length };
  },
});

server.listen(0, '127.0.0.1', () => process.send?.({ type: 'ready', port: (server.address() as { port: number }).port }));

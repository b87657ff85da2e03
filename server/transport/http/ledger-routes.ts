// Public ledger (docs/ledger.md): pages of the hash-chained event record and the last full verification.
import { parseWith } from '../../../shared/validation.ts';
import { UnavailableError, ValidationError } from '../../errors.ts';
import type { LedgerRecord } from '../../ledger/ledger-chain.ts';
import type { VerifyReport } from '../../ledger/verify-schedule.ts';
import { botQuerySchema, checkpointPageQuerySchema, ledgerPageQuerySchema, queryObject } from '../../queries/list-query.ts';
import type { CheckpointJson, LedgerKeyJson } from '../../../shared/ledger-checkpoint.ts';
import type { HttpRouter } from './http-router.ts';

export interface LedgerReads {
  page(after: number, limit: number, bot?: string): Promise<LedgerRecord[]>;
  botShare(bot: string): Promise<{ rows: number; trades: number; last_seq: number | null }>;
  /** The last background verification (server/ledger/verify-schedule.ts); null if none could run yet. */
  verified(): Promise<VerifyReport | null>;
  /** SPEC §15: the signing key in use, and the signed checkpoints. */
  key(): Promise<LedgerKeyJson | null>;
  checkpoints(after: number, limit: number): Promise<CheckpointJson[]>;
  latestCheckpoint(): Promise<CheckpointJson | null>;
}

export function registerLedgerRoutes(router: HttpRouter, reads: LedgerReads): void {
  router.get('/api/public/ledger/', async (ex) => {
    const r = parseWith(ledgerPageQuerySchema, queryObject(ex.query));
    if (!r.ok) throw new ValidationError(r.error);
    const results = await reads.page(r.value.after, r.value.limit, r.value.bot);
    const nextAfter = results.length === r.value.limit ? results[results.length - 1]!.seq : null;
    ex.header('access-control-allow-origin', '*').header('cache-control', 'public, max-age=1').json(200, { next_after: nextAfter, results });
  });

  router.get('/api/public/ledger/key', async (ex) => {
    const key = await reads.key();
    if (!key) throw new UnavailableError('no checkpoint key recorded yet; retry');
    ex.header('access-control-allow-origin', '*').header('cache-control', 'public, max-age=60').json(200, key);
  });

  router.get('/api/public/ledger/checkpoints/', async (ex) => {
    const r = parseWith(checkpointPageQuerySchema, queryObject(ex.query));
    if (!r.ok) throw new ValidationError(r.error);
    const [results, latest] = await Promise.all([reads.checkpoints(r.value.after, r.value.limit), reads.latestCheckpoint()]);
    const nextAfter = results.length === r.value.limit ? results[results.length - 1]!.seq : null;
    ex.header('access-control-allow-origin', '*').header('cache-control', 'public, max-age=1').json(200, { next_after: nextAfter, latest, results });
  });

  // A verification reads the whole ledger: it runs in the background and requests get its last result.
  // With `bot`: the chain is one, so its verification is the whole chain's, plus how much of it is
  // that bot's (its rows are checked with every other row; they cannot be checked apart).
  router.get('/api/public/ledger/verify', async (ex) => {
    const q = parseWith(botQuerySchema, queryObject(ex.query));
    if (!q.ok) throw new ValidationError(q.error);
    const report = await reads.verified();
    if (!report) throw new UnavailableError('ledger verification has not completed yet; retry');
    const body = q.value.bot === undefined ? report : { ...report, bot: { name: q.value.bot, ...(await reads.botShare(q.value.bot)) } };
    ex.header('access-control-allow-origin', '*').header('cache-control', 'no-store').json(200, body);
  });
}

// Public ledger (docs/ledger.md): pages of the hash-chained event record and a full verification.
import { z } from 'zod';
import { parseWith } from '../../../shared/validation.ts';
import { ValidationError } from '../../errors.ts';
import type { LedgerRecord } from '../../ledger/ledger-chain.ts';
import type { VerifyResult } from '../../ledger/ledger-verifier.ts';
import { queryObject } from '../../queries/list-query.ts';
import type { HttpRouter } from './http-router.ts';

export interface LedgerReads {
  page(after: number, limit: number): Promise<LedgerRecord[]>;
  verify(): Promise<VerifyResult>;
}

const pageSchema = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** A verification reads the whole ledger: concurrent requests share one run, and a result is reused for a few seconds. */
const VERIFY_REUSE_MS = 5_000;

export function registerLedgerRoutes(router: HttpRouter, reads: LedgerReads): void {
  let running: Promise<VerifyResult> | null = null;
  let last: { at: number; result: VerifyResult } | null = null;

  router.get('/api/public/ledger/', async (ex) => {
    const r = parseWith(pageSchema, queryObject(ex.query));
    if (!r.ok) throw new ValidationError(r.error);
    const results = await reads.page(r.value.after, r.value.limit);
    const nextAfter = results.length === r.value.limit ? results[results.length - 1]!.seq : null;
    ex.header('access-control-allow-origin', '*').header('cache-control', 'public, max-age=1').json(200, { next_after: nextAfter, results });
  });

  router.get('/api/public/ledger/verify', async (ex) => {
    if (!last || Date.now() - last.at > VERIFY_REUSE_MS) {
      running ??= reads.verify().finally(() => (running = null));
      const result = await running;
      last = { at: Date.now(), result };
    }
    ex.header('access-control-allow-origin', '*').header('cache-control', 'no-store').json(200, last.result);
  });
}

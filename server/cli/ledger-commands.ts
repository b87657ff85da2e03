// ledger:export and ledger:verify (docs/ledger.md). An export is JSONL, one ledger row per line,
// and verifies offline: the hash chain and every close's P/L recomputed from the recorded events.
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { SqlRunner } from '../persistence/sql-runner.ts';
import { forEachLedgerRecord, verifyLedger } from '../persistence/ledger-reads.ts';
import { ExportLineError, ledgerExportRecords } from '../ledger/ledger-export-file.ts';
import { LedgerVerifier, type VerifyResult } from '../ledger/ledger-verifier.ts';
import type { Flags } from './cli-args.ts';
import type { CommandContext } from './command-context.ts';

export async function ledgerExport(ctx: CommandContext, flags: Flags): Promise<void> {
  const out = flags.optional('out');
  flags.done();
  await ctx.withDatabase(async (orm) => {
    const db = new SqlRunner(orm);
    const tmp = out === undefined ? undefined : `${out}.partial-${process.pid}`;
    const stream: Writable = tmp === undefined ? process.stdout : createWriteStream(tmp);
    let n = 0;
    try {
      let buf: string[] = [];
      const pending: Promise<void>[] = [];
      await forEachLedgerRecord(db, (r) => {
        buf.push(JSON.stringify(r));
        n++;
        if (buf.length >= 1000) {
          pending.push(write(stream, buf.join('\n') + '\n'));
          buf = [];
        }
      });
      if (buf.length > 0) pending.push(write(stream, buf.join('\n') + '\n'));
      await Promise.all(pending);
      if (tmp !== undefined) {
        await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
        await rename(tmp, out!);
        ctx.err(`Exported ${n} ledger row${n === 1 ? '' : 's'} to ${out}.`);
      }
    } catch (err) {
      if (tmp !== undefined) {
        stream.destroy();
        await rm(tmp, { force: true });
      }
      throw err;
    }
  });
}

/** With --file: the export offline. Without: the database's ledger against its signal and trade rows. */
export async function ledgerVerify(ctx: CommandContext, flags: Flags): Promise<void> {
  const file = flags.optional('file');
  flags.done();
  const started = performance.now();
  const result = file === undefined ? await ctx.withDatabase((orm) => verifyLedger(new SqlRunner(orm))) : await verifyFile(file);
  ctx.out(JSON.stringify(result));
  ctx.err(`${result.ok ? 'Ledger verified' : 'Ledger INCONSISTENT'} in ${Math.round(performance.now() - started)} ms.`);
  if (!result.ok) process.exitCode = 1;
}

export async function verifyFile(file: string): Promise<VerifyResult> {
  const v = new LedgerVerifier();
  try {
    for await (const rec of ledgerExportRecords(file)) if (!v.push(rec)) break;
  } catch (err) {
    if (err instanceof ExportLineError) return { ok: false, seq: null, reason: err.message };
    throw err;
  }
  return v.result();
}

function write(stream: Writable, chunk: string): Promise<void> {
  return new Promise((resolve, reject) => stream.write(chunk, (err) => (err ? reject(err) : resolve())));
}

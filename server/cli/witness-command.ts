// `witness URL --state FILE [--watch SECONDS] [--fingerprint HEX]` and `witness --ledger-file EXPORT.jsonl --state FILE
// [--checkpoints FILE]` (SPEC §15, docs/witness.md): a third party's check that the ledger only grows.
// Needs no database. One summary line on stdout; each problem on stderr; exit 1 when one is found.
import { setTimeout as sleep } from 'node:timers/promises';
import { ExportLedgerSource } from '../witness/export-source.ts';
import { HttpLedgerSource } from '../witness/http-source.ts';
import type { LedgerSource } from '../witness/ledger-source.ts';
import { problemLine, summaryLine } from '../witness/witness-report.ts';
import { runWitness } from '../witness/witness-run.ts';
import { loadState, saveState } from '../witness/witness-state.ts';
import { UsageError, type Flags } from './cli-args.ts';
import type { CommandContext } from './command-context.ts';

const SHOWN_PROBLEMS = 20;

export async function witness(ctx: CommandContext, flags: Flags): Promise<void> {
  const ledgerFile = flags.optional('ledger-file');
  const stateFile = flags.required('state');
  const checkpointsFile = flags.optional('checkpoints');
  const watchText = flags.optional('watch');
  const fingerprint = flags.optional('fingerprint')?.toLowerCase();
  if (fingerprint !== undefined && !/^[0-9a-f]{64}$/.test(fingerprint)) throw new UsageError("--fingerprint must be the key's sha256, 64 hex digits");
  let source: LedgerSource;
  if (ledgerFile === undefined) {
    if (checkpointsFile !== undefined) throw new UsageError('witness: --checkpoints goes with --ledger-file (a server serves its own)');
    try {
      source = new HttpLedgerSource(flags.argument('the server URL (or --ledger-file EXPORT.jsonl)'));
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new UsageError(`witness: ${(err as Error).message}`);
    }
  } else {
    if (watchText !== undefined) throw new UsageError('witness: --watch needs a server URL, not an export');
    source = new ExportLedgerSource(ledgerFile, checkpointsFile);
  }
  const watchS = watchText === undefined ? undefined : Number(watchText);
  if (watchS !== undefined && !(Number.isFinite(watchS) && watchS > 0)) throw new UsageError(`--watch must be a number of seconds > 0, got "${watchText}"`);
  flags.done();

  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  if (watchS !== undefined) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  try {
    let prior = await loadState(stateFile);
    while (!stop.signal.aborted) {
      let outcome;
      try {
        outcome = await runWitness(source, prior, { fingerprint });
      } catch (err) {
        // A server that cannot be read is no proof of anything: a single run fails, a watch retries.
        if (watchS === undefined) throw err;
        ctx.err(`witness: could not read ${source.name}: ${(err as Error).message}; retrying in ${watchS} s`);
        await pause(watchS, stop.signal);
        continue;
      }
      const bytes = outcome.state ? await saveState(stateFile, outcome.state) : null;
      ctx.out(summaryLine(outcome.report) + (bytes === null ? '; state kept as it was' : `; state ${bytes} bytes`));
      const shown = outcome.report.problems.slice(0, SHOWN_PROBLEMS);
      for (const p of shown) ctx.err(problemLine(p));
      if (outcome.report.problems.length > shown.length) ctx.err(`… and ${outcome.report.problems.length - shown.length} more problems`);
      if (!outcome.report.ok) {
        process.exitCode = 1;
        return;
      }
      if (watchS === undefined) return;
      prior = outcome.state;
      await pause(watchS, stop.signal);
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function pause(seconds: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(seconds * 1000, undefined, { signal });
  } catch (err) {
    if (!signal.aborted) throw err;
    // Interrupted by SIGINT/SIGTERM: the loop ends.
  }
}

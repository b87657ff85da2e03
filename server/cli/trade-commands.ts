// trades:export and trades:import: the CLI side (files, messages); the database side is trade-transfer.ts.
import { createWriteStream } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { Flags } from './cli-args.ts';
import type { CommandContext } from './command-context.ts';
import { ImportRejected, exportTrades, formatRowError, importTrades, parseTradeCsv } from './trade-transfer.ts';

const MAX_ERRORS_SHOWN = 50;

export async function tradesExport(ctx: CommandContext, flags: Flags): Promise<void> {
  const out = flags.optional('out');
  const scope = flags.oneOf('scope', ['system', 'all'] as const, 'system');
  flags.done();
  await ctx.withDatabase(async (orm) => {
    if (out === undefined) {
      await exportTrades(orm, scope, (chunk) => writeChunk(process.stdout, chunk));
      return;
    }
    // Written beside the target and renamed at the end: a failed export leaves no half file.
    const tmp = `${out}.partial-${process.pid}`;
    const file = createWriteStream(tmp);
    try {
      const n = await exportTrades(orm, scope, (chunk) => writeChunk(file, chunk));
      await new Promise<void>((resolve, reject) => file.end((err?: Error | null) => (err ? reject(err) : resolve())));
      await rename(tmp, out);
      ctx.err(`Exported ${n} ${scope === 'system' ? 'system ' : ''}trade${n === 1 ? '' : 's'} to ${out}.`);
    } catch (err) {
      file.destroy();
      await rm(tmp, { force: true });
      throw err;
    }
  });
}

export async function tradesImport(ctx: CommandContext, flags: Flags): Promise<void> {
  const file = flags.required('in');
  flags.done();
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
  }
  try {
    // The whole file is validated before the database is even opened.
    const { rows, ignoredColumns } = parseTradeCsv(text);
    if (ignoredColumns.length > 0) ctx.err(`Ignoring unknown column${ignoredColumns.length > 1 ? 's' : ''}: ${ignoredColumns.join(', ')}`);
    const r = await ctx.withDatabase((orm) => importTrades(orm, rows));
    ctx.out(
      `Imported ${r.imported} of ${r.rows} trade${r.rows === 1 ? '' : 's'} from ${file}` +
        `${r.skipped > 0 ? `; ${r.skipped} already present and identical, skipped` : ''}` +
        `${r.signalsCreated > 0 ? `; ${r.signalsCreated} placeholder signal${r.signalsCreated === 1 ? '' : 's'} created (source "import")` : ''}.`,
    );
    if (r.imported > 0) ctx.err('A running server shows the imported trades in its live summary and book after a restart.');
  } catch (err) {
    if (!(err instanceof ImportRejected)) throw err;
    ctx.err(`${file}: ${err.message}.`);
    for (const e of err.errors.slice(0, MAX_ERRORS_SHOWN)) ctx.err(`  ${formatRowError(e)}`);
    if (err.errors.length > MAX_ERRORS_SHOWN) ctx.err(`  … and ${err.errors.length - MAX_ERRORS_SHOWN} more`);
    process.exitCode = 1;
  }
}

/** Resolves once the chunk has been handed to the file or pipe: one chunk in flight at a time. */
function writeChunk(stream: Writable, chunk: string): Promise<void> {
  return new Promise((resolve, reject) => stream.write(chunk, (err) => (err ? reject(err) : resolve())));
}

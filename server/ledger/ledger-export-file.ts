// Reading a `ledger:export` file (JSONL, one ledger row per line), for `ledger:verify --file` and
// the offline witness alike.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { LedgerRecord } from './ledger-chain.ts';

/** A line of the export that is not JSON (1-based line number). */
export class ExportLineError extends Error {
  constructor(readonly lineNo: number) {
    super(`line ${lineNo} is not JSON`);
  }
}

/** The export's rows in file order (blank lines skipped); throws ExportLineError at a line that does not parse. */
export async function* ledgerExportRecords(file: string): AsyncGenerator<LedgerRecord> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (line.trim() === '') continue;
    let rec: LedgerRecord;
    try {
      rec = JSON.parse(line) as LedgerRecord;
    } catch {
      throw new ExportLineError(lineNo);
    }
    yield rec;
  }
}

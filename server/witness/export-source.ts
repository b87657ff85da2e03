// A ledger offline: a `ledger:export` JSONL file, and optionally checkpoints saved from the server
// (`GET /api/public/ledger/checkpoints/`: one page, an array of pages or of checkpoints, or
// `{key, results}` with the `GET /api/public/ledger/key` answer beside them).
import { readFile } from 'node:fs/promises';
import type { CheckpointJson, LedgerKeyJson } from '../../shared/ledger-checkpoint.ts';
import type { LedgerRecord } from '../ledger/ledger-chain.ts';
import type { LedgerSource } from './ledger-source.ts';
import { ExportLineError, ledgerExportRecords } from '../ledger/ledger-export-file.ts';

const PAGE = 1000;

interface SavedCheckpoints {
  key: LedgerKeyJson | null;
  checkpoints: CheckpointJson[];
}

export class ExportLedgerSource implements LedgerSource {
  readonly name: string;

  private saved: Promise<SavedCheckpoints> | undefined;

  constructor(
    private readonly ledgerFile: string,
    private readonly checkpointsFile?: string,
  ) {
    this.name = ledgerFile;
  }

  async key(): Promise<LedgerKeyJson | null> {
    return (await this.load()).key;
  }

  async *checkpoints(after?: number): AsyncIterable<CheckpointJson[]> {
    const all = (await this.load()).checkpoints.filter((c) => after === undefined || c.seq > after);
    all.sort((a, b) => a.seq - b.seq);
    if (all.length > 0) yield all;
  }

  async *rows(after: number): AsyncIterable<LedgerRecord[]> {
    let page: LedgerRecord[] = [];
    const records = ledgerExportRecords(this.ledgerFile);
    for await (const rec of withFileName(records, this.ledgerFile)) {
      if (!(rec.seq > after)) continue;
      page.push(rec);
      if (page.length >= PAGE) {
        yield page;
        page = [];
      }
    }
    if (page.length > 0) yield page;
  }

  private load(): Promise<SavedCheckpoints> {
    this.saved ??= this.checkpointsFile === undefined ? Promise.resolve({ key: null, checkpoints: [] }) : readSaved(this.checkpointsFile);
    return this.saved;
  }
}

/** The export's rows, a bad line named with the file. */
async function* withFileName(records: AsyncGenerator<LedgerRecord>, file: string): AsyncGenerator<LedgerRecord> {
  try {
    yield* records;
  } catch (err) {
    if (err instanceof ExportLineError) throw new Error(`${file} ${err.message}`, { cause: err });
    throw err;
  }
}

async function readSaved(file: string): Promise<SavedCheckpoints> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: ${err instanceof SyntaxError ? 'not JSON' : (err as Error).message}`, { cause: err });
  }
  const checkpoints: CheckpointJson[] = [];
  let key: LedgerKeyJson | null = null;
  const take = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(take);
    if (typeof v !== 'object' || v === null) throw new Error(`${file}: not checkpoints`);
    const o = v as Record<string, unknown>;
    if ('signature' in o) checkpoints.push(v as CheckpointJson);
    else if (Array.isArray(o.results) || Array.isArray(o.checkpoints)) {
      if (o.key !== undefined) key = o.key as LedgerKeyJson;
      take(o.results ?? o.checkpoints);
    } else throw new Error(`${file}: not checkpoints`);
  };
  take(json);
  return { key, checkpoints };
}

// A server's public ledger over HTTP, from any origin: the key, and the rows and checkpoints paged
// with `after`/`limit` (1000 a page, the routes' maximum) until `next_after` is null.
import type { CheckpointJson, CheckpointPageJson, LedgerKeyJson } from '../../shared/ledger-checkpoint.ts';
import type { LedgerRecord } from '../ledger/ledger-chain.ts';
import type { LedgerSource } from './ledger-source.ts';

const PAGE = 1000;
const TIMEOUT_MS = 30_000;

interface Page<T> {
  next_after: number | null;
  results: T[];
}

/** `http(s)://host[:port][/prefix][/]` → the origin and prefix without a trailing slash; throws otherwise. */
export function baseUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`"${url}" is not a URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`"${url}" is not an http(s) URL`);
  if (u.search !== '' || u.hash !== '') throw new Error(`"${url}": give the server's address without a query`);
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}

export class HttpLedgerSource implements LedgerSource {
  readonly name: string;

  /** HTTP requests made (for the report and tests). */
  requests = 0;

  constructor(
    url: string,
    private readonly pageSize = PAGE,
  ) {
    this.name = baseUrl(url);
  }

  async key(): Promise<LedgerKeyJson | null> {
    return this.get<LedgerKeyJson>('/api/public/ledger/key');
  }

  checkpoints(after?: number): AsyncIterable<CheckpointJson[]> {
    return this.pages<CheckpointJson>('/api/public/ledger/checkpoints/', after);
  }

  rows(after: number): AsyncIterable<LedgerRecord[]> {
    return this.pages<LedgerRecord>('/api/public/ledger/', after);
  }

  private async *pages<T extends { seq: number }>(path: string, after: number | undefined): AsyncIterable<T[]> {
    let cursor = after;
    for (;;) {
      const query = `limit=${this.pageSize}${cursor === undefined ? '' : `&after=${cursor}`}`;
      const page = await this.get<Page<T> | CheckpointPageJson>(`${path}?${query}`);
      if (!page || !Array.isArray(page.results)) throw new Error(`${this.name}${path}: not a page`);
      if (page.results.length > 0) yield page.results as T[];
      if (page.next_after === null || page.results.length === 0) return;
      if (cursor !== undefined && !(page.next_after > cursor)) throw new Error(`${this.name}${path}: next_after ${page.next_after} does not advance`);
      cursor = page.next_after;
    }
  }

  private async get<T>(path: string): Promise<T> {
    this.requests++;
    const res = await fetch(`${this.name}${path}`, { signal: AbortSignal.timeout(TIMEOUT_MS), headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`${this.name}${path}: HTTP ${res.status}`);
    return (await res.json()) as T;
  }
}

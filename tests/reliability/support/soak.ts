// `npm run test:soak` sets SOAK=1: the reliability suites run their long versions.
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

export const SOAK = process.env.SOAK === '1';

const OUT = path.resolve(import.meta.dirname, '../../../test-results');

/** One JSON line per suite in test-results/reliability.jsonl: the counts docs/reliability.md quotes. */
export function reportLine(suite: string, figures: Record<string, unknown>): void {
  const line = JSON.stringify({ suite, soak: SOAK, at: new Date().toISOString(), ...figures });
  process.stdout.write(`[reliability] ${line}\n`);
  try {
    mkdirSync(OUT, { recursive: true });
    appendFileSync(path.join(OUT, 'reliability.jsonl'), `${line}\n`);
  } catch {
    /* reporting is best effort */
  }
}

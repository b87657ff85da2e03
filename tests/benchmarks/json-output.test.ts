// `npm run bench -- --json` is for machines: its stdout must be one JSON document whose rows carry
// their ids, even when a bench starts a server that logs (the logs go to stderr).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROW_ID_PATTERN } from '../../benchmarks/row-ids.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('bench --json', () => {
  it('prints parseable JSON with an id on every row, a server-starting bench included (small sizes)', () => {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--expose-gc', 'benchmarks/run.ts', '--only', 'P1,P6', '--trades', '5000', '--symbols', '20', '--hydrate', '2000', '--json'],
      { cwd: ROOT, encoding: 'utf8', timeout: 120_000 },
    );
    // The exit status says whether goals were met (at these sizes some are not): not asserted here.
    expect(run.error).toBeUndefined();
    expect(run.stdout.trimStart().startsWith('{'), run.stderr).toBe(true);
    const out = JSON.parse(run.stdout) as { results: { rows: { id?: string; measure: string }[] }[] };
    const ids = out.results.flatMap((r) => r.rows.map((row) => row.id));
    expect(ids).toEqual(expect.arrayContaining(['P1', 'P2', 'P6']));
    for (const id of ids) expect(id).toMatch(ROW_ID_PATTERN);
    expect(new Set(ids).size).toBe(ids.length);
  }, 150_000);
});

// The embedded server: data survives stop/start of the same dataDir; a stale postmaster.pid is cleared.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { openDatabase, withAdmin } from '../../server/persistence/database.ts';

const logger = pino({ level: 'silent' });
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'paperbook-embedded-'));
  await chmod(dataDir, 0o755);
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('openDatabase (embedded)', () => {
  it('uses a given URL as is', async () => {
    const db = await openDatabase({ databaseUrl: 'postgresql://u:p@db:5432/x', dataDir, logger });
    expect(db).toMatchObject({ url: 'postgresql://u:p@db:5432/x', embedded: false });
    await db.stop();
  });

  it('keeps data across stop/start and clears a stale postmaster.pid', async () => {
    const first = await openDatabase({ dataDir, logger });
    expect(first.embedded).toBe(true);
    expect(first.url).toMatch(/\/paperbook$/);
    await withAdmin(first.url, async (k) => {
      await k.raw('create table kept (v text)');
      await k.raw(`insert into kept values ('still here')`);
    });
    await first.stop();

    // A killed process leaves postmaster.pid behind, and its pid may since belong to another
    // process (here: this test runner), which PostgreSQL itself would refuse to start over.
    await writeFile(path.join(dataDir, 'pg', 'postmaster.pid'), `${process.pid}\n${path.join(dataDir, 'pg')}\n0\n5432\n`);
    const started = Date.now();
    const second = await openDatabase({ dataDir, logger });
    const startMs = Date.now() - started;
    try {
      const rows = await withAdmin(second.url, (k) => k.raw('select v from kept'));
      expect((rows as { rows: { v: string }[] }).rows).toEqual([{ v: 'still here' }]);
      expect(startMs).toBeLessThan(5_000);
    } finally {
      await second.stop();
    }
  });
});

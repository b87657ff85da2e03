// Issue 8.7 — SIGTERM mid-burst on the embedded database (tests/server/graceful-shutdown.test.ts
// covers DATABASE_URL): exit 0 within 10 s, the embedded PostgreSQL stopped cleanly (no process, no
// postmaster.pid), and on the next start every acked signal has exactly one trade.
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SOAK, reportLine } from './support/soak.ts';
import { embeddedUrl, terminate, postgresOn, spawnServer, stopOrphans, type ChildServer } from './support/child-server.ts';
import { checkRecord, openKnex } from './support/record-check.ts';
import { Workload, prng } from './support/workload.ts';

const ROUNDS = SOAK ? 10 : 2;
const TOKEN = 'shutdown-embedded-token-01234';
let dir = '';
let server: ChildServer | null = null;

afterAll(async () => {
  if (server) {
    await terminate(server);
  }
  if (dir) {
    await stopOrphans(dir);
    await rm(dir, { recursive: true, force: true });
  }
});

describe('graceful shutdown on the embedded database', () => {
  it(
    `SIGTERM mid-burst ${ROUNDS} times: exit 0 < 10 s, PostgreSQL stopped, nothing acked lost`,
    async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'paperbook-sigterm-'));
      await chmod(dir, 0o755);
      const pgDir = path.join(dir, 'pg');
      const work = new Workload(TOKEN, prng(7), 'sd');
      const exits: Array<{ code: number | null; ms: number }> = [];
      for (let i = 0; i < ROUNDS; i++) {
        server = await spawnServer({ DATA_DIR: dir, BOT_TOKEN: TOKEN });
        await work.connect(server.url);
        await work.resendUnacked();
        const burst = work.burst(12);
        await new Promise((r) => setTimeout(r, 400));
        const t = Date.now();
        process.kill(server.pid, 'SIGTERM');
        const { code } = await server.exited;
        exits.push({ code, ms: Date.now() - t });
        work.close();
        await burst;
        if (code !== 0) (await import('node:fs')).writeFileSync(path.join(tmpdir(), `paperbook-sigterm-${process.pid}.log`), server.output());
        expect(code, server.output()).toBe(0);
        expect(Date.now() - t).toBeLessThan(10_000);
        expect(postgresOn(dir), 'embedded PostgreSQL stopped with the server').toEqual([]);
        expect(existsSync(path.join(pgDir, 'postmaster.pid')), 'clean PostgreSQL shutdown').toBe(false);
        server = null;
      }
      server = await spawnServer({ DATA_DIR: dir, BOT_TOKEN: TOKEN });
      const k = openKnex(embeddedUrl(pgDir));
      try {
        const check = await checkRecord(k, server.url, work.seen);
        reportLine('sigterm-embedded', { rounds: ROUNDS, acked: work.seen.acked.size, exits, lost: check.problems.length });
        expect(check.problems).toEqual([]);
      } finally {
        await k.destroy();
      }
      expect(work.seen.acked.size).toBeGreaterThan(0);
    },
    40_000 * ROUNDS + 60_000,
  );
});

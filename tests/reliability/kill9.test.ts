// Issue 8.1 — kill -9: the server (npm start-equivalent, embedded PostgreSQL under its own DATA_DIR)
// is SIGKILLed at random moments of a signal/tick/cancel burst, alternately with its whole process
// group and the Node process alone (orphaning PostgreSQL, leaving postmaster.pid). After every
// restart on the same DATA_DIR: every acked signal has exactly one trade, no duplicates, the book's
// open set is the database's, the summary is the database's, every close a viewer saw is the db's.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import { SOAK, reportLine } from './support/soak.ts';
import { embeddedUrl, killGroup, terminate, killNodeOnly, postgresOn, spawnServer, stopOrphans, type ChildServer } from './support/child-server.ts';
import { checkRecord, openKnex } from './support/record-check.ts';
import { Workload, prng } from './support/workload.ts';

const ITERATIONS = Number(process.env.KILL9_ITERATIONS ?? (SOAK ? 100 : 20));
const TOKEN = 'kill9-bot-token-0123456789';
const SEED = Number(process.env.RELIABILITY_SEED ?? Date.now() % 1e9);

let dir = '';
let server: ChildServer | null = null;

afterAll(async () => {
  if (server) {
    await terminate(server);
  }
  if (dir) {
    await stopOrphans(dir);
    expect(postgresOn(dir), 'no postgres survives the run').toEqual([]);
    await rm(dir, { recursive: true, force: true });
  }
});

describe('kill -9 at random moments', () => {
  it(
    `${ITERATIONS} crashes: nothing acked is lost, nothing shown is missing (seed ${SEED})`,
    async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'paperbook-kill9-'));
      await chmod(dir, 0o755); // the `postgres` user (when the tests run as root) must reach it
      const pgDir = path.join(dir, 'pg');
      const rnd = prng(SEED);
      const work = new Workload(TOKEN, rnd, `k${SEED}`);
      const tally = { kills: 0, groupKills: 0, nodeKills: 0, lost: 0, restarts: 0 };

      for (let i = 0; i <= ITERATIONS; i++) {
        const t0 = Date.now();
        server = await spawnServer({ DATA_DIR: dir, BOT_TOKEN: TOKEN });
        const t1 = Date.now();
        tally.restarts += i > 0 ? 1 : 0;
        const k: Knex = openKnex(embeddedUrl(pgDir));
        try {
          // Invariants first, on what the previous (killed) process left behind.
          const check = await checkRecord(k, server.url, work.seen);
          tally.lost += check.problems.length;
          expect(check.problems, `after restart ${i} (seed ${SEED})`).toEqual([]);
        } finally {
          await k.destroy();
        }
        if (i === ITERATIONS) break;

        await work.connect(server.url);
        // Signals whose ack the crash swallowed are resent: exactly one trade each, whatever happened.
        await work.resendUnacked();
        if (process.env.KILL9_DEBUG) console.log(i, 'up', t1 - t0, 'checked+resent', Date.now() - t1, Object.fromEntries(work.errors));
        const burst = work.burst(8);
        await new Promise((r) => setTimeout(r, 100 + rnd() * 900));
        const group = i % 2 === 0;
        if (group) killGroup(server.pid);
        else killNodeOnly(server.pid);
        tally.kills++;
        if (group) tally.groupKills++;
        else tally.nodeKills++;
        await server.exited;
        work.close();
        await burst;
        server = null;
      }
      const finalCheck = await (async () => {
        const k = openKnex(embeddedUrl(pgDir));
        try {
          return await checkRecord(k, server!.url, work.seen);
        } finally {
          await k.destroy();
        }
      })();
      expect(work.seen.acked.size).toBeGreaterThan(ITERATIONS);
      expect(work.seen.closed.size).toBeGreaterThan(0);
      reportLine('kill9', {
        seed: SEED,
        kills: tally.kills,
        groupKills: tally.groupKills,
        nodeKills: tally.nodeKills,
        signalsSent: work.sent,
        acked: work.seen.acked.size,
        closesSeen: work.seen.closed.size,
        trades: finalCheck.trades,
        closedInDb: finalCheck.closed,
        refused: Object.fromEntries(work.errors),
        lost: tally.lost + finalCheck.problems.length,
      });
    },
    (SOAK ? 100 : 20) * 15_000 + 60_000,
  );
});

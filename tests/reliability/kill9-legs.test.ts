// Issue 19 under kill -9: managed trades (SPEC §9) fill in legs while the server (embedded
// PostgreSQL under its own DATA_DIR, PRICE_FEED=bot) is SIGKILLed at a random moment of their price
// walk, alternately with its whole process group and the Node process alone. After each restart on
// the same DATA_DIR the open-positions REST must show every open trade with the legs the database
// holds; the walk then continues until every trade closes, and the database must hold each leg
// once (seq 1..n), every leg a viewer was shown, closes that are the sums of their legs with the
// status their last leg decides, and TP legs in target order (leg-record-check.ts).
//
// Checked that it fails, by breaking the product locally (seed 4242, 2–3 iterations; not committed):
// - leg-writer.ts calling appendLegs twice per fill, trade-legs.ts storing every leg handed in
//   (`fresh = legs`) and the (trade_id, kind) unique constraint left out of the migration:
//   "trade 5: a leg kind stored twice (TP1,TP1,TP2,TP2)" (invariants 1 and 4).
// - trade-legs.ts leaving TP2 out of the insert while reporting it written (so it is announced):
//   "viewer saw trade 5 TP2 @219.04×0.12274645; the database has no such leg", "TP3 after TP1" (2, 4).
// - engine-hydration.ts hydrating managed trades without their legs: after the restart
//   "trade 40: open-positions shows legs -, db TP1" and its remaining_quantity wrong (5).
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import { SOAK, reportLine } from './support/soak.ts';
import { embeddedUrl, killGroup, killNodeOnly, postgresOn, spawnServer, stopOrphans, terminate, type ChildServer } from './support/child-server.ts';
import { openKnex } from './support/record-check.ts';
import { checkLegRecord, dumpTrades } from './support/leg-record-check.ts';
import { ManagedWorkload } from './support/managed-workload.ts';
import { prng } from './support/workload.ts';

const ITERATIONS = Number(process.env.KILL9_LEGS_ITERATIONS ?? process.env.KILL9_ITERATIONS ?? (SOAK ? 50 : 8));
const TOKEN = 'kill9-legs-bot-token-0123456789';
const SEED = Number(process.env.RELIABILITY_SEED ?? Date.now() % 1e9);
/** Pause between ticks: the walk lasts ~1 s, long enough for legs to be written and shown mid-walk. */
const TICK_PAUSE_MS = 6;

let dir = '';
let server: ChildServer | null = null;

afterAll(async () => {
  if (server) await terminate(server);
  if (dir) {
    await stopOrphans(dir);
    expect(postgresOn(dir), 'no postgres survives the run').toEqual([]);
    await rm(dir, { recursive: true, force: true });
  }
});

async function openIds(k: Knex, ids: readonly number[]): Promise<Set<number>> {
  const res = await k.raw(`select id from paper_trades where id = any(?::bigint[]) and status = 'OPEN'`, [[...ids]]);
  return new Set((res.rows as Array<{ id: string }>).map((r) => Number(r.id)));
}

/** Waits (a wait, not an assertion on time) until none of `ids` is open in the database. */
async function allClosed(k: Knex, ids: readonly number[], timeoutMs = 20_000): Promise<Set<number>> {
  const until = Date.now() + timeoutMs;
  let open = await openIds(k, ids);
  while (open.size > 0 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 25));
    open = await openIds(k, ids);
  }
  return open;
}

describe('kill -9 while managed trades fill in legs', () => {
  it(
    `${ITERATIONS} crashes: no leg doubled, no shown leg lost, closes are the sums of their legs (seed ${SEED})`,
    async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'paperbook-kill9-legs-'));
      await chmod(dir, 0o755); // the `postgres` user (when the tests run as root) must reach it
      const pgDir = path.join(dir, 'pg');
      const rnd = prng(SEED);
      const work = new ManagedWorkload(TOKEN, rnd, `kl${SEED}`);
      const tally = { groupKills: 0, nodeKills: 0, openAtKill: 0, partlyFilledAtKill: 0, swept: 0 };
      const fail = async (k: Knex, what: string, problems: string[]) => {
        if (problems.length > 0) console.error(`${what}: the trades involved\n${await dumpTrades(k, problems)}`);
        expect(problems, `${what} (seed ${SEED})`).toEqual([]);
      };

      server = await spawnServer({ DATA_DIR: dir, BOT_TOKEN: TOKEN });
      for (let i = 0; i < ITERATIONS; i++) {
        await work.connect(server.url);
        await work.open(i, 4 + Math.floor(rnd() * 2));
        const walk = work.drive(TICK_PAUSE_MS);
        // Anywhere from the first ticks to just past the walk's end (while the last legs are written).
        await new Promise((r) => setTimeout(r, 20 + rnd() * work.walkLength * TICK_PAUSE_MS * 1.1));
        const group = i % 2 === 0;
        if (group) killGroup(server.pid);
        else killNodeOnly(server.pid);
        tally[group ? 'groupKills' : 'nodeKills']++;
        await server.exited;
        await walk;
        work.close();
        server = null;

        server = await spawnServer({ DATA_DIR: dir, BOT_TOKEN: TOKEN });
        const k = openKnex(embeddedUrl(pgDir));
        try {
          // What the killed process left, as the restarted one shows it (before any tick moves it).
          const after = await checkLegRecord(k, server.url, work.trades, work.seen);
          await fail(k, `after kill ${i + 1}`, after.problems);
          tally.openAtKill += (await openIds(k, [...work.current.keys()])).size;
          tally.partlyFilledAtKill += after.partlyFilled;

          await work.connect(server.url);
          await work.drive(TICK_PAUSE_MS);
          const left = await openIds(k, [...work.current.keys()]);
          if (left.size > 0) {
            tally.swept += left.size;
            await work.sweep(left);
          }
          const stuck = await allClosed(k, [...work.current.keys()]);
          // Let the last closes reach the viewer before it is closed for the next kill.
          await new Promise((r) => setTimeout(r, 100));
          const done = await checkLegRecord(k, null, work.trades, work.seen);
          await fail(k, `iteration ${i} closed`, done.problems);
          expect([...stuck], `trades still open after the sweep (iteration ${i}, seed ${SEED})`).toEqual([]);
        } finally {
          await k.destroy();
        }
        work.close();
      }

      const k = openKnex(embeddedUrl(pgDir));
      const final = await checkLegRecord(k, server.url, work.trades, work.seen);
      await fail(k, 'final', final.problems).finally(() => k.destroy());
      expect(final.closed).toBe(work.trades.size);
      expect(work.updatesSeen, 'viewers saw legs fill before closes').toBeGreaterThan(0);
      reportLine('kill9-legs', {
        seed: SEED,
        iterations: ITERATIONS,
        ...tally,
        trades: final.trades,
        legs: final.legs,
        exits: final.exits,
        legsSeen: [...work.seen.legs.values()].reduce((a, m) => a + m.size, 0),
        updatesSeen: work.updatesSeen,
        closesSeen: work.seen.closed.size,
        ticks: work.ticks,
        cancels: work.cancels,
      });
    },
    ITERATIONS * 20_000 + 60_000,
  );
});

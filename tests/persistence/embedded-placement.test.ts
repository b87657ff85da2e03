// Where the embedded cluster goes, and how it fails: with a message naming DATA_DIR and the remedy,
// never an unhandled 'error' event, never a half-initialised data directory.
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeCluster, ClusterPlacementError } from '../../server/persistence/cluster-placement.ts';
import { EmbeddedCluster } from '../../server/persistence/embedded-cluster.ts';
import { packagedBinaries } from '../../server/persistence/embedded-binaries.ts';
import { canAccess, postgresAccount } from '../../server/persistence/postgres-account.ts';

const who = postgresAccount();
let open = '';
let closed = '';

beforeAll(async () => {
  open = await mkdtemp(path.join(tmpdir(), 'paperbook-place-open-'));
  await chmod(open, 0o755);
  closed = await mkdtemp(path.join(tmpdir(), 'paperbook-place-closed-')); // 0700, as mkdtemp makes it
});
afterAll(async () => {
  await rm(open, { recursive: true, force: true });
  await rm(closed, { recursive: true, force: true });
});

describe('placeCluster', () => {
  it('keeps the cluster in DATA_DIR/pg when PostgreSQL can reach it', async () => {
    const place = await placeCluster(path.join(open, 'data', 'pg'), who);
    expect(place).toEqual({ dir: path.join(open, 'data', 'pg') });
  });

  it.runIf(who)('as root, moves it out of a 0700 directory and records where', async () => {
    const pgDir = path.join(closed, 'data', 'pg');
    const place = await placeCluster(pgDir, who);
    expect(place.dir.startsWith(path.join('/var/lib/paperbook/clusters', path.sep))).toBe(true);
    expect(canAccess(who, path.dirname(place.dir), 'x')).toBe(true);
    // Recorded only once the cluster exists: until then the next start chooses afresh.
    expect(existsSync(`${pgDir}.location`)).toBe(false);
    await place.record!();
    expect(existsSync(`${pgDir}.location`)).toBe(true);
    // The record names a directory with no cluster in it (none was made): a clear error, not a new empty database.
    await expect(placeCluster(pgDir, who)).rejects.toThrow(/holds no database.*delete .*pg\.location/);
  });

  it.runIf(who)('refuses an existing cluster PostgreSQL cannot reach, naming DATA_DIR', async () => {
    const pgDir = path.join(closed, 'old', 'pg');
    await mkdir(pgDir, { recursive: true });
    await writeFile(path.join(pgDir, 'PG_VERSION'), '18\n');
    const err = await placeCluster(pgDir, who).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterPlacementError);
    expect(String(err)).toMatch(/DATA_DIR.*DATABASE_URL/);
  });
});

describe('EmbeddedCluster', () => {
  const base = { runAs: who, port: 1, user: 'postgres', password: 'x', authMethod: 'scram-sha-256' as const, postgresFlags: [], onLog: () => {} };

  it('a failed initdb leaves no data directory behind', async () => {
    const dir = path.join(open, 'failed', 'pg');
    const real = packagedBinaries().binaries;
    const cluster = new EmbeddedCluster({ ...base, binaries: { ...real, initdb: '/bin/false' }, databaseDir: dir });
    await expect(cluster.initialise()).rejects.toThrow(/false failed \(code 1\)/);
    expect(existsSync(dir)).toBe(false);
    expect(await readdir(path.dirname(dir))).toEqual([]);
  });

  it('a binary that cannot be run is an error, not an unhandled event', async () => {
    const notExecutable = path.join(open, 'postgres-not-executable');
    await writeFile(notExecutable, '#!/bin/sh\n', { mode: 0o644 });
    const real = packagedBinaries().binaries;
    const cluster = new EmbeddedCluster({ ...base, binaries: { ...real, postgres: notExecutable }, databaseDir: path.join(open, 'none') });
    await expect(cluster.start()).rejects.toThrow(/cannot run .*EACCES/);
  });
});

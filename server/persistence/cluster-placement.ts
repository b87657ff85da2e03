// Where the embedded cluster's files live. `${DATA_DIR}/pg` when the account running PostgreSQL can
// reach it (always as an ordinary user; as root, when DATA_DIR's parents are enterable by `postgres`).
// Otherwise (root, DATA_DIR under a 0700 home) the cluster lives in a directory of its own under
// /var/lib/paperbook/clusters/, and `${DATA_DIR}/pg.location` records which: DATA_DIR stays the knob
// (another DATA_DIR, another database; delete DATA_DIR, and the next start makes a fresh one).
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { canAccess, type RunAs } from './postgres-account.ts';

export const CLUSTER_HOME = '/var/lib/paperbook/clusters';

export interface ClusterPlace {
  dir: string;
  /** Set when the cluster lives outside DATA_DIR: call once the cluster is initialised. */
  record?: () => Promise<void>;
}

/** Raised with the variable to change and the remedy. */
export class ClusterPlacementError extends Error {}

/** `pgDir` is the preferred place (`${DATA_DIR}/pg`). */
export async function placeCluster(pgDir: string, who: RunAs | undefined): Promise<ClusterPlace> {
  const dir = path.resolve(pgDir);
  const parent = path.dirname(dir);
  const locationFile = `${dir}.location`;
  if (existsSync(path.join(dir, 'PG_VERSION'))) {
    if (canAccess(who, dir, 'wx')) return { dir };
    throw new ClusterPlacementError(
      `the embedded database in ${dir} cannot be used by the '${who?.name}' account PostgreSQL runs as (a parent directory is closed to it): ` +
        `move it, or set DATA_DIR to a directory that account can enter, or set DATABASE_URL`,
    );
  }
  if (existsSync(locationFile)) return recorded(locationFile, who);
  await mkdir(parent, { recursive: true });
  if (canAccess(who, parent, 'x')) return { dir };
  // Root in a private directory: a cluster directory of its own, recorded in DATA_DIR.
  try {
    await mkdir(CLUSTER_HOME, { recursive: true, mode: 0o755 });
    await chmod(path.dirname(CLUSTER_HOME), 0o755);
    await chmod(CLUSTER_HOME, 0o755);
  } catch (err) {
    throw new ClusterPlacementError(
      `DATA_DIR ${parent} cannot be entered by the '${who?.name}' account PostgreSQL runs as, and ${CLUSTER_HOME} cannot be made (${(err as Error).message}): ` +
        'set DATA_DIR to a directory that account can enter, or set DATABASE_URL',
    );
  }
  const relocated = path.join(CLUSTER_HOME, randomBytes(8).toString('hex'));
  return {
    dir: relocated,
    record: () => writeFile(locationFile, `${JSON.stringify({ cluster: relocated, data_dir: parent })}\n`, { mode: 0o600 }),
  };
}

async function recorded(locationFile: string, who: RunAs | undefined): Promise<ClusterPlace> {
  let cluster: unknown;
  try {
    cluster = (JSON.parse(await readFile(locationFile, 'utf8')) as { cluster?: unknown }).cluster;
  } catch (err) {
    throw new ClusterPlacementError(
      `${locationFile} is not readable (${(err as Error).message}): restore it, or delete it (and DATA_DIR's database with it) to start afresh`,
    );
  }
  if (typeof cluster !== 'string' || !existsSync(path.join(cluster, 'PG_VERSION'))) {
    throw new ClusterPlacementError(
      `${locationFile} says the embedded database is in ${String(cluster)}, which holds no database: restore it, or delete ${locationFile} to start with an empty database`,
    );
  }
  if (!canAccess(who, cluster, 'wx'))
    throw new ClusterPlacementError(`the embedded database in ${cluster} (from ${locationFile}) cannot be used by the '${who?.name}' account`);
  return { dir: cluster };
}

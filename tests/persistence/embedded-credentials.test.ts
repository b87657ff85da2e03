// The embedded cluster's credentials file: created 0600 beside the cluster, a loosened copy is
// tightened on read, a damaged one stops start-up naming the file (no database needed here).
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialsPath, CredentialsFileError, newCredentials, readCredentials, writeCredentials } from '../../server/persistence/embedded-credentials.ts';

let dir: string;
let pgDir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'paperbook-creds-'));
  pgDir = path.join(dir, 'pg');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('embedded credentials file', () => {
  it('is written 0600 beside the cluster directory and read back', async () => {
    expect(await readCredentials(pgDir)).toBeNull();
    const creds = newCredentials(['paperbook']);
    await writeCredentials(pgDir, creds);
    expect(credentialsPath(pgDir)).toBe(path.join(dir, 'pg-credentials.json'));
    expect((await stat(credentialsPath(pgDir))).mode & 0o777).toBe(0o600);
    expect(await readCredentials(pgDir)).toEqual(creds);
    // A rewrite (as after a rotation) keeps the mode and leaves no temp file behind.
    await writeCredentials(pgDir, { ...creds, formerSuperuserPasswords: [] });
    expect((await stat(credentialsPath(pgDir))).mode & 0o777).toBe(0o600);
    expect((await readCredentials(pgDir))!.formerSuperuserPasswords).toEqual([]);
  });

  it('a copy with a looser mode is tightened to 0600 when read', async () => {
    await chmod(credentialsPath(pgDir), 0o644);
    await readCredentials(pgDir);
    expect((await stat(credentialsPath(pgDir))).mode & 0o777).toBe(0o600);
  });

  it('a damaged file, or one with values that could not be ours, stops start-up naming the file', async () => {
    const good = await readFile(credentialsPath(pgDir), 'utf8');
    for (const bad of [
      '{not json',
      JSON.stringify({ superuser: { user: 'postgres', password: "x'; drop role postgres; --" }, app: { user: 'paperbook', password: 'a'.repeat(43) } }),
    ]) {
      await writeFile(credentialsPath(pgDir), bad, { mode: 0o600 });
      await expect(readCredentials(pgDir)).rejects.toThrow(CredentialsFileError);
      await expect(readCredentials(pgDir)).rejects.toThrow(credentialsPath(pgDir));
    }
    await writeFile(credentialsPath(pgDir), good, { mode: 0o600 });
  });
});

// The deployment's checkpoint signing key (SPEC §15): Ed25519, made at first start and kept in a
// PKCS#8 PEM file (DATA_DIR/ledger-key.pem, or LEDGER_KEY_FILE) of mode 0600. The private key is
// only ever used through `sign`: it is not returned, logged or served. Creating it is atomic
// across processes (written to a temporary file, then hard-linked into place, which fails if
// another process got there first), so two starts never end up with two keys.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { chmod, link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { checkpointMessage, type LedgerKeyJson } from '../../shared/ledger-checkpoint.ts';

export interface LedgerKey {
  /** The public half as served (`GET /api/public/ledger/key`). */
  readonly json: LedgerKeyJson;
  /** Signs a checkpoint; the signature in base64. */
  signCheckpoint(seq: number, headHash: string, at: string): string;
}

export class LedgerKeyError extends Error {}

/** sha256 of the raw 32-byte public key, hex. */
export function keyFingerprint(rawPublicKey: Buffer): string {
  return createHash('sha256').update(rawPublicKey).digest('hex');
}

/** The raw 32 bytes of an Ed25519 public key (RFC 8032), from its JWK `x`. */
export function rawPublicKey(key: KeyObject): Buffer {
  const x = key.export({ format: 'jwk' }).x;
  if (typeof x !== 'string') throw new LedgerKeyError('not an Ed25519 key');
  return Buffer.from(x, 'base64url');
}

async function createKeyFile(file: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const { privateKey } = generateKeyPairSync('ed25519');
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
  try {
    await link(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    // another process made it first: use theirs
  } finally {
    // The temporary name goes whether or not the link succeeded (the key is under `file` now).
    await unlink(tmp);
  }
}

/** Reads the key file, making it first if it does not exist. A file readable by others is tightened to 0600. */
export async function loadOrCreateLedgerKey(file: string): Promise<LedgerKey> {
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new LedgerKeyError(`cannot read the ledger key ${file}: ${(err as Error).message}`);
    await createKeyFile(file);
    pem = await readFile(file, 'utf8');
  }
  const info = await stat(file);
  if ((info.mode & 0o077) !== 0) await chmod(file, 0o600);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new LedgerKeyError(`${file} is not a PEM private key`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new LedgerKeyError(`${file} holds a ${privateKey.asymmetricKeyType} key, not Ed25519`);
  const raw = rawPublicKey(createPublicKey(privateKey));
  const json: LedgerKeyJson = {
    algorithm: 'Ed25519',
    public_key: raw.toString('base64'),
    fingerprint: keyFingerprint(raw),
    created_at: info.mtime.toISOString(),
  };
  return {
    json,
    signCheckpoint: (seq, headHash, at) => sign(null, Buffer.from(checkpointMessage(seq, headHash, at), 'utf8'), privateKey).toString('base64'),
  };
}

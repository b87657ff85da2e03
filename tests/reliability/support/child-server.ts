// `npm start`-equivalent child processes for crash tests: spawn `server/main.ts` in its own process
// group, read its URL, kill it with SIGKILL (whole group or Node alone) or stop it with SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { credentialsPath } from '../../../server/persistence/embedded-credentials.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');

export interface ChildServer {
  child: ChildProcess;
  pid: number;
  url: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function spawnServer(env: Record<string, string>, timeoutMs = 60_000): Promise<ChildServer> {
  // The child uses the database the caller names, else the embedded one under its DATA_DIR: a
  // DATABASE_URL in the shell that runs the tests (a local PostgreSQL for speed) is not inherited,
  // or the crash tests would not run the embedded cluster they are about.
  const { DATABASE_URL: _shellDatabase, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    // Its own process group, so a group kill takes the embedded PostgreSQL with it.
    detached: true,
    env: {
      ...inherited,
      PORT: '0',
      HOST: '127.0.0.1',
      PRICE_FEED: 'bot',
      DEMO_BOT: 'off',
      LOG_LEVEL: 'warn',
      BROADCAST_INTERVAL_MS: '20',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  const url = await new Promise<string>((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const m = /live at (http:\/\/[^/\s]+)/.exec(out);
      if (m) {
        clearInterval(poll);
        resolve(m[1]!.replace('localhost', '127.0.0.1'));
      } else if (child.exitCode !== null || child.signalCode !== null || Date.now() - started > timeoutMs) {
        clearInterval(poll);
        if (child.exitCode === null) killGroup(child.pid!);
        reject(new Error(`server did not come up (exit ${child.exitCode ?? child.signalCode}):\n${out}`));
      }
    }, 20);
  });
  return { child, pid: child.pid!, url, output: () => out, exited };
}

export function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

export function killNodeOnly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/** Port of the embedded PostgreSQL running on `pgDir` (line 4 of postmaster.pid). */
export function embeddedPort(pgDir: string): number {
  const lines = readFileSync(path.join(pgDir, 'postmaster.pid'), 'utf8').split('\n');
  return Number(lines[3]);
}

/** The superuser URL of `database` on the embedded cluster, password from its 0600 credentials file. */
export function embeddedUrl(pgDir: string, database = 'paperbook'): string {
  const { superuser } = JSON.parse(readFileSync(credentialsPath(pgDir), 'utf8')) as { superuser: { user: string; password: string } };
  return `postgresql://${superuser.user}:${superuser.password}@127.0.0.1:${embeddedPort(pgDir)}/${database}`;
}

/** Pids of postgres processes whose command line names `dir` (an embedded server on that data dir). */
export function postgresOn(dir: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const args = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (args[0]?.endsWith('postgres') && args.some((a) => a.startsWith(dir))) found.push(Number(name));
    } catch {
      /* exited meanwhile */
    }
  }
  return found;
}

/** Stops every postgres left running on `dir` (orphans of a killed parent): SIGINT, then SIGKILL. */
export async function stopOrphans(dir: string): Promise<number> {
  const pids = postgresOn(dir);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGINT');
    } catch {
      /* gone */
    }
  }
  for (let i = 0; i < 50 && postgresOn(dir).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
  for (const pid of postgresOn(dir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  return pids.length;
}

/** SIGTERM, up to 10 s for a graceful exit, then SIGKILL to the group. Safe on an exited process. */
export async function terminate(s: ChildServer): Promise<void> {
  try {
    process.kill(s.pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
  await Promise.race([s.exited, new Promise((r) => setTimeout(r, 10_000))]);
  killGroup(s.pid);
}

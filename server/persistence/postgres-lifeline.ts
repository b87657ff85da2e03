// Embedded PostgreSQL never outlives the Node process that started it. It is a child process that
// survives its parent (reparented to init), so a crash or a kill used to leave it running with the
// data directory locked. Two guards, for the two ways Node can end:
// - every exit Node runs (`process.exit`, an exception that does exit, the loop ending): an `exit`
//   hook asks postgres for a fast shutdown, synchronously;
// - exits Node does not run (SIGKILL, the OOM killer, a native abort): a tiny `sh` watchdog holds a
//   pipe from us; when we die the kernel closes it, `read` returns, and the watchdog stops postgres.
// Both only act while `postmaster.pid` still names that postgres (a clean stop removes the file), so
// a pid reused by another process is never signalled.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Socket } from 'node:net';
import type { Logger } from '../logger.ts';

export interface PostgresLifeline {
  /** The postmaster's pid the guards watch. */
  pid: number;
  /** After a clean stop: drop the exit hook and end the watchdog. */
  release(): void;
}

// $1 pid, $2 postmaster.pid. SIGINT = fast shutdown (clean, no recovery on next start); SIGQUIT
// (immediate) only if that has not finished in 10 s.
const WATCHDOG = [
  "trap '' INT TERM HUP",
  'read _',
  'p=$(head -n 1 "$2" 2>/dev/null)',
  '[ "$p" = "$1" ] || exit 0',
  'kill -INT "$1" 2>/dev/null',
  'i=0; while kill -0 "$1" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done',
  'kill -0 "$1" 2>/dev/null && kill -QUIT "$1" 2>/dev/null',
  'exit 0',
].join('\n');

/** The running postmaster's pid for data directory `pgDir`, from its `postmaster.pid`. */
export function postmasterPid(pgDir: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path.join(pgDir, 'postmaster.pid'), 'utf8').split('\n')[0] ?? '', 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Ties the embedded postgres serving `pgDir` to this process' life; null if none is running there. */
export function tiePostgresToProcess(pgDir: string, log: Logger): PostgresLifeline | null {
  const dir = path.resolve(pgDir);
  const pid = postmasterPid(dir);
  if (pid === null) {
    log.warn({ dir }, 'no postmaster.pid: the embedded PostgreSQL is not tied to this process');
    return null;
  }
  const onExit = () => {
    if (postmasterPid(dir) !== pid) return; // stopped cleanly already
    try {
      process.kill(pid, 'SIGINT');
    } catch {
      // gone already, or not ours to signal: nothing left to do at exit
    }
  };
  process.on('exit', onExit);
  let watchdog: ChildProcess | null = null;
  try {
    // Its own session: a terminal's Ctrl-C goes to us (graceful), not to the watchdog.
    watchdog = spawn('/bin/sh', ['-c', WATCHDOG, 'paperbook-pg-lifeline', String(pid), path.join(dir, 'postmaster.pid')], {
      stdio: ['pipe', 'ignore', 'ignore'],
      detached: true,
    });
    watchdog.on('error', (err) => log.warn({ err }, 'postgres lifeline watchdog failed; only the exit hook guards the database'));
    watchdog.unref();
    watchdog.stdin?.on('error', () => {}); // EPIPE if it is gone first
    // A pipe's stdin is a net.Socket, which can be unref'd (Writable's type does not say so).
    (watchdog.stdin as Socket | null)?.unref();
  } catch (err) {
    log.warn({ err }, 'cannot start the postgres lifeline watchdog; only the exit hook guards the database');
  }
  return {
    pid,
    release() {
      process.off('exit', onExit);
      watchdog?.kill('SIGKILL');
      watchdog = null;
    },
  };
}

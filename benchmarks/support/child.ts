// Child processes for benchmarks (servers, viewers, bots): spawned with tsx and an IPC channel;
// `call` sends a command and resolves with the child's reply to it.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Child {
  proc: ChildProcess;
  /** The first message the child sent (its "ready" report). */
  ready: Promise<Record<string, unknown>>;
  call<T = Record<string, unknown>>(cmd: string, args?: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

export function spawnChild(script: string, args: string[], env: Record<string, string> = {}): Child {
  const file = fileURLToPath(new URL(script, import.meta.url));
  const proc = fork(file, args, {
    execArgv: [
      '--import',
      'tsx',
      '--expose-gc',
      '--max-old-space-size=8192',
      // BENCH_CPU_PROF=server-proc (or any script name) profiles that child into benchmarks/.profiles.
      ...(process.env.BENCH_CPU_PROF && script.includes(process.env.BENCH_CPU_PROF) ? ['--cpu-prof', '--cpu-prof-dir=benchmarks/.profiles'] : []),
    ],
    env: { ...process.env, ...env },
    // The child's stdout (server logs) goes to our stderr: `--json` keeps stdout machine-readable.
    stdio: ['ignore', 2, 'inherit', 'ipc'],
  });
  let nextId = 1;
  const waiting = new Map<number, { resolve: (v: never) => void; reject: (e: Error) => void }>();
  let resolveReady!: (v: Record<string, unknown>) => void;
  let rejectReady!: (e: Error) => void;
  const ready = new Promise<Record<string, unknown>>((res, rej) => ((resolveReady = res), (rejectReady = rej)));
  // A child that dies before its caller awaits `ready` would be an unhandled rejection: say so here too.
  ready.catch((err: unknown) => console.error(`${script} never became ready: ${String(err)}`));
  proc.on('message', (m: Record<string, unknown>) => {
    if (m.type === 'ready') return resolveReady(m);
    if (m.type === 'error') return rejectReady(new Error(String(m.message)));
    const w = waiting.get(m.id as number);
    if (!w) return;
    waiting.delete(m.id as number);
    if (m.error) w.reject(new Error(String(m.error)));
    else w.resolve(m as never);
  });
  const exited = new Promise<void>((res) => proc.once('exit', () => res()));
  proc.once('exit', (code) => {
    const err = new Error(`${script} exited (${code})`);
    rejectReady(err);
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  });
  return {
    proc,
    ready,
    call(cmd, args = {}, timeoutMs = 120_000) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(new Error(`${script}: ${cmd} timed out`));
        }, timeoutMs);
        waiting.set(id, {
          resolve: (v) => (clearTimeout(timer), resolve(v)),
          reject: (e) => (clearTimeout(timer), reject(e)),
        });
        proc.send({ id, cmd, ...args });
      });
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Inside a child: answer commands from the parent. */
export function serveCommands(handlers: Record<string, (msg: Record<string, unknown>) => unknown>): void {
  process.on('message', (m: Record<string, unknown>) => {
    const h = handlers[m.cmd as string];
    Promise.resolve()
      .then(() => {
        if (!h) throw new Error(`unknown command ${String(m.cmd)}`);
        return h(m);
      })
      .then(
        (r) => process.send?.({ id: m.id, ...(r as object) }),
        (e: unknown) => process.send?.({ id: m.id, error: String(e) }),
      );
  });
  process.on('SIGTERM', () => process.exit(0));
}

export function settledRss(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  return process.memoryUsage().rss;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Peak resident set (VmHWM) in bytes. */
export function peakRss(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

// CPU time of the embedded PostgreSQL started by this process (its postmaster is our child; the
// backends are the postmaster's children), read from /proc. Linux only; 0 elsewhere or when the
// database is not ours (DATABASE_URL): callers say so instead of printing 0.
import { readdirSync, readFileSync } from 'node:fs';

interface Proc {
  pid: number;
  ppid: number;
  name: string;
  cpuMs: number;
}

const TICKS_PER_S = 100; // USER_HZ on Linux

function readProcs(): Proc[] {
  const out: Proc[] = [];
  let dirs: string[];
  try {
    dirs = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const d of dirs) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const f = stat.slice(close + 2).split(' ');
      // fields after the name: state ppid … utime(12th) stime(13th)
      out.push({
        pid: Number(d),
        ppid: Number(f[1]),
        name: stat.slice(stat.indexOf('(') + 1, close),
        cpuMs: ((Number(f[11]) + Number(f[12])) * 1000) / TICKS_PER_S,
      });
    } catch {
      // the process ended while we read
    }
  }
  return out;
}

/** User + system ms of every postgres process this process started (postmaster and backends). */
export function embeddedPostgresCpuMs(): number {
  const procs = readProcs();
  const roots = new Set(procs.filter((p) => p.ppid === process.pid && p.name === 'postgres').map((p) => p.pid));
  return procs.reduce((t, p) => (roots.has(p.pid) || roots.has(p.ppid) ? t + p.cpuMs : t), 0);
}

// Probe a running server the way docs/security.md ("Requests fail alone") measured it: the crash
// requests of issue 16 item 1, and the slash bomb of item 2 (server CPU from /proc, /healthz latency
// while five run). Linux only (reads /proc/<pid>/stat).
//   node --import tsx scripts/http-hostile-probe.ts <port> <server pid> [slashes=40000]
import net from 'node:net';
import { readFileSync } from 'node:fs';

const port = Number(process.argv[2]);
const pid = Number(process.argv[3]);
const slashes = Number(process.argv[4] ?? 40_000);
if (!port || !pid) {
  console.error('usage: node --import tsx scripts/http-hostile-probe.ts <port> <server pid> [slashes]');
  process.exit(2);
}

/** utime + stime of the server, ms (clock ticks of 10 ms). */
function cpuMs(): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

function request(method: string, path: string): Promise<{ status: string; ms: number }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const s = net.connect(port, '127.0.0.1');
    let buf = '';
    const timer = setTimeout(() => s.destroy(), 30_000);
    s.on('data', (d) => {
      buf += d.toString('latin1');
      const head = buf.indexOf('\r\n\r\n');
      const len = /content-length: (\d+)/i.exec(buf);
      if (head >= 0 && len && buf.length - head - 4 >= Number(len[1])) s.destroy();
    });
    s.on('error', () => {});
    s.on('close', () => {
      clearTimeout(timer);
      resolve({ status: buf.slice(9, 12) || 'closed, no answer', ms: performance.now() - t0 });
    });
    s.write(`${method} ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n`);
  });
}

for (const [method, path] of [
  ['GET', '/api/paper-trades/%'],
  ['POST', '/api/paper-trades/%E0%A4%A/close'],
] as const) {
  const r = await request(method, path);
  const alive = await request('GET', '/healthz');
  console.log(`${method} ${path}: ${r.status}; /healthz after: ${alive.status}`);
}
const bomb = `/a${'/'.repeat(slashes)}x`;
const base = await request('GET', '/healthz');
let c0 = cpuMs();
const one = await request('GET', bomb);
console.log(
  `/a + ${slashes} slashes + x: ${one.status} in ${one.ms.toFixed(0)} ms wall, ${cpuMs() - c0} ms server CPU (/healthz alone: ${base.ms.toFixed(1)} ms)`,
);
c0 = cpuMs();
const five = Array.from({ length: 5 }, () => request('GET', bomb));
await new Promise((r) => setTimeout(r, 50));
const health = await request('GET', '/healthz');
await Promise.all(five);
console.log(`/healthz while 5 run: ${health.status} in ${health.ms.toFixed(0)} ms; the five cost ${cpuMs() - c0} ms server CPU`);

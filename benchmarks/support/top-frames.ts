// Prints the top frames of a .cpuprofile:
//   node --import tsx benchmarks/support/top-frames.ts FILE [N] [--last SECONDS] [--inclusive] [--busy]
// --last keeps only the samples of the profile's last SECONDS (e.g. a bench's measured window after
// start-up); --inclusive ranks by time in a frame and its callees; --busy leaves idle time out of 100 %.
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  endTime: number;
  startTime: number;
}

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args.splice(i, name === '--last' ? 2 : 1)[name === '--last' ? 1 : 0];
};
const last = flag('--last');
const inclusive = flag('--inclusive') !== undefined;
const busy = flag('--busy') !== undefined;
const [file, top = '25'] = args;

const prof = JSON.parse(readFileSync(file!, 'utf8')) as Profile;
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const key = (n: Node): string =>
  `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/\/work\/[^/]+\//, '')}:${n.callFrame.lineNumber + 1}`;

// Sample times: startTime + running sum of timeDeltas (µs).
const from = last === undefined ? -Infinity : prof.endTime - Number(last) * 1e6;
const counts = new Map<string, number>();
let total = 0;
let t = prof.startTime;
for (let i = 0; i < prof.samples.length; i++) {
  t += prof.timeDeltas[i] ?? 0;
  if (t < from) continue;
  const leaf = byId.get(prof.samples[i]!)!;
  if (busy && leaf.callFrame.functionName === '(idle)') continue;
  total++;
  if (!inclusive) {
    counts.set(key(leaf), (counts.get(key(leaf)) ?? 0) + 1);
    continue;
  }
  const seen = new Set<string>();
  for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
    const k = key(byId.get(id)!);
    if (seen.has(k)) continue;
    seen.add(k);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
}
console.log(`${total} samples${last ? ` in the last ${last} s` : ''}${busy ? ', idle left out' : ''}`);
for (const [k, v] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) {
  console.log(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
}

// Splits the renderer main thread's frames of a P8 trace (BENCH_PAGE_PROFILE=trace) into script, style
// and layout, paint and commit: `node --import tsx benchmarks/support/trace-frames.ts FILE [batches/s]`.
// Prints wall and thread (CPU) time; thread time is what to compare on a loaded machine. The heavy
// frames are the heaviest `batches/s × seconds` frames by thread time (one per 10 Hz price batch).
import { readFileSync } from 'node:fs';

interface Ev {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  tdur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
}
type Times = Record<string, number>;

/** Phase → the trace events whose time it is (outermost of each; nested ones are not added twice). */
const PHASES: Record<string, string[]> = {
  script: ['FireAnimationFrame', 'FunctionCall', 'RunMicrotasks'],
  styleAndLayout: ['LocalFrameView::UpdateStyleAndLayout'],
  layout: ['Layout'],
  prePaint: ['PrePaint'],
  paint: ['Paint'],
  compositing: ['LocalFrameView::RunCompositingInputsLifecyclePhase', 'LocalFrameView::pushPaintArtifactToCompositor'],
  commit: ['Commit'],
};

const events = (JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as { traceEvents: Ev[] }).traceEvents;
const perSecond = Number(process.argv[3] ?? 10);
const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')!;
const onMain = events.filter((e) => e.ph === 'X' && e.pid === main.pid && e.tid === main.tid).sort((a, b) => a.ts - b.ts);
// A frame = the main-thread task that runs BeginMainFrame (rAF callbacks, microtasks, lifecycle).
const tasks = onMain.filter((e) => e.name === 'ThreadControllerImpl::RunTask');
const frames = onMain
  .filter((e) => e.name === 'WebFrameWidgetImpl::BeginMainFrame')
  .map((b) => tasks.find((t) => t.ts <= b.ts && t.ts + t.dur! >= b.ts + b.dur!) ?? b);

function phaseTimes(f: Ev, key: 'dur' | 'tdur'): Times {
  const end = f.ts + f.dur!;
  const out: Times = { total: (f[key] ?? 0) / 1000 };
  for (const [phase, names] of Object.entries(PHASES)) {
    let covered = 0;
    let sum = 0;
    for (const e of onMain) {
      if (e.ts < f.ts || e.ts >= end || !names.includes(e.name) || e.ts < covered) continue;
      sum += e[key] ?? 0;
      covered = e.ts + e.dur!;
    }
    out[phase] = sum / 1000;
  }
  return out;
}

const seconds = frames.length > 1 ? (frames.at(-1)!.ts - frames[0]!.ts) / 1e6 : 0;
const byCpu = frames.map((f) => ({ wall: phaseTimes(f, 'dur'), cpu: phaseTimes(f, 'tdur') })).sort((a, b) => b.cpu.total! - a.cpu.total!);
const heavy = byCpu.slice(0, Math.round(seconds * perSecond));
const rest = byCpu.slice(heavy.length);
const mean = (xs: Times[], k: string) => xs.reduce((s, x) => s + x[k]!, 0) / Math.max(1, xs.length);
const line = (xs: Times[]) => ['total', ...Object.keys(PHASES)].map((k) => `${k} ${mean(xs, k).toFixed(2)}`).join(', ');
console.log(`${frames.length} frames over ${seconds.toFixed(1)} s; heavy = the ${heavy.length} heaviest by thread time`);
console.log(`heavy frames, mean thread ms: ${line(heavy.map((h) => h.cpu))}`);
console.log(`heavy frames, mean wall ms:   ${line(heavy.map((h) => h.wall))}`);
console.log(`other frames, mean thread ms: ${line(rest.map((h) => h.cpu))}`);

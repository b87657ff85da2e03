// Splits the renderer main thread's frames of a P8 trace (BENCH_PAGE_PROFILE=trace) into script, style,
// layout, paint and GC: `node --import tsx benchmarks/support/trace-frames.ts FILE [heavy-ms]`.
import { readFileSync } from 'node:fs';

interface Ev { name: string; ph: string; ts: number; dur?: number; pid: number; tid: number; args?: { name?: string } }

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
const heavyMs = Number(process.argv[3] ?? 8);
const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')!;
const onMain = events.filter((e) => e.ph === 'X' && e.pid === main.pid && e.tid === main.tid).sort((a, b) => a.ts - b.ts);
// A frame = the main-thread task that runs BeginMainFrame (rAF callbacks, microtasks, lifecycle).
const tasks = onMain.filter((e) => e.name === 'ThreadControllerImpl::RunTask');
const frames = onMain
  .filter((e) => e.name === 'WebFrameWidgetImpl::BeginMainFrame')
  .map((b) => tasks.find((t) => t.ts <= b.ts && t.ts + t.dur! >= b.ts + b.dur!) ?? b);

function phaseTimes(f: Ev): Record<string, number> {
  const end = f.ts + f.dur!;
  const out: Record<string, number> = { total: f.dur! / 1000, gc: 0 };
  for (const [phase, names] of Object.entries(PHASES)) {
    let covered = 0;
    let sum = 0;
    for (const e of onMain) {
      if (e.ts < f.ts || e.ts >= end || !names.includes(e.name) || e.ts < covered) continue;
      sum += e.dur!;
      covered = e.ts + e.dur!;
    }
    out[phase] = sum / 1000;
  }
  for (const e of onMain) if (e.ts >= f.ts && e.ts < end && (e.name === 'MinorGC' || e.name === 'MajorGC')) out.gc! += e.dur! / 1000;
  return out;
}

const all = frames.map(phaseTimes);
const heavy = all.filter((p) => p.total! >= heavyMs);
const keys = ['total', ...Object.keys(PHASES), 'gc'];
const mean = (xs: Record<string, number>[], k: string) => xs.reduce((s, x) => s + x[k]!, 0) / Math.max(1, xs.length);
console.log(`${frames.length} frames, ${heavy.length} with frame task ≥ ${heavyMs} ms`);
console.log(`mean ms of heavy frames: ${keys.map((k) => `${k} ${mean(heavy, k).toFixed(2)}`).join(', ')}`);
console.log(`mean ms of other frames: ${keys.map((k) => `${k} ${mean(all.filter((p) => p.total! < heavyMs), k).toFixed(2)}`).join(', ')}`);

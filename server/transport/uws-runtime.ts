// uWebSockets.js (the @trufflesuite build we pin) ships native binaries for a few Node ABIs only;
// on any other Node (22, 24…) it prints a warning and silently serves through a JavaScript `ws`
// shim, slower and with none of the limits we set on uWS. Start-up refuses that (main.ts).
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** Node major for each module ABI (`process.versions.modules`) the uWS build may ship. */
const NODE_OF_ABI: Record<string, string> = { '83': '14', '93': '16', '108': '18', '115': '20', '127': '22', '137': '24' };

/** Oldest Node the project supports (package.json engines). */
const MIN_NODE_MAJOR = 20;

export interface UwsRuntime {
  /** Whether the native binary is what `import 'uWebSockets.js'` gave us. */
  native: boolean;
  node: string;
  abi: string;
  platform: string;
  arch: string;
  /** ABIs the installed package has binaries for, on this platform and arch. */
  shippedAbis: string[];
}

/** What `import 'uWebSockets.js'` gives this process (loading it if nothing has yet). */
export function detectUwsRuntime(): UwsRuntime {
  require('uWebSockets.js'); // cached: the very module the app uses
  const { platform, arch } = process;
  const abi = process.versions.modules;
  const binaries = path.join(path.dirname(require.resolve('uWebSockets.js/package.json')), 'binaries');
  let shipped: string[] = [];
  try {
    const prefix = `uws_${platform}_${arch}_`;
    shipped = readdirSync(binaries)
      .filter((f) => f.startsWith(prefix) && f.endsWith('.node'))
      .map((f) => f.slice(prefix.length, -'.node'.length));
  } catch {
    // no binaries directory: nothing native can have loaded
  }
  const wanted = `uws_${platform}_${arch}_${abi}.node`;
  const native = Object.keys(require.cache).some((k) => path.basename(k) === wanted);
  return { native, node: process.versions.node, abi, platform, arch, shippedAbis: shipped };
}

/** Null when uWS runs natively; else the refusal, naming the Node versions that would work. */
export function uwsRuntimeProblem(rt: UwsRuntime): string | null {
  if (rt.native) return null;
  const majors = rt.shippedAbis
    .map((a) => NODE_OF_ABI[a])
    .filter((m): m is string => m !== undefined && Number(m) >= MIN_NODE_MAJOR)
    .sort((a, b) => Number(a) - Number(b));
  const supported =
    majors.length > 0
      ? majors.map((m) => (Number(m) === MIN_NODE_MAJOR ? `Node.js ${m} (${m}.19 or later)` : `Node.js ${m}`)).join(', ')
      : 'none on this platform';
  const why = rt.shippedAbis.includes(rt.abi)
    ? `uWebSockets.js did not load its native binary for Node.js ${rt.node} on ${rt.platform}-${rt.arch} (UWS_USE_FALLBACK set, or the binary failed to load):`
    : `uWebSockets.js has no native binary for Node.js ${rt.node} (module ABI ${rt.abi}) on ${rt.platform}-${rt.arch}:`;
  return [
    why,
    'it fell back to its JavaScript shim, which Paperbook does not run on (slow, and without the limits set on uWS).',
    `Supported here: ${supported}. Start Paperbook with one of these${process.env.UWS_USE_FALLBACK ? ', and unset UWS_USE_FALLBACK' : ''}.`,
  ].join('\n');
}

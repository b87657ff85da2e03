// Hostile Socket.IO clients speaking the raw Engine.IO/Socket.IO v4 text protocol over `ws` (no
// decoding of what they receive): a CONNECT flood, a resync flood, many idle sockets. Used by the
// socket abuse test and benchmarks/socket-abuse-bench.ts; run as a script (argv: JSON FloodPlan) it
// floods from its own process, so the flood's client CPU is not charged to the measuring process,
// and prints one JSON FloodResult line when done.
import WebSocket from 'ws';

export interface FloodPlan {
  url: string;
  kind: 'connect' | 'resync' | 'sockets';
  sockets: number;
  durationMs: number;
  /** resync: ms between resyncs per socket. */
  everyMs?: number;
  /** connect: the namespace and auth to CONNECT to, again and again. */
  nsp?: string;
  auth?: Record<string, unknown>;
  localAddress?: string;
}

export interface FloodResult {
  opened: number;
  refused: number;
  sent: number;
  /** Socket.IO CONNECT_ERROR packets received. */
  connectErrors: number;
  /** `snapshot` packets received. */
  snapshots: number;
  /** Distinct (epoch, seq) among them: each one is at least one snapshot the server built. */
  distinctHeads: number;
  bytes: number;
  closedByServer: number;
}

interface Raw {
  ws: WebSocket;
  closed: boolean;
}

function wsUrl(url: string): string {
  return `${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
}

/** An Engine.IO websocket that answered its open packet; null when the server refused it. */
export function openRaw(url: string, result: FloodResult, localAddress?: string, heads = new Set<string>()): Promise<Raw | null> {
  return new Promise((resolve) => {
    const ws = new WebSocket(wsUrl(url), localAddress ? { localAddress } : {});
    const raw: Raw = { ws, closed: false };
    let open = false;
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const s = data.toString();
      result.bytes += s.length;
      if (!open && s[0] === '0') {
        open = true;
        result.opened++;
        return resolve(raw);
      }
      if (s === '2')
        ws.send('3'); // Engine.IO ping → pong
      else if (s.startsWith('44')) result.connectErrors++;
      else if (s.startsWith('42') && s.slice(0, 40).includes('["snapshot"')) {
        result.snapshots++;
        const head = /"epoch":"([^"]+)","seq":(\d+)/.exec(s.slice(0, 200));
        if (head) heads.add(`${head[1]}:${head[2]}`);
        result.distinctHeads = heads.size;
      }
    });
    ws.on('close', () => {
      raw.closed = true;
      if (open) result.closedByServer++;
    });
    ws.on('error', () => {
      if (!open) {
        result.refused++;
        resolve(null);
      }
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function flood(plan: FloodPlan): Promise<FloodResult> {
  const result: FloodResult = { opened: 0, refused: 0, sent: 0, connectErrors: 0, snapshots: 0, distinctHeads: 0, bytes: 0, closedByServer: 0 };
  const heads = new Set<string>();
  const raws = (await Promise.all(Array.from({ length: plan.sockets }, () => openRaw(plan.url, result, plan.localAddress, heads)))).filter(
    (r): r is Raw => r !== null,
  );
  const end = Date.now() + plan.durationMs;
  const nsp = plan.nsp ?? '/public';
  if (plan.kind !== 'connect') for (const r of raws) r.ws.send(`40${nsp},{}`);
  while (Date.now() < end && raws.some((r) => !r.closed)) {
    for (const r of raws) {
      if (r.closed) continue;
      if (plan.kind === 'connect') {
        // As fast as the socket drains: each CONNECT is one packet of its own, like a real flood.
        while (r.ws.bufferedAmount < 64 * 1024 && !r.closed) {
          r.ws.send(`40${nsp},${JSON.stringify(plan.auth ?? {})}`);
          result.sent++;
          if (result.sent % 256 === 0) break;
        }
      } else if (plan.kind === 'resync') {
        r.ws.send(`42${nsp},["resync"]`);
        result.sent++;
      }
    }
    await sleep(plan.kind === 'resync' ? (plan.everyMs ?? 20) : 0);
  }
  for (const r of raws) r.ws.terminate();
  return result;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const plan = JSON.parse(process.argv[2]!) as FloodPlan;
  void flood(plan).then((r) => {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    process.exit(0);
  });
}

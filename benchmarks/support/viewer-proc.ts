// Lean viewers: raw WebSockets speaking just enough Engine.IO/Socket.IO (v4) to join /public,
// answer pings and count `delta` frames. Many per process; argv: port, count.
// Reports ready once every viewer has its snapshot.
import WebSocket from 'ws';
import { serveCommands } from './child.ts';

const port = Number(process.argv[2]);
const count = Number(process.argv[3]);
const CONCURRENT_DIALS = 100;

let frames = 0;
let bytes = 0;
let snapshots = 0;
let closedEarly = 0;
const sockets: WebSocket[] = [];

function dial(): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`, { perMessageDeflate: false });
    let joined = false;
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) return;
      const c = data[0];
      if (c === 0x34 /* '4' */) {
        // 42/public,["delta",…] — count deltas without parsing them.
        if (data[1] === 0x32 && data[12] === 0x64 /* 'd' of "delta" */) {
          frames++;
          bytes += data.length;
        } else if (data[1] === 0x32 && data[12] === 0x73 /* "snapshot" */) {
          snapshots++;
          if (!joined) {
            joined = true;
            resolve();
          }
        }
      } else if (c === 0x32 /* ping */) ws.send('3');
      else if (c === 0x30 /* open */) ws.send('40/public,');
    });
    ws.on('error', (e) => (joined ? undefined : reject(e)));
    ws.on('close', () => {
      if (joined) closedEarly++;
    });
    sockets.push(ws);
  });
}

async function main(): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      await dial();
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_DIALS, count) }, worker));
  serveCommands({
    counts: () => ({ frames, bytes, snapshots, closed: closedEarly, open: sockets.length - closedEarly }),
    close: () => {
      for (const s of sockets) s.terminate();
      return {};
    },
  });
  process.send?.({ type: 'ready', connected: sockets.length });
}

main().catch((err: unknown) => {
  process.send?.({ type: 'error', message: String(err) });
  process.exit(1);
});

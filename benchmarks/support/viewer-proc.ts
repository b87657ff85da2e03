// Lean viewers: many WebSockets per process speaking just enough Engine.IO/Socket.IO (v4) to join
// /public, answer pings and count `delta` frames. Argv: port, count, kind (`net` default, or `ws`).
// `net`: raw node:net sockets with a minimal frame scanner that counts the frames in each chunk
// (no per-message allocation or event): a viewer process costs far less CPU than the server it
// measures. `ws`: one `ws` client per socket (a message event per frame), kept to show the difference.
// Reports ready once every viewer has its snapshot.
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { serveCommands } from './child.ts';

const port = Number(process.argv[2]);
const count = Number(process.argv[3]);
const kind = process.argv[4] === 'ws' ? 'ws' : 'net';
const CONCURRENT_DIALS = 100;

let frames = 0;
let bytes = 0;
let snapshots = 0;
let closedEarly = 0;
let reads = 0;
const closers: Array<() => void> = [];

// Engine.IO/Socket.IO text payloads, by the bytes that tell them apart.
const P_OPEN = 0x30; // '0{…}'
const P_PING = 0x32; // '2'
const P_MSG = 0x34; // '4…'; '42/public,["delta",…' has 'd' at 12, '["snapshot"' 's' at 12

/** A client frame: FIN + text, masked with a zero key (legal; the payload is then sent as is). */
function clientFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length, 0, 0, 0, 0]), payload]);
}
const PONG_EIO = clientFrame('3');
const JOIN = clientFrame('40/public,');

function dialNet(): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ port, host: '127.0.0.1', noDelay: true });
    let upgraded = false;
    let joined = false;
    let head: Buffer | null = null; // an incomplete frame start carried to the next chunk
    let skip = 0; // payload bytes of the current frame still to skip
    const onPayload = (buf: Buffer, at: number, len: number, opcode: number): void => {
      if (opcode === 0x9) {
        sock.write(Buffer.from([0x8a, 0x80, 0, 0, 0, 0])); // WS ping → pong (empty)
        return;
      }
      if (opcode === 0x8) {
        sock.destroy();
        return;
      }
      const c = buf[at];
      if (c === P_MSG) {
        if (buf[at + 1] === 0x32 && buf[at + 12] === 0x64) {
          frames++;
          bytes += len;
        } else if (buf[at + 1] === 0x32 && buf[at + 12] === 0x73) {
          snapshots++;
          if (!joined) {
            joined = true;
            resolve();
          }
        }
      } else if (c === P_PING && len === 1) sock.write(PONG_EIO);
      else if (c === P_OPEN) sock.write(JOIN);
    };
    const scan = (chunk: Buffer): void => {
      reads++;
      let buf = chunk;
      let i = 0;
      if (skip > 0) {
        if (skip >= buf.length) {
          skip -= buf.length;
          return;
        }
        i = skip;
        skip = 0;
      }
      if (head) {
        buf = Buffer.concat([head, buf.subarray(i)]);
        i = 0;
        head = null;
      }
      const n = buf.length;
      while (i < n) {
        if (n - i < 2) {
          head = Buffer.from(buf.subarray(i));
          return;
        }
        const opcode = buf[i]! & 0x0f;
        let len = buf[i + 1]! & 0x7f;
        let h = 2;
        if (len === 126) {
          if (n - i < 4) {
            head = Buffer.from(buf.subarray(i));
            return;
          }
          len = buf.readUInt16BE(i + 2);
          h = 4;
        } else if (len === 127) {
          if (n - i < 10) {
            head = Buffer.from(buf.subarray(i));
            return;
          }
          len = Number(buf.readBigUInt64BE(i + 2));
          h = 10;
        }
        // The first 13 payload bytes decide what a frame is: wait for them if the chunk ends sooner.
        if (n - i - h < Math.min(len, 13)) {
          head = Buffer.from(buf.subarray(i));
          return;
        }
        onPayload(buf, i + h, len, opcode);
        const end = i + h + len;
        if (end > n) {
          skip = end - n;
          return;
        }
        i = end;
      }
    };
    sock.on('connect', () => {
      sock.write(
        `GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
          `Connection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    sock.on('data', (chunk: Buffer) => {
      if (upgraded) return scan(chunk);
      const all: Buffer = head ? Buffer.concat([head, chunk]) : chunk;
      const end = all.indexOf('\r\n\r\n');
      if (end < 0) {
        head = all;
        return;
      }
      head = null;
      if (!all.subarray(0, 12).toString().includes('101')) {
        sock.destroy();
        return reject(new Error(`upgrade refused: ${all.subarray(0, end).toString()}`));
      }
      upgraded = true;
      if (all.length > end + 4) scan(all.subarray(end + 4));
    });
    sock.on('error', (e) => (joined ? undefined : reject(e)));
    sock.on('close', () => {
      if (joined) closedEarly++;
      else reject(new Error('closed before snapshot'));
    });
    closers.push(() => sock.destroy());
  });
}

function dialWs(): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`, { perMessageDeflate: false });
    let joined = false;
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      reads++;
      if (isBinary) return;
      const c = data[0];
      if (c === P_MSG) {
        if (data[1] === 0x32 && data[12] === 0x64) {
          frames++;
          bytes += data.length;
        } else if (data[1] === 0x32 && data[12] === 0x73) {
          snapshots++;
          if (!joined) {
            joined = true;
            resolve();
          }
        }
      } else if (c === P_PING) ws.send('3');
      else if (c === P_OPEN) ws.send('40/public,');
    });
    ws.on('error', (e) => (joined ? undefined : reject(e)));
    ws.on('close', () => {
      if (joined) closedEarly++;
    });
    closers.push(() => ws.terminate());
  });
}

async function main(): Promise<void> {
  const dial = kind === 'ws' ? dialWs : dialNet;
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      await dial();
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_DIALS, count) }, worker));
  serveCommands({
    counts: () => ({ frames, bytes, snapshots, reads, closed: closedEarly, open: closers.length - closedEarly, cpu: process.cpuUsage() }),
    close: () => {
      for (const c of closers) c();
      return {};
    },
  });
  process.send?.({ type: 'ready', connected: closers.length });
}

main().catch((err: unknown) => {
  process.send?.({ type: 'error', message: String(err) });
  process.exit(1);
});

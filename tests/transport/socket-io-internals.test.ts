// The reach-ins of server/transport/socket/socket-io-internals.ts: the library versions they were
// written against (an upgrade fails here until they are re-checked), and each one at work against
// the real libraries: uWS + Socket.IO on port 0 with socket.io-client, and the cluster adapter's
// message type. The Redis path of the adapter tap also runs in tests/cluster/edge-stream.test.ts,
// edge-me.test.ts and uws-fast-path.test.ts; corked acks in tests/transport/signal-ingest.test.ts.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import uWS from 'uWebSockets.js';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { MessageType } from 'socket.io-adapter';
import type { Namespace } from 'socket.io';
import { createIoServer, publicNamespace, type IoServer, type PublicSocket } from '../../server/transport/socket/io-server.ts';
import { closeUwsApp, tapRelayedBroadcasts, uwsSocketOf, writePreEncoded } from '../../server/transport/socket/socket-io-internals.ts';

const require = createRequire(import.meta.url);

/** The version of `pkg` that `from` (a package name, or the project) actually loads. */
function loadedVersion(pkg: string, from: string): string {
  const req = from !== 'the project' ? createRequire(require.resolve(`${from}/package.json`)) : require;
  let dir = path.dirname(req.resolve(pkg));
  // Walk up from the entry point to the package's own package.json.
  for (;;) {
    try {
      const json = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version: string };
      // uWebSockets.js is installed under an alias: its package.json names the @trufflesuite build.
      if (json.name === pkg || dir.endsWith(`${path.sep}node_modules${path.sep}${pkg}`)) return json.version;
    } catch {
      // no package.json at this level: keep walking up
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json for ${pkg}`);
    dir = up;
  }
}

describe('library versions the reach-ins were written against', () => {
  it.each([
    ['socket.io', 'the project', '4.8.4', 'Socket#conn (engine.io socket) and its write(packet, {wsPreEncoded})'],
    ['engine.io', 'socket.io', '6.6.12', "transports-uws/websocket.js keeps the uWS socket in `socket`, named 'websocket'; Socket#write's wsPreEncoded option"],
    [
      'socket.io-adapter',
      'socket.io',
      '2.5.8',
      'ClusterAdapter#onMessage(message, offset) and MessageType.BROADCAST with data.packet / data.opts.rooms / data.requestId',
    ],
    ['socket.io-adapter', '@socket.io/redis-streams-adapter', '2.5.8', 'the same ClusterAdapter as the Redis Streams adapter extends'],
    ['@socket.io/redis-streams-adapter', 'the project', '0.3.1', 'it calls onMessage for each decoded stream entry (onRawMessage)'],
    ['uWebSockets.js', 'the project', '20.30.0-unofficial.0', 'TemplatedApp#close() exists (undeclared), WebSocket#cork'],
  ])('%s (as loaded by %s) is %s; on upgrade re-check: %s', (pkg, from, version, recheck) => {
    expect(loadedVersion(pkg, from), `re-check socket-io-internals.ts: ${recheck}`).toBe(version);
  });
});

describe('tapRelayedBroadcasts', () => {
  it('sees relayed broadcasts after local delivery, and only plain broadcasts to this namespace', () => {
    const order: string[] = [];
    const adapter = { onMessage: (m: { type: number }) => void order.push(`deliver ${m.type}`) };
    const nsp: Pick<Namespace, 'name' | 'adapter'> = { name: '/public', adapter: adapter as never };
    const seen: Array<[string[], unknown, unknown]> = [];
    tapRelayedBroadcasts(nsp, (rooms, event, arg) => {
      order.push('tap');
      seen.push([rooms, event, arg]);
    });
    const broadcast = (over: Record<string, unknown> = {}, data: Record<string, unknown> = {}) =>
      adapter.onMessage({
        type: MessageType.BROADCAST,
        nsp: '/public',
        uid: 'other',
        data: { packet: { type: 2, data: ['delta', { seq: 1 }], nsp: '/public' }, opts: { rooms: ['stream'], except: [], flags: {} }, ...data },
        ...over,
      } as never);
    broadcast();
    broadcast({ nsp: '/me' });
    broadcast({}, { requestId: 'r1' });
    broadcast({}, { opts: { rooms: [], except: [], flags: {} } });
    adapter.onMessage({ type: MessageType.SERVER_SIDE_EMIT, nsp: '/public', uid: 'other', data: { packet: ['x'] } } as never);
    expect(seen).toEqual([[['stream'], 'delta', { seq: 1 }]]);
    expect(order.slice(0, 2)).toEqual([`deliver ${MessageType.BROADCAST}`, 'tap']);
    expect(order.filter((o) => o.startsWith('deliver'))).toHaveLength(5);
  });

  it('refuses a namespace without a cluster adapter', () => {
    expect(() => tapRelayedBroadcasts({ name: '/public', adapter: {} as never }, () => undefined)).toThrow(/not a cluster adapter/);
  });
});

describe('on a real uWS + Socket.IO server', () => {
  let app: uWS.TemplatedApp;
  let listen: uWS.us_listen_socket;
  let io: IoServer;
  let url: string;
  const serverSockets: PublicSocket[] = [];
  const clients: ClientSocket[] = [];

  beforeAll(async () => {
    app = uWS.App();
    io = createIoServer(app, { maxSocketsPerIp: 0, maxConnectsPerSocket: 10, connectsPerIpPerSecond: 0 });
    publicNamespace(io).on('connection', (s) => void serverSockets.push(s));
    listen = await new Promise((resolve, reject) => app.listen('127.0.0.1', 0, (t) => (t ? resolve(t) : reject(new Error('listen')))));
    url = `http://127.0.0.1:${uWS.us_socket_local_port(listen)}`;
  });
  afterAll(() => {
    for (const c of clients) c.close();
    io?.close();
  });

  const client = async (transports: Array<'websocket' | 'polling'>): Promise<{ c: ClientSocket; s: PublicSocket }> => {
    const before = serverSockets.length;
    const c = connect(`${url}/public`, { transports, upgrade: false, reconnection: false, forceNew: true });
    clients.push(c);
    await new Promise<void>((resolve, reject) => (c.once('connect', resolve), c.once('connect_error', reject)));
    for (let i = 0; i < 100 && serverSockets.length === before; i++) await new Promise((r) => setTimeout(r, 10));
    return { c, s: serverSockets[serverSockets.length - 1]! };
  };

  it('uwsSocketOf: the uWS WebSocket under a websocket client, which corks; none under polling', async () => {
    const ws = await client(['websocket']);
    const uwsWs = uwsSocketOf(ws.s);
    expect(uwsWs).not.toBeNull();
    let ran = false;
    uwsWs!.cork(() => (ran = true));
    expect(ran).toBe(true);
    const polling = await client(['polling']);
    expect(uwsSocketOf(polling.s)).toBeNull();
  });

  it('writePreEncoded: a pre-encoded packet arrives as that event on websocket and polling', async () => {
    for (const transports of [['websocket'], ['polling']] as const) {
      const { c, s } = await client([...transports]);
      const got = new Promise((resolve) => c.once('snapshot', resolve));
      const packet = `2/public,${JSON.stringify(['snapshot', { seq: 7 }])}`;
      writePreEncoded(s, packet, `4${packet}`);
      expect(await got).toEqual({ seq: 7 });
    }
  });

  it('closeUwsApp closes the listen socket and open connections', async () => {
    const other = uWS.App();
    other.get('/*', (res) => void res.end('ok'));
    const l = await new Promise<uWS.us_listen_socket>((resolve, reject) => other.listen('127.0.0.1', 0, (t) => (t ? resolve(t) : reject(new Error('listen')))));
    const otherUrl = `http://127.0.0.1:${uWS.us_socket_local_port(l)}/`;
    expect(await (await fetch(otherUrl)).text()).toBe('ok');
    closeUwsApp(other, l);
    await expect(fetch(otherUrl)).rejects.toThrow();
  });
});

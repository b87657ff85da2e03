// The two pieces every test proxy shares: joining a client to its upstream (either side closing or
// failing drops both), and listening on a free loopback port.
import net from 'node:net';

/** Pipes `client` ⇄ `upstream`, tracked in `sockets` until either side ends. */
export function splice(sockets: Set<net.Socket>, client: net.Socket, upstream: net.Socket): void {
  sockets.add(client).add(upstream);
  const drop = (): void => {
    client.destroy();
    upstream.destroy();
    sockets.delete(client);
    sockets.delete(upstream);
  };
  client.on('error', drop).on('close', drop);
  upstream.on('error', drop).on('close', drop);
  client.pipe(upstream).pipe(client);
}

/** Listens on 127.0.0.1 at a free port and returns it. */
export async function listenLoopback(server: net.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
}

/** Destroys every tracked socket and closes the server. */
export async function closeAll(server: net.Server, sockets: Set<net.Socket>): Promise<void> {
  for (const s of sockets) s.destroy();
  sockets.clear();
  await new Promise<void>((r) => server.close(() => r()));
}

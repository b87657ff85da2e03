// A toy TCP load balancer for tests: each new connection goes to the first backend that accepts,
// so when an edge dies its viewers' reconnects land on the next one.
import net from 'node:net';
import { closeAll, listenLoopback, splice } from '../helpers/tcp-pipe.ts';

export class FailoverProxy {
  private server: net.Server;
  private sockets = new Set<net.Socket>();
  port = 0;
  /** Connections handed to each backend port. */
  readonly served = new Map<number, number>();

  constructor(private backends: number[]) {
    this.server = net.createServer((client) => {
      this.sockets.add(client);
      client.pause();
      this.connect(client, 0);
    });
  }

  private connect(client: net.Socket, i: number): void {
    const port = this.backends[i];
    if (port === undefined) return void client.destroy();
    const upstream = net.connect(port, '127.0.0.1');
    let up = false;
    upstream.once('error', () => {
      if (!up) this.connect(client, i + 1); // refused: try the next backend
    });
    upstream.once('connect', () => {
      up = true;
      this.served.set(port, (this.served.get(port) ?? 0) + 1);
      splice(this.sockets, client, upstream);
      client.resume();
    });
  }

  async start(): Promise<this> {
    this.port = await listenLoopback(this.server);
    return this;
  }

  async stop(): Promise<void> {
    await closeAll(this.server, this.sockets);
  }
}

// A TCP proxy we control, put between the server and PostgreSQL to cut the database off on demand.
import net from 'node:net';
import { closeAll, listenLoopback, splice } from './tcp-pipe.ts';

export class TcpProxy {
  private server: net.Server;
  private sockets = new Set<net.Socket>();
  private down = false;
  port = 0;

  constructor(
    private targetHost: string,
    private targetPort: number,
  ) {
    this.server = net.createServer((client) => {
      if (this.down) {
        client.destroy();
        return;
      }
      splice(this.sockets, client, net.connect(this.targetPort, this.targetHost));
    });
  }

  async start(): Promise<this> {
    this.port = await listenLoopback(this.server);
    return this;
  }

  /** Drops every connection and refuses new ones until restore(). */
  cut(): void {
    this.down = true;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  restore(): void {
    this.down = false;
  }

  /** Rewrites a postgres URL to go through this proxy. */
  url(dbUrl: string): string {
    const u = new URL(dbUrl);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  async stop(): Promise<void> {
    this.down = true;
    await closeAll(this.server, this.sockets);
  }
}

// ROLE=engine while standing by: answers /healthz 200 (the process is up) and /readyz 503 naming
// why (not the leader), so a load balancer never sends bots here. Everything else answers 503
// UNAVAILABLE (nothing stored: retry). Closed when this engine takes over; the app then listens on
// the same port.
import uWS from 'uWebSockets.js';
import type { Logger } from '../logger.ts';
import { HttpRouter } from '../transport/http/http-router.ts';
import { registerOpsRoutes } from '../transport/http/ops-routes.ts';
import { SIGNAL_DOORS } from '../transport/http/signal-routes.ts';
import { closeUwsApp } from '../transport/socket/socket-io-internals.ts';
import { listen } from '../wiring/http-surface.ts';

export interface StandbyServer {
  url: string;
  close(): void;
}

export async function startStandbyServer(o: { host: string; port: number; log: Logger }): Promise<StandbyServer> {
  const app = uWS.App();
  const router = new HttpRouter(o.log.child({ module: 'standby-http' }));
  registerOpsRoutes(
    router,
    {
      info: { role: 'engine', leader: false },
      checks: async () => ({ leader: 'standby: another engine holds the leadership lock' }),
    },
    async () => '# standby engine: no metrics until it takes over\npaperbook_engine_leader 0\n',
  );
  const unavailable = (ex: Parameters<Parameters<HttpRouter['otherwise']>[0]>[0]) =>
    ex.json(503, { error: { code: 'UNAVAILABLE', message: 'standby engine: not the leader; nothing was stored, retry on the active engine' } });
  for (const path of SIGNAL_DOORS) router.post(path, unavailable);
  router.otherwise(unavailable);
  router.mount(app);
  const listening = await listen(app, o.host, o.port);
  let closed = false;
  return {
    url: listening.url,
    close() {
      if (closed) return;
      closed = true;
      // Closes the listen socket and every open connection (a load balancer's keep-alive probe must
      // not go on reading this 503 after the app took over the port).
      closeUwsApp(app, listening.listenSocket);
    },
  };
}

// The HTTP side every role ends with: the page's static files behind the routes, the router mounted
// on the uWS app, and listening (with the URL to show).
import uWS from 'uWebSockets.js';
import type { Config } from '../config.ts';
import type { HttpRouter } from '../transport/http/http-router.ts';
import { publicStatics } from '../transport/http/http-front.ts';
import { registerTradePage } from '../transport/http/trade-page.ts';
import { registerApiDocsRoutes } from '../transport/http/api-docs-routes.ts';
import type { TradeJson } from '../../shared/protocol-types.ts';

/** Serves the built page for GETs no route matched (a trade's page with its preview tags), then mounts the router. */
export function mountWithPage(
  app: uWS.TemplatedApp,
  router: HttpRouter,
  config: Config,
  webRoot: string,
  tradeOf: (id: number) => Promise<TradeJson | null>,
): void {
  const statics = publicStatics(config, webRoot);
  registerTradePage(router, statics, tradeOf, config.publicUrl);
  registerApiDocsRoutes(router, statics);
  router.otherwise((ex) => statics.serve(ex));
  router.mount(app);
}

export interface Listening {
  listenSocket: uWS.us_listen_socket;
  port: number;
  /** For people: `localhost` for a wildcard host. */
  url: string;
}

export async function listen(app: uWS.TemplatedApp, host: string, port: number): Promise<Listening> {
  const listenSocket = await new Promise<uWS.us_listen_socket>((resolve, reject) => {
    app.listen(host, port, (token) => (token ? resolve(token) : reject(new Error(`cannot listen on ${host}:${port}`))));
  });
  // uWS: "Gets local port of socket (or listenSocket)".
  const bound = uWS.us_socket_local_port(listenSocket);
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return { listenSocket, port: bound, url: `http://${shownHost}:${bound}` };
}

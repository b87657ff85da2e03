// The HTTP front as configured, built the same way by every role that serves the public surface
// (ROLE=all and ROLE=edge), so a limit set on one cannot be missing on the other.
import type { Config } from '../../config.ts';
import type { Logger } from '../../logger.ts';
import { HttpRouter } from './http-router.ts';
import { IpRateLimit } from './ip-rate-limit.ts';
import { StaticFiles } from './static-files.ts';

export type HttpFrontConfig = Pick<Config, 'httpRateLimit' | 'httpMaxUrlBytes' | 'publicUrl' | 'cspConnectSrc'>;

/** The router with the URL cap, PUBLIC_URL links and the per-IP REST budget. */
export function publicRouter(config: HttpFrontConfig, log: Logger): HttpRouter {
  return new HttpRouter(log, { maxUrlBytes: config.httpMaxUrlBytes, publicUrl: config.publicUrl }).limitApi(new IpRateLimit(config.httpRateLimit));
}

/** The built page, with its CSP's connect-src from PUBLIC_URL and CSP_CONNECT_SRC. */
export function publicStatics(config: HttpFrontConfig, root: string): StaticFiles {
  return new StaticFiles(root, { publicUrl: config.publicUrl, connectSrc: config.cspConnectSrc });
}

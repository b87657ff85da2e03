// A real Paperbook server for tests: uWS + Socket.IO on 127.0.0.1:0, its own PostgreSQL database,
// PRICE_FEED=bot so tests drive prices through the bot socket.
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { startApp, type AppHandle, type AppOptions } from '../../server/app.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';
import { warnIfFails } from './best-effort.ts';

export interface TestServer {
  url: string;
  port: number;
  botToken: string;
  app: AppHandle;
  db: TestDatabase;
  stop(): Promise<void>;
}

export async function startTestServer(
  env: Record<string, string> = {},
  opts: {
    db?: TestDatabase;
    signalsPerSecond?: number;
    keepDatabase?: boolean;
    app?: Pick<AppOptions, 'authLimits' | 'scrypt' | 'tokenRecheckMs' | 'botListingRecheckMs'>;
  } = {},
): Promise<TestServer> {
  const db = opts.db ?? (await createTestDatabase());
  const botToken = env.BOT_TOKEN ?? `test-${randomBytes(12).toString('hex')}`;
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    PRICE_FEED: 'bot',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    BROADCAST_INTERVAL_MS: '20',
    // Tests drive REST far faster than a person: the per-IP limit is tested on its own (abuse-limits).
    HTTP_RATE_LIMIT: '0',
    // Likewise the per-account budget (tests/users/user-caps.test.ts).
    USER_REQUESTS_PER_SECOND: '0',
    USER_REQUESTS_PER_MINUTE: '0',
    // Likewise for sockets: every test viewer comes from 127.0.0.1 (limits tested in socket-abuse).
    MAX_SOCKETS_PER_IP: '0',
    SOCKET_CONNECTS_PER_IP: '0',
    ...env,
    DATABASE_URL: db.url,
    BOT_TOKEN: botToken,
  });
  const app = await startApp(config, {
    log: createLogger(config.logLevel),
    ...(opts.signalsPerSecond ? { signalsPerSecond: opts.signalsPerSecond } : {}),
    ...opts.app,
  });
  const url = `http://127.0.0.1:${app.port}`;
  let stopped = false;
  return {
    url,
    port: app.port,
    botToken,
    app,
    db,
    async stop() {
      if (stopped) return;
      stopped = true;
      await app.close();
      if (!opts.keepDatabase) await db.drop().catch(warnIfFails('dropping the test database'));
    },
  };
}

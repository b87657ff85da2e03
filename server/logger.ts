// One root pino logger; modules take a named child (`logger.child({ module: 'book' })`).
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { app: 'paperbook' },
    // Tokens and passwords never reach the log, whatever a caller passes.
    redact: ['token', 'password', 'auth.token', 'headers.authorization', '*.token', '*.password'],
  });
}

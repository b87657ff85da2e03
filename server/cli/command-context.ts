// What every CLI command gets: output streams and the database opened like the server opens it.
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';

export interface CommandContext {
  config: Config;
  log: Logger;
  /** A line of results (stdout). */
  out(line: string): void;
  /** A line for the operator (stderr), kept out of piped results. */
  err(line: string): void;
  /** Opens the database (migrating it first unless told not to), runs `fn`, always closes it. */
  withDatabase<T>(fn: (orm: MikroORM) => Promise<T>, opts?: { migrate?: boolean }): Promise<T>;
}

export function createCommandContext(config: Config, log: Logger): CommandContext {
  return {
    config,
    log,
    out: (line) => process.stdout.write(line + '\n'),
    err: (line) => process.stderr.write(line + '\n'),
    async withDatabase(fn, opts = {}) {
      // Loaded here: a command without a database (witness) does not load the ORM (≈1 s).
      const { openCliDatabase } = await import('./cli-database.ts');
      const db = await openCliDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, log, migrate: opts.migrate ?? true });
      log.debug({ via: db.via }, 'database open');
      try {
        return await fn(db.orm);
      } finally {
        await db.close();
      }
    },
  };
}

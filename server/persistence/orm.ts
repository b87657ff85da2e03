// Opens MikroORM on a URL and brings the schema up to date with the committed migrations.
import { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { buildOrmConfig, type OrmConfigInput } from '../../mikro-orm.config.ts';
import { toStoreError } from './errors.ts';

export type Orm = MikroORM;

export interface InitOrmOptions extends Omit<OrmConfigInput, 'clientUrl' | 'onWarn'> {
  logger?: Logger;
  /** Run pending migrations (default true). */
  migrate?: boolean;
}

export async function initOrm(url: string, opts: InitOrmOptions = {}): Promise<MikroORM> {
  const log = opts.logger?.child({ module: 'orm' });
  const { logger: _logger, migrate = true, ...rest } = opts;
  const orm = await MikroORM.init(buildOrmConfig({ ...rest, clientUrl: url, onWarn: (m) => log?.warn({ detail: m }, 'database pool warning') }));
  if (migrate) {
    try {
      const applied = await orm.getMigrator().up();
      if (applied.length > 0) log?.info({ migrations: applied.map((m) => m.name) }, 'migrations applied');
    } catch (err) {
      // The migration's error is what the caller gets; closing the pool after it is best effort.
      await orm.close(true).catch((closeErr: unknown) => log?.warn({ err: closeErr }, 'closing the ORM after a failed migration failed'));
      throw toStoreError(err);
    }
  }
  return orm;
}

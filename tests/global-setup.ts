// Vitest globalSetup: one PostgreSQL for the whole run. DATABASE_URL when set (its server is used
// for per-file databases), else one embedded server in a temp dir, stopped at teardown.
// Test files get the admin URL through `inject('pgAdminUrl')`.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import type { TestProject } from 'vitest/node';
import { startEmbeddedServer } from '../server/persistence/database.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.DATABASE_URL;
  if (given) {
    project.provide('pgAdminUrl', given);
    return async () => {};
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'paperbook-test-pg-'));
  await chmod(dir, 0o755); // the `postgres` system user (when running as root) must reach it
  const server = await startEmbeddedServer(path.join(dir, 'pg'), pino({ level: process.env.TEST_PG_LOG ?? 'warn' }));
  project.provide('pgAdminUrl', server.adminUrl);
  return async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  };
}

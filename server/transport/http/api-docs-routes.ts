// SPEC §14: `GET /api/openapi.json`, `GET /api/asyncapi.json` (built once: they are constant) and the
// reference page `/api/docs` (web/api/docs.html, its own bundle). Public, cacheable, any origin.
import { readFileSync } from 'node:fs';
import { asyncApiDocument } from '../../api-docs/asyncapi.ts';
import { openApiDocument } from '../../api-docs/openapi.ts';
import type { Exchange } from './http-io.ts';
import type { HttpRouter } from './http-router.ts';
import type { StaticFiles } from './static-files.ts';

const VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export function registerApiDocsRoutes(router: HttpRouter, statics: Pick<StaticFiles, 'serve'>): void {
  let openapi: string | null = null;
  let asyncapi: string | null = null;
  const send = (ex: Exchange, body: string) =>
    ex.header('access-control-allow-origin', '*').header('cache-control', 'public, max-age=300').send(200, body, 'application/json; charset=utf-8');
  router.get('/api/openapi.json', (ex) => send(ex, (openapi ??= JSON.stringify(openApiDocument(VERSION)))));
  router.get('/api/asyncapi.json', (ex) => send(ex, (asyncapi ??= JSON.stringify(asyncApiDocument(VERSION)))));
  router.get('/api/docs', (ex) => statics.serve(ex));
}

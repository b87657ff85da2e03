// SPEC §14: `GET /api/openapi.json` (OpenAPI 3.1) and `GET /api/asyncapi.json` (AsyncAPI 3), checked by
// independent parsers (@readme/openapi-parser, @asyncapi/parser), and against the running server:
// every route it registers is described, and every described route exists. Request schemas are the
// validators' own: a body the description calls valid is accepted, one it calls invalid is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validate } from '@readme/openapi-parser';
import { Parser } from '@asyncapi/parser';
import { startTestServer, type TestServer } from '../helpers/server.ts';

type Json = Record<string, unknown>;
const openApiPath = (p: string) => p.replace(/:([A-Za-z_]+)/g, '{$1}');

describe('API descriptions', { timeout: 120_000 }, () => {
  let server: TestServer;
  let openapi: Json;
  let asyncapi: Json;

  beforeAll(async () => {
    server = await startTestServer();
    const [a, b] = await Promise.all(['/api/openapi.json', '/api/asyncapi.json'].map((p) => fetch(`${server.url}${p}`)));
    expect([a!.status, b!.status, a!.headers.get('content-type')]).toEqual([200, 200, 'application/json; charset=utf-8']);
    openapi = (await a!.json()) as Json;
    asyncapi = (await b!.json()) as Json;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('OpenAPI 3.1 passes @readme/openapi-parser', async () => {
    expect(openapi.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(openapi) as never);
    expect(result.valid, JSON.stringify(result.valid ? null : result.errors).slice(0, 2000)).toBe(true);
  });

  it('AsyncAPI 3 passes @asyncapi/parser with no error', async () => {
    expect(asyncapi.asyncapi).toBe('3.0.0');
    const diagnostics = await new Parser().validate(JSON.stringify(asyncapi));
    const errors = diagnostics.filter((d) => d.severity === 0);
    expect(errors.map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
    const channels = asyncapi.channels as Record<string, { address: string; messages: Record<string, { name: string }> }>;
    expect(Object.values(channels).map((c) => c.address)).toEqual(['/public', '/bot', '/me']);
    expect(Object.values(channels.bot!.messages).map((m) => m.name)).toEqual(
      expect.arrayContaining(['signal', 'signal:text', 'signal:update', 'signal:cancel', 'prices']),
    );
  });

  it('describes exactly the routes the server registers', () => {
    const registered = new Set(server.app.routes().map((r) => `${r.method} ${openApiPath(r.path)}`));
    const described = new Set<string>();
    for (const [path, ops] of Object.entries(openapi.paths as Record<string, Json>))
      for (const m of Object.keys(ops)) described.add(`${m.toUpperCase()} ${path}`);
    expect(
      [...registered].filter((r) => !described.has(r)),
      'registered but not described',
    ).toEqual([]);
    expect(
      [...described].filter((d) => !registered.has(d)),
      'described but not registered',
    ).toEqual([]);
  });

  it('request schemas are the validators’: the server agrees with what the description requires', async () => {
    const signal = ((openapi.paths as Json)['/api/signals'] as Json).post as Json;
    const schema = (((signal.requestBody as Json).content as Json)['application/json'] as Json).schema as Json;
    expect(schema.required).toEqual(expect.arrayContaining(['symbol', 'direction', 'entry', 'tp', 'sl']));
    expect((schema.properties as Json).direction).toEqual({ type: 'string', enum: ['LONG', 'SHORT'] });
    const list = ((openapi.paths as Json)['/api/public/paper-trading/'] as Json).get as Json;
    const names = (list.parameters as Json[]).map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['page', 'page_size', 'ordering', 'status', 'symbol', 'bot']));
    // A value the description's enum leaves out is one the server refuses, naming the field.
    const r = await fetch(`${server.url}/api/public/paper-trading/?direction=SIDEWAYS`);
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { field: string } }).error.field).toBe('direction');
  });
});

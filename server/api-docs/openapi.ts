// OpenAPI 3.1 for the HTTP API (SPEC §14: `GET /api/openapi.json`), from HTTP_OPERATIONS and the
// validators' zod schemas. Built once per process (it is constant) and served as-is.
import { HTTP_OPERATIONS, type HttpOperation } from './http-operations.ts';
import { jsonSchema, queryParameters, type JsonSchema } from './json-schema.ts';

const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' } },
    },
  },
};

/** `/api/signals/:id` → `/api/signals/{id}`. */
export const openApiPath = (path: string): string => path.replace(/:([A-Za-z_]+)/g, '{$1}');

function operation(op: HttpOperation): JsonSchema {
  const parameters: JsonSchema[] = [];
  for (const [name, description] of Object.entries(op.params ?? {}))
    parameters.push({ name, in: 'path', required: true, description, schema: { type: 'string' } });
  if (op.query) parameters.push(...queryParameters(op.query));
  const out: JsonSchema = {
    operationId: `${op.method.toLowerCase()}${openApiPath(op.path).replace(/[^A-Za-z0-9]+(.)?/g, (_, c?: string) => (c ? c.toUpperCase() : ''))}`,
    tags: [op.tag],
    summary: op.summary,
    parameters,
    responses: Object.fromEntries(
      Object.entries(op.responses).map(([status, r]) => {
        const type = r.type ?? 'application/json';
        const schema =
          status.startsWith('4') || status.startsWith('5')
            ? type === 'application/json'
              ? ERROR_SCHEMA
              : { type: 'string' }
            : type === 'application/json'
              ? {}
              : { type: 'string' };
        return [status, { description: r.description, content: { [type]: { schema } } }];
      }),
    ),
  };
  if (op.body) {
    out.requestBody =
      'schema' in op.body
        ? { required: true, content: { 'application/json': { schema: jsonSchema(op.body.schema) } } }
        : { required: true, description: op.body.text, content: { 'text/plain': { schema: { type: 'string' } } } };
  }
  if (op.auth === 'bot') out.security = [{ botToken: [] }];
  if (op.auth === 'user') out.security = [{ userToken: [] }];
  return out;
}

export function openApiDocument(version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const op of HTTP_OPERATIONS) (paths[openApiPath(op.path)] ??= {})[op.method.toLowerCase()] = operation(op);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Paperbook HTTP API',
      version,
      description:
        'Real-time paper trading for signal bots. Request shapes are generated from the validators; answers are described in docs/protocol.md. Sockets: /api/asyncapi.json.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/' }],
    tags: ['Public record', 'Bots', 'Users', 'Operations', 'Pages'].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        botToken: { type: 'http', scheme: 'bearer', description: 'A bot token (npm run cli -- token:create --kind bot --name NAME)' },
        userToken: { type: 'http', scheme: 'bearer', description: 'A user token (POST /api/auth/login)' },
      },
    },
  };
}

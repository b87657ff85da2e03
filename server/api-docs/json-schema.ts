// Request schemas for the API descriptions, generated from the zod schemas the server validates
// with (zod 4's JSON Schema output, the input side: what a client may send, before defaults and
// transforms). One place, so OpenAPI and AsyncAPI show the same shapes the validators enforce.
import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

/** `target`: OpenAPI 3.1 speaks JSON Schema 2020-12; AsyncAPI 3's default schema format is draft 7. */
export function jsonSchema(schema: z.ZodType, target: 'draft-2020-12' | 'draft-7' = 'draft-2020-12'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target }) as JsonSchema;
  return rest;
}

/** An object schema's properties as query parameters (OpenAPI `in: query`). */
export function queryParameters(schema: z.ZodType): JsonSchema[] {
  const s = jsonSchema(schema);
  const props = (s.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((s.required ?? []) as string[]);
  return Object.entries(props).map(([name, p]) => ({ name, in: 'query', required: required.has(name) && !('default' in p), schema: p }));
}

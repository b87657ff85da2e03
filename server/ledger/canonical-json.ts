// Canonical JSON for hashing: object keys sorted at every depth, no whitespace, Dates as ISO text.
// jsonb round-trips such values unchanged (it reorders keys, which canonical form undoes).

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Plain JSON value of `v` (Dates → ISO strings, undefined properties dropped). */
export function toJson(v: unknown): Json {
  return JSON.parse(JSON.stringify(v)) as Json;
}

export function canonicalJson(v: Json): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(v).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k]!)}`).join(',')}}`;
}

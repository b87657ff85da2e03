// Canonical JSON for hashing: object keys sorted at every depth, no whitespace, Dates as ISO text.
// jsonb round-trips such values unchanged (it reorders keys, which canonical form undoes).

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Plain JSON value of `v` (Dates → ISO strings, undefined properties dropped). Lone UTF-16
 * surrogates become U+FFFD, as PostgreSQL stores them in text columns (jsonb rejects them).
 */
export function toJson(v: unknown): Json {
  const text = JSON.stringify(v);
  // JSON.stringify writes a lone surrogate as a `\udXXX` escape (paired ones stay raw), so text
  // without such an escape has none and needs no reviver (the reviver path costs ~3× as much).
  if (!ESCAPED_SURROGATE.test(text)) return JSON.parse(text) as Json;
  return JSON.parse(text, (_k, val: unknown) => (typeof val === 'string' ? val.replace(LONE_SURROGATE, '\ufffd') : val)) as Json;
}

/** `\ud800`–`\udfff` as JSON.stringify escapes them (a preceding `\\` only makes a false positive). */
const ESCAPED_SURROGATE = /\\ud[89a-f]/;

export function canonicalJson(v: Json): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(v).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k]!)}`).join(',')}}`;
}

/** `s` as a PostgreSQL text value holds it: lone surrogates become U+FFFD. */
export function storable(s: string): string {
  return s.replace(LONE_SURROGATE, '\ufffd');
}

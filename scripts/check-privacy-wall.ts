// Lint step: the privacy wall as structure. Only server/privacy/trade-scope.ts may write the SQL owner predicate
// (system vs one user's trades) or a trade status list; any other server file that does fails with file:line (issue 18, item 4).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The one file that owns the predicate and the status lists, and the migrations (history, never rewritten). */
export const WALL_ALLOWED = [/^server\/privacy\/trade-scope\.ts$/, /^server\/persistence\/migrations\//];

const RULES: { pattern: RegExp; what: string }[] = [
  { pattern: /\buser_id\s+is\s+(not\s+)?null\b/i, what: 'owner predicate (user_id is [not] null)' },
  { pattern: /\buser_id\s*=\s*(\?|\$\d+|\$\{)/i, what: 'owner predicate (user_id = <param>)' },
  { pattern: /\buser_id\s+in\s*\(/i, what: 'owner predicate (user_id in (...))' },
  { pattern: /\bstatus\s+in\s*\(\s*'OPEN'/i, what: "trade status list (status in ('OPEN'...)" },
  { pattern: /\bstatus\s+in\s*\(\s*\$\{/i, what: 'trade status list built in place (status in (${...}))' },
  { pattern: /'OPEN'\s*,\s*'PENDING'|'PENDING'\s*,\s*'OPEN'/i, what: "open status list ('OPEN', 'PENDING')" },
  { pattern: /'CLOSED_[A-Z]+'\s*,\s*'CLOSED_[A-Z]+'/i, what: 'closed status list (CLOSED_* literals)' },
];

export type WallViolation = { file: string; line: number; what: string; text: string };

/** Replaces comments by spaces (newlines kept, so line numbers hold); strings and template literals are left as they are. */
export function stripComments(source: string): string {
  let out = '';
  let i = 0;
  let quote: string | undefined;
  while (i < source.length) {
    const c = source[i]!;
    const next = source[i + 1];
    if (quote !== undefined) {
      out += c;
      if (c === '\\') {
        out += next ?? '';
        i += 2;
        continue;
      }
      if (c === quote) quote = undefined;
      i++;
    } else if (c === '/' && next === '/') {
      const end = source.indexOf('\n', i);
      const stop = end === -1 ? source.length : end;
      out += ' '.repeat(stop - i);
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end === -1 ? source.length : end + 2;
      out += source.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else {
      if (c === "'" || c === '"' || c === '`') quote = c;
      out += c;
      i++;
    }
  }
  return out;
}

/** Violations in one file's source; `file` is relative to the repository root with forward slashes. */
export function scanSource(file: string, source: string): WallViolation[] {
  if (WALL_ALLOWED.some((allowed) => allowed.test(file))) return [];
  const out: WallViolation[] = [];
  const original = source.split('\n');
  stripComments(source)
    .split('\n')
    .forEach((line, index) => {
      const found = RULES.filter(({ pattern }) => pattern.test(line)).map(({ what }) => what);
      if (found.length > 0) out.push({ file, line: index + 1, what: found.join('; '), text: original[index]!.trim() });
    });
  return out;
}

/** Every .ts file under `root`/server, scanned. */
export function scanTree(root: string): WallViolation[] {
  const out: WallViolation[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith('.ts')) out.push(...scanSource(rel, readFileSync(path.join(root, rel), 'utf8')));
    }
  };
  walk('server');
  return out;
}

export function formatViolations(violations: WallViolation[]): string {
  return violations.map((v) => `${v.file}:${v.line}: ${v.what}: ${v.text}`).join('\n');
}

function main(): void {
  const violations = scanTree(process.cwd());
  if (violations.length === 0) {
    console.log('privacy wall: no owner predicate or status list outside server/privacy/trade-scope.ts');
    return;
  }
  console.error(formatViolations(violations));
  console.error(`${violations.length} privacy-wall violation(s): use the scope's exports from server/privacy/trade-scope.ts instead.`);
  process.exitCode = 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();

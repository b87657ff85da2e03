// Bundle budgets (gzipped), run after `vite build`: the dashboard's JS+CSS (everything index.html
// loads, following static imports) ≤ 120 KB; widget.js ≤ 25 KB. Exits 1 when over budget.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const KB = 1024;
const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'web', 'dist');

interface Budget {
  name: string;
  entry: string;
  limitKb: number | null;
}

const budgets: Budget[] = [
  { name: 'dashboard (index.html)', entry: 'index.html', limitKb: 120 },
  { name: 'widget (widget.js)', entry: 'widget.js', limitKb: 25 },
  { name: 'embed page (embed/ticker.html)', entry: 'embed/ticker.html', limitKb: null },
];

/** JS/CSS files an HTML or JS file pulls in, resolved inside dist; follows JS imports transitively. */
function assetsOf(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    const text = readFileSync(join(dist, file), 'utf8');
    const refs = file.endsWith('.html')
      ? [...text.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => m[1]!)
      : [...text.matchAll(/["'`](\.{1,2}\/[^"'`]+\.(?:js|css))["'`]/g)].map((m) => m[1]!);
    for (const ref of refs) {
      if (/^[a-z]+:\/\//i.test(ref)) continue;
      const resolved = ref.startsWith('/') ? normalize(ref.slice(1)) : normalize(join(dirname(file), ref));
      if (seen.has(resolved) || !existsSync(join(dist, resolved))) continue;
      seen.add(resolved);
      if (resolved.endsWith('.js')) visit(resolved);
    }
  };
  if (entry.endsWith('.js')) seen.add(entry);
  visit(entry);
  return [...seen].sort();
}

const gz = (file: string) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
const fmt = (bytes: number) => `${(bytes / KB).toFixed(1)} KB`;

if (!existsSync(join(dist, 'index.html'))) {
  console.error(`check-bundle-size: ${relative(process.cwd(), dist)}/index.html missing; run the build first`);
  process.exit(1);
}

let failed = false;
for (const b of budgets) {
  if (!existsSync(join(dist, b.entry))) {
    console.error(`✗ ${b.name}: ${b.entry} missing`);
    failed = true;
    continue;
  }
  const files = assetsOf(b.entry);
  let total = 0;
  for (const f of files) total += gz(f);
  const over = b.limitKb !== null && total > b.limitKb * KB;
  failed ||= over;
  const limit = b.limitKb === null ? '(no budget)' : `/ ${b.limitKb} KB`;
  console.log(`${over ? '✗' : '✓'} ${b.name}: ${fmt(total)} gzipped ${limit}`);
  for (const f of files) console.log(`    ${f}  ${fmt(gz(f))}`);
}
if (failed) {
  console.error('check-bundle-size: over budget');
  process.exit(1);
}

// Lint step: fails when two top-level folders depend on each other, directly or around a loop (server/<x>, shared, web/src/<x>).
// Module cycles are dependency-cruiser's `no-circular` rule; this sees the coarser loops a module graph can hide.
import { pathToFileURL } from 'node:url';

export type Edge = { from: string; to: string };
export type FolderCycle = { folders: string[]; edges: { from: string; to: string; example: string }[] };

/** The folder a module belongs to: `server/<x>`, `shared`, `web/src/<x>`; top-level files (server/app.ts) stand alone. */
export function folderOf(modulePath: string): string | undefined {
  const parts = modulePath.split('/');
  if (parts[0] === 'shared') return 'shared';
  if (parts[0] === 'server') return parts.slice(0, 2).join('/');
  if (parts[0] === 'web' && parts[1] === 'src') return parts.slice(0, 3).join('/');
  if (parts[0] === 'web') return parts.slice(0, 2).join('/');
  return undefined;
}

/** Groups of folders that reach each other (strongly connected components of more than one folder), with the imports that close them. */
export function findFolderCycles(moduleEdges: Edge[]): FolderCycle[] {
  const examples = new Map<string, string>();
  const next = new Map<string, Set<string>>();
  for (const { from, to } of moduleEdges) {
    const a = folderOf(from);
    const b = folderOf(to);
    if (a === undefined || b === undefined || a === b) continue;
    if (!next.has(a)) next.set(a, new Set());
    if (!next.has(b)) next.set(b, new Set());
    next.get(a)!.add(b);
    const key = `${a}\u0000${b}`;
    if (!examples.has(key)) examples.set(key, `${from} -> ${to}`);
  }
  return stronglyConnected(next)
    .filter((group) => group.length > 1)
    .map((group) => {
      const members = new Set(group);
      const edges = [];
      for (const from of group.sort()) {
        for (const to of [...next.get(from)!].sort()) if (members.has(to)) edges.push({ from, to, example: examples.get(`${from}\u0000${to}`)! });
      }
      return { folders: group, edges };
    });
}

// Tarjan's algorithm; the graph has a few dozen folders, so recursion depth is no concern.
function stronglyConnected(next: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      groups.push(group);
    }
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) visit(v);
  return groups;
}

export function formatFolderCycles(cycles: FolderCycle[]): string {
  return cycles
    .map((c) => [`folder cycle: ${c.folders.sort().join(' <-> ')}`, ...c.edges.map((e) => `  ${e.from} -> ${e.to}   (e.g. ${e.example})`)].join('\n'))
    .join('\n');
}

/** Module edges of the tree, with the options of .dependency-cruiser.cjs (type-only imports count). */
export async function moduleEdges(roots: string[] = ['server', 'shared', 'web/src']): Promise<Edge[]> {
  const { cruise } = await import('dependency-cruiser');
  const { default: extractDepcruiseOptions } = await import('dependency-cruiser/config-utl/extract-depcruise-options');
  const { default: extractTSConfig } = await import('dependency-cruiser/config-utl/extract-ts-config');
  const options = await extractDepcruiseOptions('./.dependency-cruiser.cjs');
  const result = await cruise(roots, { ...options, ruleSet: { forbidden: [] } }, undefined, { tsConfig: extractTSConfig('./tsconfig.json') });
  if (typeof result.output === 'string') throw new Error('dependency-cruiser returned text, expected a cruise result');
  const edges: Edge[] = [];
  for (const m of result.output.modules)
    for (const d of m.dependencies) if (!d.coreModule && !d.couldNotResolve) edges.push({ from: m.source, to: d.resolved });
  return edges;
}

async function main(): Promise<void> {
  const cycles = findFolderCycles(await moduleEdges());
  if (cycles.length === 0) {
    console.log('folder cycles: none');
    return;
  }
  console.error(formatFolderCycles(cycles));
  console.error(`${cycles.length} folder cycle(s): decide which folder depends on which (docs/architecture.md) and move the piece that points back.`);
  process.exitCode = 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();

// The folder-cycle lint step (scripts/check-folder-cycles.ts): folder grouping and loop finding on fixtures, and one real cruise.
import { describe, expect, it } from 'vitest';
import { findFolderCycles, folderOf, formatFolderCycles, moduleEdges } from '../../scripts/check-folder-cycles.ts';

describe('folder-cycle check', () => {
  it('collapses modules to their top folder', () => {
    expect(folderOf('server/persistence/entities/trade.entity.ts')).toBe('server/persistence');
    expect(folderOf('server/app.ts')).toBe('server/app.ts');
    expect(folderOf('shared/metrics/summary.ts')).toBe('shared');
    expect(folderOf('web/src/state/dashboard.svelte.ts')).toBe('web/src/state');
    expect(folderOf('node_modules/pino/pino.js')).toBeUndefined();
  });

  it('finds a two-folder cycle and a longer loop, with an example import per edge', () => {
    const cycles = findFolderCycles([
      { from: 'server/ledger/events.ts', to: 'server/persistence/store.ts' },
      { from: 'server/persistence/batch.ts', to: 'server/ledger/append.ts' },
      { from: 'server/a/x.ts', to: 'server/b/x.ts' },
      { from: 'server/b/x.ts', to: 'server/c/x.ts' },
      { from: 'server/c/x.ts', to: 'server/a/y.ts' },
      { from: 'server/a/x.ts', to: 'shared/money.ts' },
    ]);
    expect(cycles.map((c) => [...c.folders].sort())).toEqual(
      expect.arrayContaining([
        ['server/ledger', 'server/persistence'],
        ['server/a', 'server/b', 'server/c'],
      ]),
    );
    expect(cycles).toHaveLength(2);
    expect(formatFolderCycles(cycles)).toContain('server/persistence -> server/ledger   (e.g. server/persistence/batch.ts -> server/ledger/append.ts)');
  });

  it('passes a layered graph and ignores imports inside one folder', () => {
    expect(
      findFolderCycles([
        { from: 'server/engine/a.ts', to: 'server/book/b.ts' },
        { from: 'server/book/b.ts', to: 'shared/c.ts' },
        { from: 'server/book/b.ts', to: 'server/book/d.ts' },
        { from: 'server/book/d.ts', to: 'server/book/b.ts' },
      ]),
    ).toEqual([]);
  });

  it('cruises the real tree with type-only imports counted', async () => {
    const edges = await moduleEdges(['server/book']);
    const fromBook = edges.filter((e) => e.from.startsWith('server/book/'));
    expect(fromBook.length).toBeGreaterThan(0);
    expect(fromBook.every((e) => /^(server\/book|shared)\//.test(e.to))).toBe(true);
  });
});

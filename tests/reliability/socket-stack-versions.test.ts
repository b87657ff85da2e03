// Issue 8.3 — the Socket.IO stack, every installed copy (nested ones included, from
// `npm ls --all --json`), is at or above the releases that fixed the known advisories:
// engine.io 6.4.2 (CVE-2023-31125), socket.io-parser 4.2.4 (CVE-2023-32695), socket.io 4.6.2
// (CVE-2024-38355), ws 8.17.1 (CVE-2024-37890; fixed on the older lines too: 7.5.10, 6.2.3 and
// 5.2.4, per GHSA-3h5v-q93c-6h6q; Lighthouse, a test-only dependency, brings ws 7).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MINIMUM: Record<string, string> = { 'engine.io': '6.4.2', 'socket.io-parser': '4.2.4', 'socket.io': '4.6.2', ws: '8.17.1' };
/** Where an advisory was also fixed on an older major line: that line's fixed release. */
const OLDER_LINES: Record<string, Record<number, string>> = { ws: { 7: '7.5.10', 6: '6.2.3', 5: '5.2.4' } };

/** The release `name@version` must be at least: its own major line's fix, or the newest line's. */
function minimumFor(name: string, version: string): string {
  return OLDER_LINES[name]?.[Number(version.split('.')[0])] ?? MINIMUM[name]!;
}

function atLeast(v: string, min: string): boolean {
  const a = v.split(/[.-]/).slice(0, 3).map(Number);
  const b = min.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (a[i]! !== b[i]!) return a[i]! > b[i]!;
  return true;
}

interface LsNode {
  version?: string;
  path?: string;
  dependencies?: Record<string, LsNode>;
}

describe('socket stack versions', () => {
  it('takes an older major line at its own fixed release', () => {
    expect([minimumFor('ws', '7.5.14'), minimumFor('ws', '8.23.0'), minimumFor('ws', '4.1.0')]).toEqual(['7.5.10', '8.17.1', '8.17.1']);
    expect(atLeast('7.5.9', minimumFor('ws', '7.5.9'))).toBe(false);
  });

  it('every installed copy is at or above the advisory fixes', () => {
    // npm ls exits 1 on tree problems it only reports (an extraneous package, e.g. in a git worktree
    // whose node_modules is a symlink); the JSON tree is printed all the same, and is what counts here.
    const ls = spawnSync('npm', ['ls', '--all', '--json', '--long'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
    expect(ls.error, 'npm ls ran').toBeUndefined();
    const tree = JSON.parse(ls.stdout) as LsNode;
    const found: Array<{ name: string; version: string; where: string }> = [];
    const walk = (n: LsNode) => {
      for (const [name, child] of Object.entries(n.dependencies ?? {})) {
        if (name in MINIMUM && child.version) {
          // Confirm against the package.json actually on disk (what Node loads).
          const onDisk = child.path ? (JSON.parse(readFileSync(path.join(child.path, 'package.json'), 'utf8')) as { version: string }).version : child.version;
          found.push({ name, version: onDisk, where: child.path ?? '?' });
        }
        walk(child);
      }
    };
    walk(tree);
    for (const name of Object.keys(MINIMUM))
      expect(
        found.some((f) => f.name === name),
        `${name} is installed`,
      ).toBe(true);
    const below = found.filter((f) => !atLeast(f.version, minimumFor(f.name, f.version)));
    expect(below, JSON.stringify(found, null, 1)).toEqual([]);
  }, 60_000);
});

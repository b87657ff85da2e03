// The privacy-wall lint step (scripts/check-privacy-wall.ts) on small fixtures and on the real tree, without spawning it.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scanSource, scanTree, stripComments } from '../../scripts/check-privacy-wall.ts';

describe('privacy-wall check', () => {
  it('reports an owner predicate outside the scope with its line', () => {
    const source = ['// reads system trades', 'export const sql = `select * from paper_trades', '  where t.user_id IS NULL and id > ?`;'].join('\n');
    expect(scanSource('server/queries/some-read.ts', source)).toEqual([
      expect.objectContaining({ file: 'server/queries/some-read.ts', line: 3, text: 'where t.user_id IS NULL and id > ?`;' }),
    ]);
  });

  it.each([
    ['user_id is not null', 'where user_id is not null'],
    ['user_id = ?', 'where user_id = ?'],
    ['user_id = $n', 'where user_id = $2'],
    ['user_id = ${...}', 'where user_id = ${id}'],
    ['user_id in (', 'where user_id in (1, 2)'],
    ['status in (OPEN…', "where status in ('OPEN', 'PENDING')"],
    ['PENDING, OPEN', "const open = ['PENDING', 'OPEN'];"],
    ['closed list', "where status in ('CLOSED_TP','CLOSED_SL')"],
    ['status list built in place', 'export const S = `status in (${CLOSED.map(q).join()})`;'],
  ])('reports %s', (_name, line) => {
    expect(scanSource('server/persistence/x.ts', `const a = 1;\n${line}\n`)).toMatchObject([{ line: 2 }]);
  });

  it('allows the scope file and the migrations', () => {
    const source = "export const SYSTEM = 'user_id is null';\nexport const OPEN = `status in ('OPEN', 'PENDING')`;";
    expect(scanSource('server/privacy/trade-scope.ts', source)).toEqual([]);
    expect(scanSource('server/persistence/migrations/Migration1.ts', source)).toEqual([]);
    expect(scanSource('server/persistence/trade-store.ts', source)).toHaveLength(2);
  });

  it('passes a clean file and ignores the predicate in comments', () => {
    const clean =
      "import { systemTradesSql } from '../privacy/trade-scope.ts';\nexport const q = `select id from paper_trades where ${systemTradesSql('t')} and status = 'PENDING'`;\n";
    expect(scanSource('server/queries/clean.ts', clean)).toEqual([]);
    const commented = "// scoped to user_id IS NULL in one place\n/* status in ('OPEN', 'PENDING') */\nconst url = 'http://x'; // user_id = ?\n";
    expect(scanSource('server/transport/http/routes.ts', commented)).toEqual([]);
  });

  it('keeps strings and line numbers when stripping comments', () => {
    const source = "const a = '// not a comment'; // a comment\n/* two\nlines */ const b = `x`;";
    const stripped = stripComments(source);
    expect(stripped.split('\n')).toHaveLength(3);
    expect(stripped).toContain("'// not a comment'");
    expect(stripped).not.toContain('a comment\n');
    expect(stripped.split('\n')[2]!.trim()).toBe('const b = `x`;');
  });

  it('scans the real tree: each report names a server file, outside the allowed ones, at the line it quotes', () => {
    const violations = scanTree(process.cwd());
    for (const v of violations) {
      expect(v.file).toMatch(/^server\/.*\.ts$/);
      expect(v.file).not.toMatch(/^server\/privacy\/trade-scope\.ts$|^server\/persistence\/migrations\//);
      expect(existsSync(v.file)).toBe(true);
      expect(readFileSync(v.file, 'utf8').split('\n')[v.line - 1]!.trim()).toBe(v.text);
    }
  });
});

// The house rules of eslint.config.js on small snippets: silent catches, `any`, and `as unknown as` outside the internals file.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function rulesHit(code: string, filePath = 'server/feeds/snippet.ts'): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.map((m) => `${m.line}:${m.ruleId}`);
}

describe('house lint rules', () => {
  it('reject silent catches and accept handled ones', async () => {
    const code = [
      'export async function f(p: Promise<void>, log: (e: unknown) => void): Promise<void> {',
      '  p.catch(() => {});',
      '  p.catch(() => undefined);',
      '  p.then(log, function () {});',
      '  p.catch((err: unknown) => log(err));',
      '  try {',
      '    await p;',
      '  } catch {}',
      '  try {',
      '    await p;',
      '  } catch {',
      '    // the peer is gone already: nothing to undo',
      '  }',
      '}',
    ].join('\n');
    expect(await rulesHit(code)).toEqual(['2:no-restricted-syntax', '3:no-restricted-syntax', '4:no-restricted-syntax', '8:house/no-silent-catch-block']);
  });

  it('reject any, and allow `as unknown as` only in the internals file and tests', async () => {
    const code = 'export const a = 1 as unknown as string;\nexport const b: any = 2;\n';
    expect(await rulesHit(code)).toEqual(['1:no-restricted-syntax', '2:@typescript-eslint/no-explicit-any']);
    expect(await rulesHit(code, 'server/transport/socket/socket-io-internals.ts')).toEqual(['2:@typescript-eslint/no-explicit-any']);
    expect(await rulesHit(code, 'tests/feeds/snippet.test.ts')).toEqual(['2:@typescript-eslint/no-explicit-any']);
  });
});

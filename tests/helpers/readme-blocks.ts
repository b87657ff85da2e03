// Blocks of the README that tests run as a reader would: the TradingView alert template and the
// notification set-up commands, so what a user pastes is what is tested.
import { readFileSync } from 'node:fs';

const readme = (): string => readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The README's alert message, placeholders filled with what TradingView would write. */
export function readmeAlert(values: Record<string, string>): string {
  const block = /<!-- tradingview-template[^>]*-->\s*```json\n([\s\S]*?)```/.exec(readme())?.[1];
  if (!block) throw new Error('README has no TradingView template block');
  return block.replace(/\{\{([^}]+)\}\}/g, (_, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`no value for the placeholder {{${name}}}`);
    return v;
  });
}

/**
 * The `npm run cli -- …` lines of the README's block marked `<!-- NAME … -->`, as argv arrays, with
 * "$VAR" / $VAR replaced from `vars` (a word in double quotes is one argument, as in a shell).
 */
export function readmeCliLines(marker: string, vars: Record<string, string>): string[][] {
  const block = new RegExp(`<!-- ${marker}[^>]*-->\\s*\`\`\`sh\\n([\\s\\S]*?)\`\`\``).exec(readme())?.[1];
  if (!block) throw new Error(`README has no block marked ${marker}`);
  return block
    .split('\n')
    .filter((l) => l.startsWith('npm run cli -- '))
    .map((l) =>
      [...l.slice('npm run cli -- '.length).matchAll(/"([^"]*)"|(\S+)/g)].map((m) =>
        (m[1] ?? m[2]!).replace(/\$([A-Z_]+)/g, (_, name: string) => {
          const v = vars[name];
          if (v === undefined) throw new Error(`no value for $${name}`);
          return v;
        }),
      ),
    );
}

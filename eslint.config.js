// ESLint flat config: correctness rules and the house rules (STYLE.md); layout is Prettier's job, so no stylistic rules here.
// Import layering, cycles and the privacy wall are checked by dependency-cruiser and scripts/ (see `npm run lint`).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// The one file allowed to reach into Socket.IO/uWS internals (and so to cast through `unknown`).
const INTERNALS_FILE = 'server/transport/socket/socket-io-internals.ts';

const silentCatch = 'log or handle it: a silent catch hides failures (STYLE.md, issue 18)';
// A handler that does nothing, spelled any of the usual ways: `() => {}`, `function () {}`, `() => undefined`.
// (`() => false` and the like turn a failure into a value the caller checks: that is handling.)
const emptyHandler =
  ":matches(ArrowFunctionExpression, FunctionExpression)[body.type='BlockStatement'][body.body.length=0], ArrowFunctionExpression[body.type='Identifier'][body.name='undefined']";
const houseSyntax = [
  {
    selector: `CallExpression[callee.property.name='catch'] > :matches(${emptyHandler}).arguments`,
    message: `Empty .catch() handler: ${silentCatch} (a promise awaited later: keep it and await it, or attach a handler that records the error).`,
  },
  {
    selector: `CallExpression[callee.property.name='then'] > :matches(${emptyHandler}).arguments:nth-child(2)`,
    message: `Empty rejection handler: ${silentCatch}.`,
  },
];
// An empty `catch {}` is silent; one whose only content is a comment saying why the failure is expected (`// already gone`) is handled.
const noSilentCatchBlock = {
  meta: { type: 'problem', schema: [], messages: { silent: `Empty catch block: ${silentCatch}, or say in a comment why the failure is expected.` } },
  create(context) {
    return {
      CatchClause(node) {
        if (node.body.body.length === 0 && context.sourceCode.getCommentsInside(node.body).length === 0)
          context.report({ node: node.body, messageId: 'silent' });
      },
    };
  },
};
const doubleCast = {
  selector: 'TSAsExpression > TSAsExpression.expression > TSUnknownKeyword.typeAnnotation',
  message: `\`as unknown as\` is allowed only in ${INTERNALS_FILE}, where library reach-ins are isolated and version-pinned.`,
};

export default defineConfig(
  {
    ignores: ['**/node_modules/**', '**/dist/**', 'web/dist/**', 'coverage/**', '.data/**', '.bench/**', 'benchmarks/.profiles/**', 'benchmarks/.scratch/**'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  svelte.configs['flat/recommended'],
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node, ...globals.browser },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { house: { rules: { 'no-silent-catch-block': noSilentCatchBlock } } },
    rules: {
      'house/no-silent-catch-block': 'error',
      'no-empty': ['error', { allowEmptyCatch: true }], // catch blocks: house/no-silent-catch-block
      '@typescript-eslint/no-explicit-any': 'error',
      // `_`-prefixed names are deliberately unused (positional parameters, destructured leftovers).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      'no-restricted-syntax': ['error', ...houseSyntax, doubleCast],
    },
  },
  {
    // Tests hand partial fakes to typed code and read private state on purpose (white-box checks); product code may not.
    files: [INTERNALS_FILE, 'tests/**'],
    rules: { 'no-restricted-syntax': ['error', ...houseSyntax] },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] },
    },
  },
);

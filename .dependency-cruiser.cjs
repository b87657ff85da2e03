// Import rules that `npm run lint` enforces (docs/architecture.md, "The rules, enforced"): no cycles, a pure book,
// shared/ and web/ independent of the server, adapters that never import the composition root, an engine free of adapters.
// Folder-level cycles are checked by scripts/check-folder-cycles.ts with the same options.

// Folders of adapters and cores: none of them may import the composition root (server/app.ts).
// The root's callers (server/main.ts, the cluster role starters) and its wiring modules may.
const NOT_ROOT_CALLERS = '^server/(analytics|auth|book|cache|cli|demo|engine|feeds|ledger|ops|persistence|privacy|queries|transport|users)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A module cycle (type-only imports count): put the shared piece, or the port, beside its consumer.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'book-imports-only-shared',
      severity: 'error',
      comment: 'server/book/ is the pure core: it imports only shared/ and itself (STYLE.md, "A pure core").',
      from: { path: '^server/book/' },
      to: { pathNot: ['^server/book/', '^shared/'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'book-no-node-builtins',
      severity: 'error',
      comment: 'server/book/ takes time and ids as arguments: no Node built-ins (fs, net, process…) in the core.',
      from: { path: '^server/book/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'shared-imports-no-server-or-web',
      severity: 'error',
      comment: 'shared/ is imported by the server, the page, the widget and the bot SDK: it imports none of them.',
      from: { path: '^shared/' },
      to: { path: '^(server|web)/' },
    },
    {
      name: 'web-imports-no-server',
      severity: 'error',
      comment: 'The page and the widget talk to the server through shared/ types only.',
      from: { path: '^web/' },
      to: { path: '^server/' },
    },
    {
      name: 'adapters-never-import-the-root',
      severity: 'error',
      comment: "Only the root's callers (server/main.ts, server/cluster/*-role.ts, the cluster edge root) import server/app.ts.",
      from: { path: NOT_ROOT_CALLERS },
      to: { path: '^server/app\\.ts$' },
    },
    {
      name: 'cluster-adapters-never-import-the-root',
      severity: 'error',
      comment: 'In server/cluster/ only the role starters and the edge root may import server/app.ts.',
      from: { path: '^server/cluster/', pathNot: '^server/cluster/(start-role|engine-role|edge-app)\\.ts$' },
      to: { path: '^server/app\\.ts$' },
    },
    {
      name: 'engine-imports-no-adapters',
      severity: 'error',
      comment: 'server/engine/ reaches storage and clients through its ports (engine/ports.ts), never the adapters themselves.',
      from: { path: '^server/engine/' },
      to: { path: '^server/(queries|transport|persistence|cluster)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.svelte', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};

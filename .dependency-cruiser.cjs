/**
 * `npm run check:imports`: the import rules of the architecture (see README, architecture).
 * No loop among files, type-only imports included; and the lower server layers (the store,
 * the sessions, the access policy, the debates service, the agents, shared/) never import
 * the higher ones (HTTP, the CLI, studies, rooms).
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      comment: 'Files import each other in a loop (a type-only import counts too).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'lower-layer-imports-higher',
      comment: 'The engine (shared/), the store, the sessions, the access policy, the debates service and the agents are below HTTP, the CLI, studies and rooms, and never import them.',
      severity: 'error',
      from: { path: '^(server/src/(store|sessions|access|debates|agents)|shared)/' },
      to: { path: '^server/src/(http|cli|studies|rooms)/' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};

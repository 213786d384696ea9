/**
 * The layout rules `npm run check` enforces (issue 10): no import cycles, and the domain folders know
 * nothing of Slack, so every use case can be tested and reused without it.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'A cycle, even a type-only one, means two modules do not know which of them owns a concept.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-knows-no-slack',
      severity: 'error',
      comment:
        'Use cases, Bedrock and the store are Slack-free; only src/slack and the composition root speak Slack.',
      from: { path: '^src/(compare|chat|jobs|bedrock|store|usage|evaluate|feedback|home|defaults)/' },
      // Unanchored: node_modules may be a symlink, which resolves outside the project (../x/node_modules).
      to: { path: ['^src/slack/', '(^|/)node_modules/@slack/'] },
    },
    {
      name: 'no-test-code-in-src',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};

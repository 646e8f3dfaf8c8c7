// Mutation testing of src/ with the vitest runner: `npm run test:mutation`.
// The properties run with a fixed seed there (GRADLAB_SEED in the script), so
// that a mutant's fate does not depend on which random cases were drawn, and
// with 10 runs each (GRADLAB_RUNS): a mutant of a derivative fails on almost
// any case, and a hundred runs per property per mutant would take hours on
// two shared cores.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.stryker.config.mjs' },
  // The strategies and the op table; src/core (validation) and src/gradcheck can be
  // added with --mutate 'src/**/*.ts' when there is time for a longer run.
  mutate: ['src/ops/**/*.ts', 'src/forward/**/*.ts', 'src/reverse/**/*.ts', 'src/numeric/**/*.ts'],
  // Two shared cores.
  concurrency: 2,
  coverageAnalysis: 'perTest',
  // Later runs re-test only mutants whose code or covering tests changed.
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
}

// The vitest configuration for mutation testing (stryker.config.mjs): the
// project's own, with a longer per-test timeout, because instrumented code
// runs several times slower and a property runs a hundred cases per test.
// The tests that run gradlab in a child process or read its source as text (the
// packed build, the git install, the examples, the docs' code blocks and API
// reference, the report generator) are left out: Stryker switches mutants on
// inside the test process only, so those tests cannot kill a mutant, and each
// of them costs seconds per mutant it covers.
import { configDefaults, defineConfig, mergeConfig } from 'vitest/config'
import base from './vitest.config.ts'

export default mergeConfig(
  base,
  defineConfig({
    test: {
      testTimeout: 60_000,
      exclude: [
        ...configDefaults.exclude,
        'test/package.test.ts',
        'test/install-git.test.ts',
        'test/examples.test.ts',
        'test/docs/**',
        'test/source-scan.test.ts',
        'test/report.test.ts',
      ],
    },
  }),
)

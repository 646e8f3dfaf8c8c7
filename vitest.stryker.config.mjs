// The vitest configuration for mutation testing (stryker.config.mjs): the
// project's own, with a longer per-test timeout, because instrumented code
// runs several times slower and a property runs a hundred cases per test.
import { defineConfig, mergeConfig } from 'vitest/config'
import base from './vitest.config.ts'

export default mergeConfig(base, defineConfig({ test: { testTimeout: 60_000 } }))

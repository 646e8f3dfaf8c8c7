import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/build.ts'],
    // The suite is pure computation; two workers match the machines' two cores.
    maxWorkers: 2,
  },
})

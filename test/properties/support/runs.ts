import fc from 'fast-check'

/**
 * The number of runs of every property: fast-check's default (100) unless
 * GRADLAB_RUNS is set, as `npm run test:deep` does. fast-check prints the
 * seed and path of any failure, and `GRADLAB_SEED` replays a seed.
 */
const runs = Number(process.env.GRADLAB_RUNS ?? '') || undefined
const seed = Number(process.env.GRADLAB_SEED ?? '') || undefined

fc.configureGlobal({
  ...(runs === undefined ? {} : { numRuns: runs }),
  ...(seed === undefined ? {} : { seed }),
})

/** Fewer runs for properties that are costly per run, kept proportional to the global setting. */
export const scaledRuns = (fraction: number) => Math.max(1, Math.round((runs ?? 100) * fraction))

import fc from 'fast-check'
import { test } from 'vitest'

type Arbitraries<Ts extends unknown[]> = { [K in keyof Ts]: fc.Arbitrary<Ts[K]> }

/**
 * `prop([arbitraries], params?)(claim, predicate)`: one vitest test that
 * asserts a fast-check property. It reads like `test.prop` of
 * @fast-check/vitest, which this suite does not use: that package imports
 * vitest's runner into every test file, which costs about six seconds per file
 * here, more than all the properties together. fast-check prints the seed and
 * path of a failure in the error, and `GRADLAB_SEED` replays it (see runs.ts).
 */
export function prop<Ts extends [unknown, ...unknown[]]>(
  arbitraries: Arbitraries<Ts>,
  params?: fc.Parameters<Ts>,
) {
  return (claim: string, predicate: (...args: Ts) => void) =>
    test(claim, () => {
      const property = (fc.property as unknown as (...args: unknown[]) => fc.IProperty<Ts>)(
        ...arbitraries,
        predicate,
      )
      fc.assert(property, params)
    })
}

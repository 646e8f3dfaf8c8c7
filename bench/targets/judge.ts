import type { Method, TargetCase, TargetPair, TimedCase } from '../report/schema.js'
import type { TargetWorkload } from './plan.js'

/*
 * How a target is judged from the measurements. A timed ratio is the
 * quotient of two medians, each from its own process; its spread runs from
 * the quotient of the first quartile of the numerator and the third of the
 * denominator to the reverse (the two processes' samples are not paired).
 *
 * When each side ran in several rounds (one fresh process per round), the
 * same ratio is also taken between each side's fastest process, the
 * smallest of its rounds' medians (`fastest`), and a target is met only if
 * both ratios meet it. A process's JIT can settle in a faster or a slower
 * mode for its whole life (plain Ackley is the known case), and the pooled
 * median follows whichever mode most of a run's processes caught; a verdict
 * that held against one mode and not the other would turn on luck, so it
 * must hold against both.
 *
 * A target whose cases were not all measured is 'not measured', with the
 * reason, never dropped.
 */

export type Verdict = Pick<
  TargetCase,
  'measured' | 'low' | 'high' | 'fastest' | 'verdict' | 'reason' | 'pairs'
>
export type Spec = Omit<TargetCase, keyof Verdict>

/** Whether a value is on the target's side of it. */
export const meets = (spec: Pick<Spec, 'comparison' | 'target'>, value: number): boolean =>
  spec.comparison === 'at most' ? value <= spec.target : value > spec.target

export const judge = (
  spec: Pick<Spec, 'comparison' | 'target'>,
  measured: number,
  low: number | null,
  high: number | null,
  fastest: number | null = null,
) => ({
  measured,
  low,
  high,
  fastest,
  verdict:
    meets(spec, measured) && (fastest === null || meets(spec, fastest))
      ? ('met' as const)
      : ('not met' as const),
  reason: null,
})

export const notMeasured = (reason: string, pairs: TargetPair[] = []): Verdict => ({
  measured: null,
  low: null,
  high: null,
  fastest: null,
  verdict: 'not measured',
  reason,
  pairs,
})

/** Ratios of timed cases, looked up among the results' timings. */
export function timedRatios(timings: readonly TimedCase[]) {
  const find = (workload: TargetWorkload, method: Method, n: number) =>
    timings.findIndex(
      (c) => c.suite === 'target' && c.workload === workload && c.method === method && c.n === n,
    )
  const timing = (i: number) => timings[i]?.timing ?? null
  const pair = (
    n: number,
    num: [TargetWorkload, Method],
    den: [TargetWorkload, Method],
    scale = 1,
  ): TargetPair => ({ n, numerator: find(...num, n), denominator: find(...den, n), scale })
  const missing = (p: TargetPair) => {
    for (const i of [p.numerator, p.denominator]) {
      const c = timings[i]
      if (c === undefined) return 'a case it needs was not run'
      if (timing(i) === null) return `${c.workload} ${c.method} n = ${c.n}: ${c.reason ?? c.status}`
    }
    return null
  }
  const value = (p: TargetPair, q: 'median' | 'p25' | 'p75', r: 'median' | 'p25' | 'p75') =>
    (timing(p.numerator)?.[q] as number) / (p.scale * (timing(p.denominator)?.[r] as number))
  /** A case's fastest process: the smallest of its rounds' medians; null if it ran in one round. */
  const best = (i: number) => {
    const medians = timing(i)?.processes ?? []
    return medians.length > 1 ? Math.min(...medians) : null
  }
  const fastest = (p: TargetPair) => {
    const [a, b] = [best(p.numerator), best(p.denominator)]
    return a === null || b === null ? null : a / (p.scale * b)
  }

  const ratio = (spec: Spec, p: TargetPair): TargetCase => {
    const why = missing(p)
    if (why !== null) return { ...spec, ...notMeasured(why, [p]) }
    return {
      ...spec,
      ...judge(
        spec,
        value(p, 'median', 'median'),
        value(p, 'p25', 'p75'),
        value(p, 'p75', 'p25'),
        fastest(p),
      ),
      pairs: [p],
    }
  }
  const flat = (spec: Spec, pairs: TargetPair[]): TargetCase => {
    const why = pairs.map(missing).find((w) => w !== null)
    if (why !== undefined) return { ...spec, ...notMeasured(why, pairs) }
    const deviations = spread(pairs.map((p) => value(p, 'median', 'median')))
    const fastestRatios = pairs.map(fastest)
    const fastestDeviation = fastestRatios.every((r) => r !== null)
      ? Math.max(...spread(fastestRatios).map(Math.abs))
      : null
    return {
      ...spec,
      ...judge(
        spec,
        Math.max(...deviations.map(Math.abs)),
        Math.min(...deviations),
        Math.max(...deviations),
        fastestDeviation,
      ),
      pairs,
    }
  }
  return { pair, ratio, flat }
}

/** Each ratio's deviation from their median: r / median - 1. */
function spread(ratios: readonly number[]): number[] {
  const center = middle(ratios)
  return ratios.map((r) => r / center - 1)
}

/** The median of a few numbers. */
function middle(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const k = (s.length - 1) / 2
  return ((s[Math.floor(k)] as number) + (s[Math.ceil(k)] as number)) / 2
}

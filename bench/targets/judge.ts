import type { Method, TargetCase, TargetPair, TimedCase } from '../report/schema.js'
import type { TargetWorkload } from './plan.js'

/*
 * How a target is judged from the measurements. Every target case ran once
 * per round, each time in a fresh process, the two sides of a ratio in the
 * same round (the rounds alternate the order of the processes). A timed
 * ratio is taken round by round, one side's median over the other's, and
 * the target's value is the median of those ratios; its spread runs from
 * the smallest to the largest. With one round, the ratio is of the two
 * medians, and its spread from the first quartile of one side over the
 * third of the other, and the reverse.
 *
 * A target whose cases were not all measured is 'not measured', with the
 * reason, never dropped.
 */

export type Verdict = Pick<TargetCase, 'measured' | 'low' | 'high' | 'verdict' | 'reason' | 'pairs'>
export type Spec = Omit<TargetCase, keyof Verdict>

/** Whether a value is on the target's side of it. */
export const meets = (spec: Pick<Spec, 'comparison' | 'target'>, value: number): boolean =>
  spec.comparison === 'at most' ? value <= spec.target : value > spec.target

export const judge = (
  spec: Pick<Spec, 'comparison' | 'target'>,
  measured: number,
  low: number | null,
  high: number | null,
) => ({
  measured,
  low,
  high,
  verdict: meets(spec, measured) ? ('met' as const) : ('not met' as const),
  reason: null,
})

export const notMeasured = (reason: string, pairs: TargetPair[] = []): Verdict => ({
  measured: null,
  low: null,
  high: null,
  verdict: 'not measured',
  reason,
  pairs,
})

/**
 * A pair's ratio in each round: numerator / (scale x denominator), each
 * side's median in that round's process; null when either side ran in one
 * round only, or their rounds differ in number. A pair with no denominator
 * (-1) gives the numerator's rounds themselves.
 */
export function roundRatios(timings: readonly TimedCase[], p: TargetPair): number[] | null {
  const a = timings[p.numerator]?.timing?.processes
  if (a === undefined || a.length < 2) return null
  if (p.denominator < 0) return [...a]
  const b = timings[p.denominator]?.timing?.processes
  if (b === undefined || b.length !== a.length) return null
  return a.map((v, r) => v / (p.scale * (b[r] as number)))
}

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
    den: [TargetWorkload, Method] | null,
    scale = 1,
  ): TargetPair => ({
    n,
    numerator: find(...num, n),
    denominator: den === null ? -1 : find(...den, n),
    scale,
  })
  const missing = (p: TargetPair) => {
    for (const i of p.denominator < 0 ? [p.numerator] : [p.numerator, p.denominator]) {
      const c = timings[i]
      if (c === undefined) return 'a case it needs was not run'
      if (timing(i) === null) return `${c.workload} ${c.method} n = ${c.n}: ${c.reason ?? c.status}`
    }
    return null
  }
  /** One round: the medians' ratio, spread from the quartiles. */
  const value = (p: TargetPair, q: 'median' | 'p25' | 'p75', r: 'median' | 'p25' | 'p75') => {
    const top = timing(p.numerator)?.[q] as number
    return p.denominator < 0 ? top : top / (p.scale * (timing(p.denominator)?.[r] as number))
  }

  const ratio = (spec: Spec, p: TargetPair): TargetCase => {
    const why = missing(p)
    if (why !== null) return { ...spec, ...notMeasured(why, [p]) }
    const rounds = roundRatios(timings, p)
    // One round of a one-sided timing (a cold compile) is one number, with no spread.
    const verdict =
      rounds !== null
        ? judge(spec, middle(rounds), Math.min(...rounds), Math.max(...rounds))
        : p.denominator < 0
          ? judge(spec, value(p, 'median', 'median'), null, null)
          : judge(
              spec,
              value(p, 'median', 'median'),
              value(p, 'p25', 'p75'),
              value(p, 'p75', 'p25'),
            )
    return { ...spec, ...verdict, pairs: [p] }
  }
  return { pair, ratio }
}

/** The median of a few numbers. */
export function middle(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const k = (s.length - 1) / 2
  return ((s[Math.floor(k)] as number) + (s[Math.ceil(k)] as number)) / 2
}

import { formatValue } from './format.js'
import type { Measured, Sentence } from './quote.js'
import type { Method, TimedCase } from './schema.js'

/* Look-ups and phrases shared by the generated sentences. */

export const count = (n: number) => formatValue('count', n)

export function measured(
  r: Measured,
  suite: string,
  workload: string,
  method: Method,
): [TimedCase, number][] {
  return r.timings
    .map((c, i) => [c, i] as [TimedCase, number])
    .filter(
      ([c]) =>
        c.suite === suite &&
        c.workload === workload &&
        c.method === method &&
        c.status === 'measured',
    )
}

export const median = (i: number) => `timings.${i}.timing.median`

/** "12x slower than reverse mode" or "3.0x faster than reverse mode", from the two medians. */
export function versus(r: Measured, s: Sentence, i: number, reverseAt: number): string {
  const t = (k: number) => r.timings[k]?.timing?.median ?? Number.NaN
  // A ratio that would print as 1.0x says neither slower nor faster.
  if (Math.max(t(i), t(reverseAt)) / Math.min(t(i), t(reverseAt)) < 1.05) {
    return `${s.number('ratio', median(i), median(reverseAt))} the time of reverse mode`
  }
  return t(i) >= t(reverseAt)
    ? `${s.number('ratio', median(i), median(reverseAt))} slower than reverse mode`
    : `${s.number('ratio', median(reverseAt), median(i))} faster than reverse mode`
}

import { formatAgainst, formatValue } from './format.js'
import { type Measured, Sentence } from './quote.js'
import type { Finding, TargetCase } from './schema.js'

/*
 * One sentence per performance target: what was measured, its spread over
 * the rounds, the target, and the verdict, "met" or "not met (measured X,
 * target Y)". A target that could not be measured says so, with the reason.
 */

export function targetFindings(r: Measured): Finding[] {
  return (r.targets ?? []).map((t, k) => {
    const s = new Sentence(r)
    const at = `targets.${k}`
    const target = `${t.comparison} ${s.number(t.unit, `${at}.target`)}`
    if (t.measured === null) {
      return s.finding('targets', `${t.title}: not measured (${t.reason}); target ${target}.`)
    }
    const measured = s.number(t.unit, `${at}.measured`)
    const spread =
      t.low !== null && t.high !== null
        ? ` (spread ${s.number(t.unit, `${at}.low`)} to ${s.number(t.unit, `${at}.high`)})`
        : ''
    return s.finding(
      'targets',
      `${t.title}: ${measured}${spread}${detail(r, t.id, s)}; target ${target}: ${verdictText(t)}.`,
    )
  })
}

/** "met", or "not met" with the number that missed. */
export function verdictText(t: TargetCase): string {
  if (t.verdict !== 'not met' || t.measured === null) return t.verdict
  return `not met (measured ${formatAgainst(t.unit, t.measured, t.target)}, target ${formatValue(t.unit, t.target)})`
}

/** The raw numbers behind the targets that are not times. */
function detail(r: Measured, id: string, s: Sentence): string {
  const checks = r.targetChecks
  if (id === 'tape-bytes') {
    const i = checks.tape.findIndex((t) => t.workload === 'rosenbrock')
    if (i < 0) return ''
    const t = `targetChecks.tape.${i}`
    return ` (${s.number('bytes', `${t}.bytes`)} for ${s.number('count', `${t}.ops`)} ops, ${s.number('count', `${t}.nodes`)} nodes and ${s.number('count', `${t}.edges`)} edges, ${s.number('bytes', `${t}.bytes`, `${t}.edges`)} per edge)`
  }
  if (id === 'central-evaluations') {
    const i = checks.evaluations.length - 1
    if (i < 0) return ''
    const e = `targetChecks.evaluations.${i}`
    return ` (countingOps counted ${s.number('count', `${e}.ops`)} ops, ${s.number('count', `${e}.plainOps`)} per plain evaluation; f was called ${s.number('count', `${e}.calls`)} times)`
  }
  if (id === 'richardson-error') {
    let worst = 0
    checks.richardson.forEach((c, i) => {
      if (c.error > (checks.richardson[worst]?.error ?? 0)) worst = i
    })
    const c = checks.richardson[worst]
    return c === undefined ? '' : `, the largest on ${c.function}`
  }
  return ''
}

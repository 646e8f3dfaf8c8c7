import {
  type BinaryName,
  type BinaryRule,
  binaryRules,
  plain,
  type UnaryName,
  type UnaryRule,
  unaryRules,
} from '../../../src/index.js'

export const unaryRule = (op: UnaryName): UnaryRule =>
  (unaryRules as Record<UnaryName, UnaryRule>)[op]
export const binaryRule = (op: BinaryName): BinaryRule =>
  (binaryRules as Record<BinaryName, BinaryRule>)[op]

/** d op / da at a, from the table. */
export function unaryPartial(op: UnaryName, a: number): number {
  const rule = unaryRule(op)
  return rule.partial(plain, a, rule.value(a)) as number
}

/** (d op / da, d op / db) at (a, b), from the table. */
export function binaryPartials(op: BinaryName, a: number, b: number): [number, number] {
  const rule = binaryRule(op)
  const out = rule.value(a, b)
  return [rule.partialA(plain, a, b, out) as number, rule.partialB(plain, a, b, out) as number]
}

/**
 * How much a local partial may change across a neighbourhood: 10% of its
 * size, or 0.1 absolutely where it is below 1. A kink makes it jump (|a| by
 * 2, relu and max by 1), a pole or a domain edge makes it grow without bound,
 * so a neighbourhood that passes holds no kink, pole or edge. Smooth ops pass
 * where their curvature is moderate on the scale of the neighbourhood, which
 * is also what keeps finite differences accurate there.
 */
const steady = (p: number, p0: number) => Math.abs(p - p0) <= 0.1 * Math.max(Math.abs(p0), 1)

const OFFSETS = [-1, -0.5, 0.5, 1]

/**
 * Whether a value is continuous between two points: the change matches the
 * linear prediction up to what steady partials allow (the mean value theorem:
 * 0.1 max(|p|, 1) per unit moved) plus a few ulps. Partials alone miss a jump
 * with continuous partials on both sides, as atan2 has across its branch cut.
 */
function continuous(change: number, predicted: number, allowance: number, values: number): boolean {
  return Math.abs(change - predicted) <= allowance + 4 * Number.EPSILON * values
}

/**
 * Whether unary `op` is smooth on [a - radius, a + radius]: the table's
 * `smoothAt` holds at a and at sample points, and the partial is steady
 * across them, and the value follows its partials (no jump). A kink inside the interval puts one endpoint on its other
 * side, where the partial differs, so endpoints and midpoints suffice.
 */
export function unarySmoothNear(op: UnaryName, a: number, radius: number): boolean {
  const rule = unaryRule(op)
  if (!rule.smoothAt(a)) return false
  const p0 = unaryPartial(op, a)
  if (!Number.isFinite(p0) || !Number.isFinite(rule.value(a))) return false
  const out = rule.value(a)
  return OFFSETS.every((t) => {
    const at = a + t * radius
    if (!rule.smoothAt(at) || !steady(unaryPartial(op, at), p0)) return false
    const moved = rule.value(at)
    const allowance = 0.1 * Math.max(Math.abs(p0), 1) * Math.abs(at - a)
    return continuous(moved - out, p0 * (at - a), allowance, Math.abs(moved) + Math.abs(out))
  })
}

/** The same for binary `op` on the box (a +- ra) x (b +- rb), corners and edge midpoints included. */
export function binarySmoothNear(
  op: BinaryName,
  a: number,
  b: number,
  ra: number,
  rb: number,
): boolean {
  const rule = binaryRule(op)
  if (!rule.smoothAt(a, b) || !Number.isFinite(rule.value(a, b))) return false
  const [pa, pb] = binaryPartials(op, a, b)
  if (!Number.isFinite(pa) || !Number.isFinite(pb)) return false
  for (const s of [-1, 0, 1]) {
    for (const t of [-1, 0, 1]) {
      if (s === 0 && t === 0) continue
      const at = a + s * ra
      const bt = b + t * rb
      if (!rule.smoothAt(at, bt)) return false
      const [qa, qb] = binaryPartials(op, at, bt)
      if (!steady(qa, pa) || !steady(qb, pb)) return false
      const [da, db] = [at - a, bt - b]
      const [out, moved] = [rule.value(a, b), rule.value(at, bt)]
      const allowance =
        0.1 * (Math.max(Math.abs(pa), 1) * Math.abs(da) + Math.max(Math.abs(pb), 1) * Math.abs(db))
      const values = Math.abs(moved) + Math.abs(out)
      if (!continuous(moved - out, pa * da + pb * db, allowance, values)) return false
    }
  }
  return true
}

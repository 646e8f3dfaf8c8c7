import {
  BINARY_OPS,
  type BinaryName,
  type BinaryRule,
  binaryRules,
  plain,
  UNARY_OPS,
  type UnaryName,
  type UnaryRule,
  unaryRules,
} from '../../../src/index.js'
import { binaryPoints, unaryPoints } from './grid.js'
import { binaryDerivatives, decimal, ulpsOff, unaryDerivatives } from './reference.js'

/** The worst error of one partial over its grid, in ulps (see `ulpsOff`), and where it was. */
export interface Worst {
  /** The op, and for a binary op which partial: `tanh`, `pow d/db`. */
  readonly partial: string
  readonly ulps: number
  /** The point of the worst error, as the op's arguments. */
  readonly at: readonly number[]
  /** How many points of the grid were checked. */
  readonly points: number
}

function worstOf(
  partial: string,
  points: readonly (readonly number[])[],
  error: (x: readonly number[]) => number,
): Worst {
  let worst: Worst = { partial, ulps: 0, at: [], points: points.length }
  for (const x of points) {
    const ulps = error(x)
    if (!(ulps <= worst.ulps)) worst = { ...worst, ulps, at: x }
  }
  return worst
}

/** The table's partial of a unary op against the reference at every point of its grid. */
export function unaryWorst(op: UnaryName): Worst {
  const rule = (unaryRules as Record<UnaryName, UnaryRule>)[op]
  const reference = unaryDerivatives[op]
  return worstOf(
    op,
    unaryPoints[op].map((a) => [a]),
    ([a = Number.NaN]) => {
      const computed = rule.partial(plain, a, rule.value(a)) as number
      return ulpsOff(computed, reference(decimal(a)))
    },
  )
}

/** The table's two partials of a binary op against the references, over its grid. */
export function binaryWorst(op: BinaryName): readonly [Worst, Worst] {
  const rule = (binaryRules as Record<BinaryName, BinaryRule>)[op]
  const [referenceA, referenceB] = binaryDerivatives[op]
  const points = binaryPoints[op]
  const along = (side: 'a' | 'b') =>
    worstOf(`${op} d/d${side}`, points, ([a = Number.NaN, b = Number.NaN]) => {
      const out = rule.value(a, b)
      const computed = (side === 'a' ? rule.partialA : rule.partialB)(plain, a, b, out) as number
      const reference = side === 'a' ? referenceA : referenceB
      return ulpsOff(computed, reference(decimal(a), decimal(b)))
    })
  return [along('a'), along('b')]
}

/** Every partial of the table, unary ops first, in the table's order. */
export function allWorst(): Worst[] {
  return [...UNARY_OPS.map(unaryWorst), ...BINARY_OPS.flatMap((op) => binaryWorst(op))]
}

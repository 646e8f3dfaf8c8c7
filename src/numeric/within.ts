import {
  checkSameCount,
  Level,
  type NestedScalarFn,
  type NestedUnivariateFn,
  type NestedVectorFn,
  outputCountChanged,
  type Within,
} from '../core/nested.js'
import { checkFunction } from '../core/validate.js'
import { levelOf } from '../ops/level.js'
import type { Operand, Ops } from '../ops/types.js'
import { DEFAULT_RELATIVE_STEP } from './step.js'

/*
 * Finite differences inside another derivative: central differences whose
 * points and quotients are computed with the enclosing ops, so the enclosing
 * derivative differentiates the difference quotient itself. The function is
 * evaluated with those ops: no values of a level of its own, and nothing to
 * confuse. Steps are the central scheme's, eps^(1/3) max(1, |x_j|), from the
 * values of the point.
 */

const RELATIVE = DEFAULT_RELATIVE_STEP.central

/** What `numeric.within(m)` returns. */
export function numericWithin<S>(m: Ops<S>): Within<S> {
  const start = (method: string, name: string, fn: unknown) => {
    const level = new Level<S>(`numeric.within(m).${method}`, m, levelOf(m) + 1)
    checkFunction(level.label, name, fn)
    return level
  }
  const ops = m as unknown as Ops<never, S>

  /** A point moved along coordinate j to the central scheme's two sides, and the exact distance between them. */
  const sides = (x: readonly Operand<S>[], j: number) => {
    const v = m.value(x[j] as Operand<S>)
    const h = RELATIVE * Math.max(1, Math.abs(v))
    const [up, down] = [v + h, v - h]
    const moved = (to: number) => x.map((xi, i) => (i === j ? m.add(xi, to - v) : xi))
    return { plus: moved(up), minus: moved(down), width: up - down }
  }
  /** The point moved by t v and by -t v, for a direction v, and the distance 2t. */
  const alongDirection = (x: readonly Operand<S>[], v: readonly Operand<S>[]) => {
    const scale = Math.max(...v.map((vi) => Math.abs(m.value(vi))), 0)
    const size = Math.max(1, ...x.map((xi) => Math.abs(m.value(xi))))
    const t = scale === 0 ? 0 : (RELATIVE * size) / scale
    const moved = (s: number) => x.map((xi, i) => m.add(xi, m.mul(s, v[i] as Operand<S>)))
    return { plus: moved(t), minus: moved(-t), width: 2 * t }
  }
  const quotient = (a: Operand<S>, b: Operand<S>, width: number) =>
    width === 0 ? 0 : m.div(m.sub(a, b), width)

  const scalar = (level: Level<S>, f: NestedScalarFn<S>, x: readonly Operand<S>[]) => {
    const r = f(ops, x as never[])
    level.checkScalar('f', r)
    return level.checkPointEntry("f's result", r)
  }
  const vector = (
    level: Level<S>,
    F: NestedVectorFn<S>,
    x: readonly Operand<S>[],
    count: number,
  ) => {
    const outs = level.checkVector('F', F(ops, x as never[]))
    if (count >= 0 && outs.length !== count)
      throw outputCountChanged(level.label, outs.length, count)
    return outs.map((r, i) => level.checkPointEntry(`F's output ${i}`, r))
  }

  const valueAndGradient = (method: string, f: NestedScalarFn<S>, xs: readonly Operand<S>[]) => {
    const level = start(method, 'f', f)
    const x = level.point('x', xs)
    const value = scalar(level, f, x)
    const gradient = x.map((_, j) => {
      const { plus, minus, width } = sides(x, j)
      return quotient(scalar(level, f, plus), scalar(level, f, minus), width)
    })
    return { value, gradient }
  }

  const jacobian = (method: string, F: NestedVectorFn<S>, xs: readonly Operand<S>[]) => {
    const level = start(method, 'F', F)
    const x = level.point('x', xs)
    const value = vector(level, F, x, -1)
    const columns = x.map((_, j) => {
      const { plus, minus, width } = sides(x, j)
      const [a, b] = [vector(level, F, plus, value.length), vector(level, F, minus, value.length)]
      return a.map((ai, k) => quotient(ai, b[k] as Operand<S>, width))
    })
    const rows = value.map((_, k) => columns.map((column) => column[k] as Operand<S>))
    return { level, x, value, rows }
  }

  return {
    derivative(g: NestedUnivariateFn<S>, xv: Operand<S>) {
      const level = start('derivative', 'g', g)
      const x = level.checkPointEntry('x', xv)
      const { plus, minus, width } = sides([x], 0)
      const at = (p: Operand<S>) => {
        const r = g(ops, p as never)
        level.checkScalar('g', r)
        return level.checkPointEntry("g's result", r)
      }
      return quotient(at(plus[0] as Operand<S>), at(minus[0] as Operand<S>), width)
    },
    gradient: (f, x) => valueAndGradient('gradient', f as NestedScalarFn<S>, x).gradient,
    valueAndGradient: (f, x) => valueAndGradient('valueAndGradient', f as NestedScalarFn<S>, x),
    jacobian: (F, x) => jacobian('jacobian', F as NestedVectorFn<S>, x).rows,
    jvp(given, xs, vs) {
      const F = given as NestedVectorFn<S>
      const level = start('jvp', 'F', F)
      const x = level.point('x', xs)
      const v = level.point('v', vs)
      checkSameCount(level.label, 'v', v.length, x.length, 'one entry per input')
      const value = vector(level, F, x, -1)
      const { plus, minus, width } = alongDirection(x, v)
      const [a, b] = [vector(level, F, plus, value.length), vector(level, F, minus, value.length)]
      return { value, tangent: a.map((ai, k) => quotient(ai, b[k] as Operand<S>, width)) }
    },
    vjp(given, xs, us) {
      const F = given as NestedVectorFn<S>
      const { level, x, value, rows } = jacobian('vjp', F, xs)
      const u = level.point('u', us)
      checkSameCount(level.label, 'u', u.length, value.length, 'one entry per output of F')
      const cotangent = x.map((_, j) =>
        m.dot(
          u,
          rows.map((row) => row[j] as Operand<S>),
        ),
      )
      return { value, cotangent }
    },
  }
}

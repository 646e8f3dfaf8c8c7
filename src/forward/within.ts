import {
  checkSameCount,
  Level,
  type NestedScalarFn,
  type NestedUnivariateFn,
  NestedValue,
  type NestedVectorFn,
  outputCountChanged,
  type Within,
} from '../core/nested.js'
import { type NestedAlgebra, nestedOps } from '../core/nested-ops.js'
import { checkFunction } from '../core/validate.js'
import { levelOf } from '../ops/level.js'
import type { Operand, Ops } from '../ops/types.js'

/*
 * Forward mode inside another derivative: a dual number whose value and
 * tangent are values of the enclosing ops, one direction per pass. Nested k
 * deep, forward mode gives the k-th derivative of a function of one number.
 */

/** A dual number of a derivative taken within another: its tangent is null where it is structurally 0. */
export class NestedDual<S> extends NestedValue<S> {
  constructor(
    value: Operand<S>,
    /** d value / d input along the pass's direction; null where it is 0 by structure. */
    readonly tangent: Operand<S> | null,
    level: number,
    call: number,
  ) {
    super(value, level, call)
  }

  protected get kind(): string {
    return 'NestedDual'
  }
}

/** The algebra of tangents: a result's tangent is the sum of partial x operand tangent. */
function dualAlgebra<S>(level: Level<S>): NestedAlgebra<S, NestedDual<S>> {
  const m = level.outer
  return {
    constant: (value) => new NestedDual(value, null, level.level, level.call),
    wants: (x) => x.tangent !== null,
    result(value, operands, partials) {
      let tangent: Operand<S> | null = null
      for (let i = 0; i < operands.length; i++) {
        const t = (operands[i] as NestedDual<S>).tangent as Operand<S>
        const p = partials[i] as Operand<S>
        const term = p === 1 ? t : m.mul(p, t)
        tangent = tangent === null ? term : m.add(tangent, term)
      }
      return new NestedDual(value, tangent, level.level, level.call)
    },
  }
}

/** What forward mode's `within(m)` returns. */
export function forwardWithin<S>(m: Ops<S>, label?: string): Within<S> {
  const start = (method: string) => {
    const level = new Level<S>(label ?? `forward.within(m).${method}`, m, levelOf(m) + 1)
    return { level, ops: nestedOps(level, dualAlgebra(level)) }
  }
  type Run = ReturnType<typeof start>

  /** One pass: the inputs seeded with `seeds` (null: no tangent), f evaluated on them. */
  const pass = (
    { level, ops }: Run,
    x: readonly Operand<S>[],
    seeds: readonly (Operand<S> | null)[],
    f: (ops: Ops<NestedDual<S>, S>, inputs: NestedDual<S>[]) => unknown,
  ) => {
    level.fresh()
    const inputs = x.map((v, i) => new NestedDual(v, seeds[i] ?? null, level.level, level.call))
    return f(ops, inputs)
  }

  /** An output's value and tangent. */
  const read = (level: Level<S>, name: string, r: unknown): [Operand<S>, Operand<S>] => {
    const x = level.own(name, r, 'returned') as NestedDual<S> | null
    if (x === null) return [r as Operand<S>, 0]
    return [x.value, x.tangent ?? 0]
  }

  const unit = (n: number, i: number) => Array.from({ length: n }, (_, j) => (j === i ? 1 : null))

  const vectorPass = (
    run: Run,
    F: NestedVectorFn<S>,
    x: readonly Operand<S>[],
    seeds: readonly (Operand<S> | null)[],
  ) => {
    const outs = run.level.checkVector(
      'F',
      pass(run, x, seeds, (ops, inputs) => F(ops, inputs)),
    )
    return outs.map((r, i) => read(run.level, `F's output ${i}`, r))
  }

  const valueAndGradient = (method: string, f: NestedScalarFn<S>, xs: readonly Operand<S>[]) => {
    const run = start(method)
    checkFunction(run.level.label, 'f', f)
    const x = run.level.point('x', xs)
    const evaluate = (seeds: readonly (Operand<S> | null)[]) => {
      const r = pass(run, x, seeds, (ops, inputs) => f(ops, inputs))
      run.level.checkScalar('f', r)
      return read(run.level, 'f', r)
    }
    let value: Operand<S> = 0
    const gradient: Operand<S>[] = []
    if (x.length === 0) value = evaluate([])[0]
    for (let i = 0; i < x.length; i++) {
      const [v, t] = evaluate(unit(x.length, i))
      value = v
      gradient.push(t)
    }
    return { value, gradient }
  }

  const jacobian = (method: string, F: NestedVectorFn<S>, xs: readonly Operand<S>[]) => {
    const run = start(method)
    checkFunction(run.level.label, 'F', F)
    const x = run.level.point('x', xs)
    let value: Operand<S>[] = []
    let rows: Operand<S>[][] | null = null
    const passes = Math.max(x.length, 1)
    for (let i = 0; i < passes; i++) {
      const outs = vectorPass(run, F, x, unit(x.length, i))
      if (rows === null) {
        rows = outs.map(() => [])
        value = outs.map(([v]) => v)
      } else if (outs.length !== rows.length)
        throw outputCountChanged(run.level.label, outs.length, rows.length)
      if (x.length > 0) for (const [k, [, t]] of outs.entries()) rows[k]?.push(t)
    }
    return { value, rows: rows ?? [] }
  }

  return {
    derivative(g: NestedUnivariateFn<S>, xv: Operand<S>) {
      const run = start('derivative')
      checkFunction(run.level.label, 'g', g)
      const x = run.level.checkPointEntry('x', xv)
      const r = pass(run, [x], [1], (ops, [input]) => g(ops, input as NestedDual<S>))
      run.level.checkScalar('g', r)
      return read(run.level, 'g', r)[1]
    },
    gradient: (f, x) => valueAndGradient('gradient', f as NestedScalarFn<S>, x).gradient,
    valueAndGradient: (f, x) => valueAndGradient('valueAndGradient', f as NestedScalarFn<S>, x),
    jacobian: (F, x) => jacobian('jacobian', F as NestedVectorFn<S>, x).rows,
    jvp(given, xs, vs) {
      const F = given as NestedVectorFn<S>
      const run = start('jvp')
      checkFunction(run.level.label, 'F', F)
      const x = run.level.point('x', xs)
      const v = run.level.point('v', vs)
      checkSameCount(run.level.label, 'v', v.length, x.length, 'one entry per input')
      const outs = vectorPass(
        run,
        F,
        x,
        v.map((vi) => (vi === 0 ? null : vi)),
      )
      return { value: outs.map(([value]) => value), tangent: outs.map(([, t]) => t) }
    },
    vjp(given, xs, us) {
      const F = given as NestedVectorFn<S>
      const { value, rows } = jacobian('vjp', F, xs)
      const run = start('vjp')
      const u = run.level.point('u', us)
      checkSameCount(run.level.label, 'u', u.length, value.length, 'one entry per output of F')
      const n = run.level.point('x', xs).length
      const cotangent = Array.from({ length: n }, (_, j) =>
        m.dot(
          u,
          rows.map((row) => row[j] as Operand<S>),
        ),
      )
      return { value, cotangent }
    },
  }
}

import {
  checkSameCount,
  Level,
  type NestedScalarFn,
  type NestedUnivariateFn,
  NestedValue,
  type NestedVectorFn,
  type Within,
} from '../core/nested.js'
import { nestedOps } from '../core/nested-ops.js'
import { checkFunction } from '../core/validate.js'
import { levelOf } from '../ops/level.js'
import type { Operand, Ops } from '../ops/types.js'

/*
 * Reverse mode inside another derivative: a tape whose partials are values
 * of the enclosing ops, and a backward pass that computes adjoints with those
 * ops, so the enclosing derivative differentiates the whole backward pass.
 * With forward mode around it (forward-over-reverse), a Hessian-vector
 * product costs a small multiple of one gradient, whatever n is.
 */

/** A tape variable of a derivative taken within another. */
export class NestedVar<S> extends NestedValue<S> {
  constructor(
    value: Operand<S>,
    /** Its node on the call's tape. */
    readonly index: number,
    level: number,
    call: number,
  ) {
    super(value, level, call)
  }

  protected get kind(): string {
    return 'NestedVar'
  }
}

/** Node i's edges are `parents[ends[i - 1] .. ends[i] - 1]`, with their partials. */
class NestedTape<S> {
  readonly ends: number[] = []
  readonly parents: number[] = []
  readonly partials: Operand<S>[] = []

  push(operands: readonly NestedVar<S>[], partials: readonly Operand<S>[]): number {
    for (let i = 0; i < operands.length; i++) {
      this.parents.push((operands[i] as NestedVar<S>).index)
      this.partials.push(partials[i] as Operand<S>)
    }
    return this.ends.push(this.parents.length) - 1
  }

  /**
   * The adjoints of every node from the seeds (node, adjoint), last node
   * first: adjoint[parent] += partial * adjoint[node], with the enclosing
   * ops. null is an adjoint that is structurally 0.
   */
  backward(m: Ops<S>, seeds: readonly [number, Operand<S>][]): (Operand<S> | null)[] {
    const adjoint: (Operand<S> | null)[] = new Array(this.ends.length).fill(null)
    for (const [node, g] of seeds) adjoint[node] = add(m, adjoint[node] ?? null, g)
    for (let i = this.ends.length - 1; i >= 0; i--) {
      const g = adjoint[i]
      if (g === null || g === undefined || g === 0) continue
      for (let e = this.ends[i - 1] ?? 0; e < (this.ends[i] as number); e++) {
        const p = this.partials[e] as Operand<S>
        const parent = this.parents[e] as number
        adjoint[parent] = add(m, adjoint[parent] ?? null, p === 1 ? g : m.mul(p, g))
      }
    }
    return adjoint
  }

  /** The tangents of every node from the inputs' (first `inputs.length` nodes), first node first. */
  forward(m: Ops<S>, inputs: readonly (Operand<S> | null)[]): (Operand<S> | null)[] {
    const tangent: (Operand<S> | null)[] = [...inputs]
    for (let i = inputs.length; i < this.ends.length; i++) {
      let t: Operand<S> | null = null
      for (let e = this.ends[i - 1] ?? 0; e < (this.ends[i] as number); e++) {
        const parent = tangent[this.parents[e] as number] ?? null
        if (parent === null) continue
        const p = this.partials[e] as Operand<S>
        t = add(m, t, p === 1 ? parent : m.mul(p, parent))
      }
      tangent.push(t)
    }
    return tangent
  }
}

const add = <S>(m: Ops<S>, a: Operand<S> | null, b: Operand<S>): Operand<S> =>
  a === null ? b : m.add(a, b)

/** What reverse mode's `within(m)` returns. */
export function reverseWithin<S>(m: Ops<S>, label?: string): Within<S> {
  /** One recording of fn at x, on a tape of its own. */
  const record = <R>(
    method: string,
    name: string,
    fn: unknown,
    xs: unknown,
    evaluate: (ops: Ops<NestedVar<S>, S>, inputs: NestedVar<S>[]) => R,
  ) => {
    const level = new Level<S>(label ?? `reverse.within(m).${method}`, m, levelOf(m) + 1)
    checkFunction(level.label, name, fn)
    const x = level.point('x', xs)
    const tape = new NestedTape<S>()
    const ops = nestedOps<S, NestedVar<S>>(level, {
      constant: (value) => new NestedVar(value, tape.push([], []), level.level, level.call),
      wants: () => true,
      result: (value, operands, partials) =>
        new NestedVar(value, tape.push(operands, partials), level.level, level.call),
    })
    const inputs = x.map((v) => new NestedVar(v, tape.push([], []), level.level, level.call))
    const result = evaluate(ops, inputs)
    /** An output: its node, or -1 for a constant, and its value. */
    const output = (what: string, r: unknown): [number, Operand<S>] => {
      const v = level.own(what, r, 'returned') as NestedVar<S> | null
      return v === null ? [-1, r as Operand<S>] : [v.index, v.value]
    }
    return { level, x, tape, result, output }
  }

  /** `name` is what errors call the function: f, or g for derivative's function of one value. */
  const valueAndGradient = (
    method: string,
    f: NestedScalarFn<S>,
    xs: readonly Operand<S>[],
    name = 'f',
  ) => {
    const { level, x, tape, result, output } = record(method, name, f, xs, (ops, inputs) =>
      f(ops, inputs),
    )
    level.checkScalar(name, result)
    const [node, value] = output(name, result)
    const adjoint = node < 0 ? [] : tape.backward(m, [[node, 1]])
    return { value, gradient: x.map((_, i) => adjoint[i] ?? 0) }
  }

  const vectorRecord = (method: string, F: NestedVectorFn<S>, xs: readonly Operand<S>[]) => {
    const run = record(method, 'F', F, xs, (ops, inputs) => F(ops, inputs))
    const outs = run.level
      .checkVector('F', run.result)
      .map((r, i) => run.output(`F's output ${i}`, r))
    return { ...run, outs }
  }

  return {
    derivative(g: NestedUnivariateFn<S>, xv: Operand<S>) {
      const at = label ?? 'reverse.within(m).derivative'
      checkFunction(at, 'g', g)
      const x = new Level<S>(at, m, levelOf(m) + 1).checkPointEntry('x', xv)
      const { gradient } = valueAndGradient(
        'derivative',
        (ops, [input]) => g(ops, input as never),
        [x],
        'g',
      )
      return gradient[0] as Operand<S>
    },
    gradient: (f, x) => valueAndGradient('gradient', f as NestedScalarFn<S>, x).gradient,
    valueAndGradient: (f, x) => valueAndGradient('valueAndGradient', f as NestedScalarFn<S>, x),
    jacobian(F, xs) {
      const { x, tape, outs } = vectorRecord('jacobian', F as NestedVectorFn<S>, xs)
      return outs.map(([node]) => {
        const adjoint = node < 0 ? [] : tape.backward(m, [[node, 1]])
        return x.map((_, i) => adjoint[i] ?? 0)
      })
    },
    jvp(given, xs, vs) {
      const F = given as NestedVectorFn<S>
      const { level, x, tape, outs } = vectorRecord('jvp', F, xs)
      const v = level.point('v', vs)
      checkSameCount(level.label, 'v', v.length, x.length, 'one entry per input')
      const tangent = tape.forward(
        m,
        v.map((vi) => (vi === 0 ? null : vi)),
      )
      return {
        value: outs.map(([, value]) => value),
        tangent: outs.map(([node]) => (node < 0 ? 0 : (tangent[node] ?? 0))),
      }
    },
    vjp(given, xs, us) {
      const F = given as NestedVectorFn<S>
      const { level, x, tape, outs } = vectorRecord('vjp', F, xs)
      const u = level.point('u', us)
      checkSameCount(level.label, 'u', u.length, outs.length, 'one entry per output of F')
      const seeds: [number, Operand<S>][] = []
      outs.forEach(([node], k) => {
        if (node >= 0) seeds.push([node, u[k] as Operand<S>])
      })
      const adjoint = tape.backward(m, seeds)
      return { value: outs.map(([, value]) => value), cotangent: x.map((_, i) => adjoint[i] ?? 0) }
    },
  }
}

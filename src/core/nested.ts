import type { Operand, Ops } from '../ops/types.js'
import { describe, isThenable } from './describe.js'
import { gradlabError } from './errors.js'
import { refuseNumberConversion } from './primitive.js'

/*
 * Derivatives taken inside derivatives. `forward.within(m)`,
 * `reverse.within(m)` and `numeric.within(m)` differentiate a function whose
 * numbers are the values of m, the ops of an enclosing derivative (or plain
 * numbers, at level 0): they compute every value with m, so whatever they
 * return is a value of m, which the enclosing derivative differentiates in
 * turn.
 *
 * A value carries its level (how deep it is nested) and the call that made
 * it, so that no two derivatives' perturbations can be confused (Siskind and
 * Pearlmutter's perturbation confusion): to the ops of a call, a value of a
 * lower level is a constant (it belongs to an enclosing derivative); a value
 * of its own level is its own or, if made by another call, an error; a value
 * of a higher level (from a derivative taken inside this one, kept after it
 * ended) an error too.
 */

/** A value of a derivative taken within another: its value is one of the enclosing ops' values. */
export abstract class NestedValue<S> {
  constructor(
    /** Its value: a value of the enclosing derivative's ops, or a plain number. */
    readonly value: Operand<S>,
    /** How deep it is nested: one more than the enclosing ops' level. */
    readonly level: number,
    /** The call that made it. */
    readonly call: number,
  ) {}

  /** What it is called in messages. */
  protected abstract get kind(): string

  [Symbol.toPrimitive](hint: string): string {
    return refuseNumberConversion(hint, this.kind, `level ${this.level}`)
  }
}

let calls = 0

/** A call of a derivative taken within another: where its values are checked against. */
export class Level<S> {
  /** This call's number, which its values carry; a new one for each pass (`fresh`). */
  call = ++calls

  constructor(
    /** The public method, e.g. `reverse.within(m).gradient`. */
    readonly label: string,
    /** The enclosing derivative's ops: every value is computed with them. */
    readonly outer: Ops<S>,
    /** This call's level: the outer ops' level plus one. */
    readonly level: number,
  ) {}

  /** Starts a new pass: values of earlier passes are no longer this call's own. */
  fresh(): void {
    this.call = ++calls
  }

  /**
   * `a` as this call's own value, or null when it is a constant here (a
   * number or a value of an enclosing derivative). Throws a TypeError for a
   * value of another call of this level, or of a derivative taken inside
   * this one, and for anything that is not a value at all, saying that `op`
   * `verb` it ('received' for an op's operand, 'returned' for a result).
   */
  own(op: string, a: unknown, verb = 'received'): NestedValue<S> | null {
    if (typeof a === 'number') return null
    if (a instanceof NestedValue) {
      if (a.level < this.level) return null
      if (a.level === this.level && a.call === this.call) return a as NestedValue<S>
      throw gradlabError(
        TypeError,
        'ERR_GRADLAB_FOREIGN_VALUE',
        a.level === this.level
          ? `${this.label}: ${op} ${verb} a value of another derivative taken at the same depth: one that has returned, or an enclosing one whose ops are not the m this call was made within (to nest a derivative, call within with the innermost ops).`
          : `${this.label}: ${op} ${verb} a value of a derivative taken inside this one, kept after it returned. Use what that derivative returned instead.`,
      )
    }
    this.checkOuter(op, a, verb)
    return null
  }

  /** Throws unless `a` is a number or a value of the enclosing ops. */
  checkOuter(op: string, a: unknown, verb = 'received'): void {
    if (typeof a === 'number') return
    try {
      this.outer.value(a as Operand<S>)
    } catch {
      throw gradlabError(
        TypeError,
        typeof a === 'object' && a !== null
          ? 'ERR_GRADLAB_FOREIGN_VALUE'
          : 'ERR_GRADLAB_INVALID_OPERAND',
        `${this.label}: ${op} ${verb} ${describe(a)}; expected a value made by these ops, a value of the enclosing derivative's ops (the m given to within), or a plain number.`,
      )
    }
  }

  /** The plain number under a value of any level. */
  numberOf(a: unknown): number {
    if (typeof a === 'number') return a
    if (a instanceof NestedValue && a.level === this.level) return this.outer.value(a.value)
    return this.outer.value(a as Operand<S>)
  }

  /** A point of the enclosing ops' values: an array or typed array, copied. */
  point(name: string, x: unknown): Operand<S>[] {
    if (!Array.isArray(x) && !(ArrayBuffer.isView(x) && !(x instanceof DataView))) {
      const hint = typeof x === 'number' ? ' For a function of one number, use derivative.' : ''
      throw gradlabError(
        TypeError,
        'ERR_GRADLAB_INVALID_POINT',
        `${this.label}: ${name} must be an array of numbers or values of the enclosing derivative's ops, got ${describe(x)}.${hint}`,
      )
    }
    const out = Array.from(x as ArrayLike<unknown>)
    for (let i = 0; i < out.length; i++) this.checkPointEntry(`${name}[${i}]`, out[i])
    return out as Operand<S>[]
  }

  /** One number of a point, or a value of the enclosing ops. */
  checkPointEntry(name: string, a: unknown): Operand<S> {
    if (typeof a === 'number') return a
    if (a instanceof NestedValue && a.level >= this.level) {
      throw gradlabError(
        TypeError,
        'ERR_GRADLAB_FOREIGN_VALUE',
        `${this.label}: ${name} is a value of a derivative taken at this depth or inside it, not of the enclosing derivative's ops.`,
      )
    }
    try {
      this.outer.value(a as Operand<S>)
    } catch {
      throw gradlabError(
        TypeError,
        'ERR_GRADLAB_INVALID_POINT',
        `${this.label}: ${name} must be a number or a value of the enclosing derivative's ops (the m given to within), got ${describe(a)}.`,
      )
    }
    return a as Operand<S>
  }

  /** Rejects a result that is a Promise or an array where one value is due. */
  checkScalar(name: string, r: unknown): void {
    if (isThenable(r) || Array.isArray(r) || ArrayBuffer.isView(r)) {
      throw gradlabError(
        TypeError,
        isThenable(r) ? 'ERR_GRADLAB_ASYNC_FUNCTION' : 'ERR_GRADLAB_INVALID_RESULT',
        `${this.label}: ${name} returned ${describe(r)}; it must return one value made by the ops it was given, or a plain number.`,
      )
    }
  }

  /** Rejects a result that is not an array of outputs. */
  checkVector(name: string, r: unknown): readonly unknown[] {
    if (Array.isArray(r)) return r
    throw gradlabError(
      TypeError,
      isThenable(r) ? 'ERR_GRADLAB_ASYNC_FUNCTION' : 'ERR_GRADLAB_INVALID_RESULT',
      `${this.label}: ${name} must return an array of outputs, got ${describe(r)}.`,
    )
  }
}

/**
 * A function of one value for `within(m).derivative`: its ops take the
 * enclosing derivative's values `S` as constants.
 */
export type NestedUnivariateFn<S> = <U>(m: Ops<U, S>, x: U) => Operand<U, S>

/**
 * What a function receives for the point `X` of `within(m)`'s methods: one
 * `U` per entry, as a tuple when `X` is one (an array literal).
 */
export type NestedInputs<X, U> = { readonly [K in keyof X]: U }

/** A scalar function of a vector for `within(m).gradient` and `valueAndGradient`. */
export type NestedScalarFn<S, X = readonly Operand<S>[]> = <U>(
  m: Ops<U, S>,
  x: NestedInputs<X, U>,
) => Operand<U, S>

/** A vector function of a vector for `within(m).jacobian`, `jvp` and `vjp`. */
export type NestedVectorFn<S, X = readonly Operand<S>[]> = <U>(
  m: Ops<U, S>,
  x: NestedInputs<X, U>,
) => readonly Operand<U, S>[]

/** What `within(m).valueAndGradient` returns: f(x) and its gradient, as values of m. */
export interface NestedValueAndGradient<S> {
  /** f(x) */
  readonly value: Operand<S>
  /** Entry i: df/dx_i. */
  readonly gradient: Operand<S>[]
}

/** What `within(m).jvp` returns. */
export interface NestedJvpResult<S> {
  /** F(x) */
  readonly value: Operand<S>[]
  /** J v */
  readonly tangent: Operand<S>[]
}

/** What `within(m).vjp` returns. */
export interface NestedVjpResult<S> {
  /** F(x) */
  readonly value: Operand<S>[]
  /** u^T J */
  readonly cotangent: Operand<S>[]
}

/**
 * A strategy's methods inside a function being differentiated, made by
 * `forward.within(m)`, `reverse.within(m)` or `numeric.within(m)` from that
 * function's ops `m`: points, directions and results are values of `m` (or
 * plain numbers), so the enclosing derivative differentiates through them.
 * The functions given may close over values of `m`, which are constants to
 * them; their ops take such values wherever they take numbers. A value made
 * inside belongs to that one call: kept and used elsewhere, it is refused
 * with a TypeError, never confused with another derivative's. Results are
 * arrays (not Float64Arrays), since they hold values of `m`.
 *
 * @example
 * ```ts
 * // d/dx [x * d/dy (x + y)] at x = 1: the inner derivative is 1 whatever x is, so the answer is 1, not 2
 * forward.derivative((m, x) => m.mul(x, forward.within(m).derivative((mi, y) => mi.add(x, y), 1)), 1) // => 1
 * ```
 */
export interface Within<S> {
  /**
   * g'(x), a value of the enclosing ops.
   * @example
   * ```ts
   * // d/dx [x * d/dy (x y) at y = 3] at x = 5 is 2x = 10
   * reverse.derivative((m, x) => m.mul(x, reverse.within(m).derivative((mi, y) => mi.mul(x, y), 3)), 5) // => 10
   * ```
   */
  derivative(g: NestedUnivariateFn<S>, x: Operand<S>): Operand<S>
  /**
   * The gradient of f at x, one value of the enclosing ops per input.
   * @example
   * ```ts
   * // the Hessian-vector product of a^2 b along (1, 0): the jvp of the gradient
   * const f = <T>(m: Ops<T>, [a, b]: readonly [T, T]) => m.mul(m.square(a), b)
   * forward.jvp((m, x) => reverse.within(m).gradient(f, x), [2, 3], [1, 0]).tangent // => Float64Array(2) [ 6, 4 ]
   * ```
   */
  gradient<const X extends readonly Operand<S>[]>(f: NestedScalarFn<S, X>, x: X): Operand<S>[]
  /**
   * f(x) and its gradient.
   * @example
   * ```ts
   * plain.value(reverse.within(plain).valueAndGradient((m, [a]) => m.exp(a), [0]).value) // => 1
   * ```
   */
  valueAndGradient<const X extends readonly Operand<S>[]>(
    f: NestedScalarFn<S, X>,
    x: X,
  ): NestedValueAndGradient<S>
  /**
   * The Jacobian of F at x, as rows.
   * @example
   * ```ts
   * forward.within(plain).jacobian((m, [a, b]) => [m.mul(a, b)], [2, 3]) // => [ [ 3, 2 ] ]
   * ```
   */
  jacobian<const X extends readonly Operand<S>[]>(F: NestedVectorFn<S, X>, x: X): Operand<S>[][]
  /**
   * F(x) and J v.
   * @example
   * ```ts
   * reverse.within(plain).jvp((m, [a]) => [m.square(a)], [3], [1]).tangent // => [ 6 ]
   * ```
   */
  jvp<const X extends readonly Operand<S>[]>(
    F: NestedVectorFn<S, X>,
    x: X,
    v: readonly Operand<S>[],
  ): NestedJvpResult<S>
  /**
   * F(x) and u^T J.
   * @example
   * ```ts
   * reverse.within(plain).vjp((m, [a, b]) => [m.mul(a, b)], [2, 3], [1]).cotangent // => [ 3, 2 ]
   * ```
   */
  vjp<const X extends readonly Operand<S>[]>(
    F: NestedVectorFn<S, X>,
    x: X,
    u: readonly Operand<S>[],
  ): NestedVjpResult<S>
}

export function checkSameCount(
  label: string,
  name: string,
  count: number,
  expected: number,
  what: string,
): void {
  if (count !== expected) {
    throw gradlabError(
      RangeError,
      'ERR_GRADLAB_LENGTH_MISMATCH',
      `${label}: ${name} has length ${count} but must have length ${expected} (${what}).`,
    )
  }
}

export function outputCountChanged(label: string, count: number, expected: number) {
  return gradlabError(
    RangeError,
    'ERR_GRADLAB_OUTPUT_LENGTH_CHANGED',
    `${label}: F returned ${count} outputs on one evaluation and ${expected} on another; its output length must not depend on x.`,
  )
}

/** Throws a TypeError unless `m` looks like an ops object: the argument of `within`. */
export function checkOps(label: string, m: unknown): void {
  const ops = m as Record<string, unknown> | null
  if (
    typeof ops === 'object' &&
    ops !== null &&
    ['add', 'mul', 'value', 'sum', 'dot'].every((name) => typeof ops[name] === 'function')
  )
    return
  throw gradlabError(
    TypeError,
    'ERR_GRADLAB_INVALID_OPERAND',
    `${label}: m must be the ops object an enclosing derivative handed to its function (or plain), got ${describe(m)}.`,
  )
}

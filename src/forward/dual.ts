import { gradlabError } from '../core/errors.js'
import { refuseNumberConversion } from '../core/primitive.js'
import { storedTangents } from './tangents.js'

/**
 * A dual number `value + tangent_1 ε_1 + ... + tangent_k ε_k` with
 * ε_i ε_j = 0: evaluating f on it gives `f(value) + sum_i f'(value)
 * tangent_i ε_i`, so the tangents carry k directional derivatives along with
 * the value. A pass of forward mode carries k directions at once (a chunk, as
 * in ForwardDiff.jl); `derivative` and `jvp` carry one. Forward mode's ops
 * make them and hand them to the function being differentiated; a user reads
 * them but does not construct them.
 *
 * The tangents are not stored in the dual but in the pass's tangent storage
 * at `offset`, so that an op allocates no array; they can be read while the
 * pass runs.
 *
 * `pass` identifies the forward pass that made it. A dual kept from another
 * pass (an earlier call, or an enclosing derivative) is refused, so that two
 * passes' perturbations can never be confused.
 *
 * @example
 * ```ts
 * let seen = 0
 * forward.derivative((m, x) => {
 *   const y = m.mul(x, x)
 *   if (y instanceof Dual) seen = y.tangent
 *   return y
 * }, 3)
 * seen // => 6
 * ```
 */
export class Dual {
  /** Made by forward mode's ops only. */
  constructor(
    /** The primal value: f(x) of the expression this dual stands for. */
    readonly value: number,
    /** The forward pass that made it; ops refuse a dual of another pass. */
    readonly pass: number,
    /** Where its tangents start in the pass's storage; -1 when they are all zero. */
    readonly offset: number,
  ) {}

  /**
   * Its tangents, one per direction of its pass (a copy). Only while its pass
   * runs: the storage is reused afterwards, and reading them then throws a
   * TypeError.
   */
  get tangents(): Float64Array {
    const tangents = storedTangents(this.pass, this.offset)
    if (tangents === undefined) {
      throw gradlabError(
        TypeError,
        'ERR_GRADLAB_FOREIGN_VALUE',
        `Dual: the forward pass that made this dual (value ${this.value}) has ended, and its tangents were kept only while it ran. Read derivatives from the result of forward's methods.`,
      )
    }
    return tangents
  }

  /** Its tangent along the first direction of its pass: the tangent, when the pass carries one. */
  get tangent(): number {
    return this.tangents[0] as number
  }

  /**
   * In a string, `Dual(value 2, tangent 1)`; as a number (`x > 0`, `x + 1`)
   * it throws a TypeError, since JavaScript would otherwise compute with NaN
   * and take a wrong branch silently. Read the value with `m.value(x)`.
   * @example
   * ```ts
   * let shown = ''
   * forward.derivative((m, x) => {
   *   shown = `${x}`
   *   return x
   * }, 2)
   * shown // => 'Dual(value 2, tangent 1)'
   * ```
   */
  [Symbol.toPrimitive](hint: string): string {
    return refuseNumberConversion(hint, 'Dual', `value ${this.value}, ${this.describeTangents()}`)
  }

  private describeTangents(): string {
    const tangents = storedTangents(this.pass, this.offset)
    if (tangents === undefined) return 'from an ended pass'
    if (tangents.length === 1) return `tangent ${tangents[0]}`
    return `tangents [${tangents.join(', ')}]`
  }
}

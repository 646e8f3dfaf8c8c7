import { refuseNumberConversion } from '../core/primitive.js'

/**
 * The key of a variable's session. A symbol rather than a field name, so
 * that `a?.[SESSION] === session` is at once the test that `a` is a variable
 * made by gradlab and that it belongs to the evaluation being recorded: one
 * property load, which the widest ops make per element.
 */
export const SESSION: unique symbol = Symbol('gradlab.session')

/**
 * A value recorded on a reverse-mode tape: its primal value, and the index of
 * the tape node that made it (-1 for a constant, which needs no node).
 * Reverse mode's ops make them and hand them to the function being
 * differentiated; a user reads them but does not construct them.
 *
 * Its session identifies the evaluation that recorded it. A variable kept
 * from another evaluation (an earlier call, or an enclosing one) is refused,
 * since its index points into a tape that has since been reused.
 *
 * @example
 * ```ts
 * let node = 0
 * reverse.gradient((m, [a, b]) => {
 *   const y = m.mul(a, b)
 *   if (y instanceof TapeVar) node = y.index
 *   return y
 * }, [2, 3])
 * node // => 2
 * ```
 */
export class TapeVar {
  /** @internal The evaluation that recorded it. */
  readonly [SESSION]: number

  /** Made by reverse mode's ops only. */
  constructor(
    /** The primal value: f(x) of the expression this variable stands for. */
    readonly value: number,
    /**
     * The tape node that made it: 0 .. n-1 for the inputs; -1 for a constant,
     * or a value whose local partials are all 0 at this point.
     */
    readonly index: number,
    session: number,
  ) {
    this[SESSION] = session
  }

  /**
   * In a string, `TapeVar(value 2, node 0)`; as a number (`x > 0`, `x + 1`)
   * it throws a TypeError, since JavaScript would otherwise compute with NaN
   * and take a wrong branch silently. Read the value with `m.value(x)`.
   * @example
   * ```ts
   * let shown = ''
   * reverse.derivative((m, x) => {
   *   shown = `${x}`
   *   return x
   * }, 2)
   * shown // => 'TapeVar(value 2, node 0)'
   * ```
   */
  [Symbol.toPrimitive](hint: string): string {
    return refuseNumberConversion(hint, 'TapeVar', `value ${this.value}, node ${this.index}`)
  }
}

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
 *
 * Its session identifies the evaluation that recorded it. A variable kept
 * from another evaluation (an earlier call, or an enclosing one) is refused,
 * since its index points into a tape that has since been reused.
 */
export class TapeVar {
  readonly [SESSION]: number

  constructor(
    readonly value: number,
    readonly index: number,
    session: number,
  ) {
    this[SESSION] = session
  }

  [Symbol.toPrimitive](hint: string): string {
    return refuseNumberConversion(hint, 'TapeVar', `value ${this.value}, node ${this.index}`)
  }
}

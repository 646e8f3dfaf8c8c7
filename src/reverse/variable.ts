import { refuseNumberConversion } from '../core/primitive.js'

/**
 * A value recorded on a reverse-mode tape: its primal value, and the index of
 * the tape node that made it (-1 for a constant, which needs no node).
 *
 * `session` identifies the evaluation that recorded it. A variable kept from
 * another evaluation (an earlier call, or an enclosing one) is refused, since
 * its index points into a tape that has since been reused.
 */
export class TapeVar {
  constructor(
    readonly value: number,
    readonly index: number,
    readonly session: number,
  ) {}

  [Symbol.toPrimitive](hint: string): string {
    return refuseNumberConversion(hint, 'TapeVar', `value ${this.value}, node ${this.index}`)
  }
}

import { refuseNumberConversion } from '../core/primitive.js'

/**
 * A dual number `value + tangent ε` with ε² = 0: evaluating f on it gives
 * `f(value) + f'(value) tangent ε`, so the tangent carries the derivative
 * along with the value.
 *
 * `pass` identifies the forward pass that made it. A dual kept from another
 * pass (an earlier call, or an enclosing derivative) is refused, so that two
 * passes' perturbations can never be confused.
 */
export class Dual {
  constructor(
    readonly value: number,
    readonly tangent: number,
    readonly pass: number,
  ) {}

  [Symbol.toPrimitive](hint: string): string {
    return refuseNumberConversion(hint, 'Dual', `value ${this.value}, tangent ${this.tangent}`)
  }
}

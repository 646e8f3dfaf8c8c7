import { notANumber } from './custom-results.js'
import type { CustomBinary, CustomUnary } from './custom-rule.js'
import { createPlainOps, type OpsContext } from './plain.js'

/*
 * Custom ops' partials, evaluated for forward mode, the tape and the replay
 * alike, so that the three get the same numbers.
 */

/** The call and op whose partial is being evaluated, for the partial ops' messages. */
let evaluating = { label: '', name: '' }
const partialContext: OpsContext = {
  get label() {
    return `${evaluating.label}: ${evaluating.name}: partial`
  },
  set label(_label: string) {},
}
/**
 * The ops a custom partial is evaluated with: plain numbers, checked, so a
 * partial that computes with a value of another strategy is named. They run
 * the table's value rules, so a custom copy of a table op gets the table's
 * partials bit for bit.
 */
const partialOps = createPlainOps(partialContext)

/** Runs `partial` with the partial ops, reporting errors as the partial of `op` in `label`. */
function evaluatePartial(
  label: string,
  op: CustomUnary | CustomBinary,
  rule: string,
  partial: () => unknown,
): number {
  const saved = evaluating
  evaluating = { label, name: op.name }
  try {
    const p = partial()
    if (typeof p !== 'number') throw notANumber(label, op, rule, p)
    return p
  } finally {
    evaluating = saved
  }
}

/** d op / da at a, given out = op(a): the user's partial, checked to be a number. */
export function unaryPartial(label: string, op: CustomUnary, a: number, out: number): number {
  return evaluatePartial(label, op, 'partial', () => op.rule.partial(partialOps, a, out))
}

/** d op / da (`side` 'partialA') or d op / db ('partialB') at (a, b), given out = op(a, b). */
export function binaryPartial(
  label: string,
  op: CustomBinary,
  side: 'partialA' | 'partialB',
  a: number,
  b: number,
  out: number,
): number {
  return evaluatePartial(label, op, side, () => op.rule[side](partialOps, a, b, out))
}

/*
 * The comparisons of every ops object: a < b and the like on the operands'
 * values, as booleans to branch on. No derivative flows through them; a
 * compiled gradient keeps their outcomes as guards (program-ops.ts).
 */

/** The comparisons' names, in the order of their codes in a compiled guard. */
export const COMPARISONS = ['lt', 'le', 'gt', 'ge'] as const
export type ComparisonName = (typeof COMPARISONS)[number]

/** Each comparison on numbers. */
export const compareValues: Readonly<Record<ComparisonName, (a: number, b: number) => boolean>> =
  Object.freeze({
    lt: (a: number, b: number) => a < b,
    le: (a: number, b: number) => a <= b,
    gt: (a: number, b: number) => a > b,
    ge: (a: number, b: number) => a >= b,
  })

/** The comparisons of ops whose operand values `read(op, a)` gives (and checks, naming `op`). */
export function comparisons(
  read: (op: string, a: unknown) => number,
): Record<ComparisonName, (a: unknown, b: unknown) => boolean> {
  return {
    lt: (a, b) => read('lt', a) < read('lt', b),
    le: (a, b) => read('le', a) <= read('le', b),
    gt: (a, b) => read('gt', a) > read('gt', b),
    ge: (a, b) => read('ge', a) >= read('ge', b),
  }
}

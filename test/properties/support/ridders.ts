/**
 * Ridders' method: central differences at steps h, h/1.4, h/1.4^2, ...,
 * extrapolated to step 0 by Richardson's tableau, returning the estimate with
 * the smallest error together with that error estimate (Ridders, Adv. Eng.
 * Software 4(2), 1982; Numerical Recipes, 3rd ed., section 5.7). On a smooth
 * function it reaches 1e-12 to 1e-14 relative accuracy, orders of magnitude
 * beyond a single central difference, and it uses nothing but values, so it
 * is an oracle independent of every partial in the op table.
 */
const SHRINK = 1.4
const ROWS = 10

/**
 * How much the tableau can amplify rounding in its differences: the smallest
 * step is h / 1.4^9, and each extrapolation level j weights its two inputs
 * by (f_j + 1) / (f_j - 1) in absolute sum, f_j = 1.4^(2j). About 176.
 */
export const RIDDERS_ROUNDING_GAIN = Array.from({ length: ROWS - 1 }, (_, i) => {
  const f = SHRINK ** (2 * (i + 1))
  return (f + 1) / (f - 1)
}).reduce((g, w) => g * w, SHRINK ** (ROWS - 1))

export function ridders(
  f: (t: number) => number,
  x: number,
  h: number,
): { derivative: number; error: number } {
  const shrink2 = SHRINK * SHRINK
  const tableau: number[][] = []
  let step = h
  let best = Number.NaN
  let error = Number.POSITIVE_INFINITY
  for (let i = 0; i < ROWS; i++) {
    const column: number[] = [(f(x + step) - f(x - step)) / (2 * step)]
    let factor = shrink2
    for (let j = 1; j <= i; j++) {
      const previous = tableau[i - 1] as number[]
      const value =
        ((column[j - 1] as number) * factor - (previous[j - 1] as number)) / (factor - 1)
      column.push(value)
      factor *= shrink2
      const change = Math.max(
        Math.abs(value - (column[j - 1] as number)),
        Math.abs(value - (previous[j - 1] as number)),
      )
      if (change <= error) {
        error = change
        best = value
      }
    }
    tableau.push(column)
    // Stop once the highest-order estimate is drifting by more than twice the best error: rounding has set in.
    if (i > 0) {
      const drift = Math.abs(
        (column[i] as number) - ((tableau[i - 1] as number[])[i - 1] as number),
      )
      if (drift >= 2 * error) break
    }
    step /= SHRINK
  }
  return { derivative: best, error }
}

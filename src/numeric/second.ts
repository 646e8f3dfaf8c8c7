/*
 * Second derivatives from values alone. A central second difference has a
 * truncation error O(h^2) and a rounding error about eps |f| / h^2; they
 * balance at h ~ eps^(1/4) |x| (about 1.2e-4), for an error of about
 * eps^(1/2) ~ 1e-8 relative to the scale of f and its derivatives
 * (Numerical Recipes, 3rd ed., section 5.7, with the second difference's
 * h^2 in place of the first's h). With the distances the point really moved
 * (`up - x` need not be h in floating point):
 *   H_ii = 2 ((f(x + u e_i) - f(x)) / u - (f(x) - f(x - d e_i)) / d) / (u + d),
 *   H_ij = (f(++) - f(+-) - f(-+) + f(--)) / (w_i w_j),
 * where ++ moves x up along e_i and e_j, and w_i is the distance from the
 * lower position to the upper one. A Hessian costs 2n^2 + 1 evaluations
 * (the upper triangle is mirrored), a Hessian-vector product 4n, from the
 * mixed formula along e_i and the direction v.
 */

/** The relative step of second differences: eps^(1/4). */
export const SECOND_RELATIVE_STEP = Number.EPSILON ** 0.25

/** The step for a coordinate of value `x`, or the fixed one given. */
export const secondStep = (x: number, step: number | undefined) =>
  step ?? SECOND_RELATIVE_STEP * Math.max(1, Math.abs(x))

/** The Hessian of `f` at `x` by second differences; `f` is called with points it may keep. */
export function differenceHessian(
  f: (x: readonly number[]) => number,
  x: readonly number[],
  step: number | undefined,
): Float64Array[] {
  const n = x.length
  const at = (moves: readonly [number, number][]) => {
    const p = x.slice()
    for (const [i, to] of moves) p[i] = to
    return f(p)
  }
  const fx = f(x.slice())
  const up = x.map((xi) => xi + secondStep(xi, step))
  const down = x.map((xi) => xi - secondStep(xi, step))
  const hessian = Array.from({ length: n }, () => new Float64Array(n))
  for (let i = 0; i < n; i++) {
    const [xi, ui, di] = [x[i] as number, up[i] as number, down[i] as number]
    const [u, d] = [ui - xi, xi - di]
    const row = hessian[i] as Float64Array
    row[i] = (2 * ((at([[i, ui]]) - fx) / u - (fx - at([[i, di]])) / d)) / (u + d)
    for (let j = i + 1; j < n; j++) {
      const [uj, dj] = [up[j] as number, down[j] as number]
      const mixed =
        at([
          [i, ui],
          [j, uj],
        ]) -
        at([
          [i, ui],
          [j, dj],
        ]) -
        at([
          [i, di],
          [j, uj],
        ]) +
        at([
          [i, di],
          [j, dj],
        ])
      const hij = mixed / ((ui - di) * (uj - dj))
      row[j] = hij
      ;(hessian[j] as Float64Array)[i] = hij
    }
  }
  return hessian
}

/** H v at `x` by the mixed second difference along each e_i and v: 4n evaluations. */
export function differenceHessianVector(
  f: (x: readonly number[]) => number,
  x: readonly number[],
  v: readonly number[],
  step: number | undefined,
): Float64Array {
  const n = x.length
  const scale = Math.max(0, ...v.map(Math.abs))
  const out = new Float64Array(n)
  if (scale === 0) return out
  const size = Math.max(1, ...x.map(Math.abs))
  // Along v, a step t with t max|v_i| the size a coordinate step would have.
  const t = (step ?? SECOND_RELATIVE_STEP * size) / scale
  const at = (i: number, to: number, s: number) => {
    const p = x.map((xj, j) => xj + s * (v[j] as number))
    p[i] = to + s * (v[i] as number)
    return f(p)
  }
  for (let i = 0; i < n; i++) {
    const xi = x[i] as number
    const [ui, di] = [xi + secondStep(xi, step), xi - secondStep(xi, step)]
    const mixed = at(i, ui, t) - at(i, ui, -t) - at(i, di, t) + at(i, di, -t)
    out[i] = mixed / ((ui - di) * 2 * t)
  }
  return out
}

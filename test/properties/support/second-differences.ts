import { type Expr, evaluate } from './expr.js'
import { type Jet, jetOps } from './jets.js'
import { magnitude } from './magnitude.js'

/*
 * What the theory of second differences predicts for numeric.hessian's
 * error at x, entry by entry, with the steps numeric takes (up = x + h,
 * down = x - h, h = eps^(1/4) max(1, |x_i|), and u = up - x, d = x - down,
 * w = up - down the distances the point really moved, all exact in floating
 * point by Sterbenz's lemma). Taylor coefficients come from jets of the op
 * table (jets.ts), value errors from running bounds (magnitude.ts); nothing
 * comes from the strategies.
 *
 * Diagonal: with phi(t) = f(x + t e_i) = c0 + c1 t + c2 t^2 + c3 t^3 + c4(xi) t^4
 * (Lagrange's remainder), numeric's
 *   D = 2 ((phi(u) - phi(0)) / u - (phi(0) - phi(-d)) / d) / (u + d)
 * is exactly 2 c2 + 2 c3 (u - d) + 2 (c4(xi1) u^3 + c4(xi2) d^3) / (u + d),
 * and H_ii = 2 c2.
 *
 * Mixed: the four points are the corners c +/- a e_i +/- b e_j of a
 * rectangle about its centre c = x + ((u_i - d_i) / 2, (u_j - d_j) / 2), with
 * a = w_i / 2, b = w_j / 2. Along v+ = a e_i + b e_j and v- = a e_i - b e_j,
 * psi(1) + psi(-1) = 2 psi(0) + 2 c2 + 2 c4(xi) for some |xi| < 1, and
 * c2(v+) - c2(v-) = 2 a b H_ij(c), so numeric's quotient by w_i w_j = 4ab is
 * H_ij(c) plus (c4+(xi+) - c4-(xi-)) / (2ab). The centre is off x by less
 * than an ulp of each coordinate, which moves H_ij by that much times a
 * third derivative.
 *
 * |c4| on an interval is bounded by its largest value at five samples plus
 * what c4' = 5 c5 can add between neighbouring samples, and the sum is
 * doubled for what sampling leaves, as in bounds.ts. Rounding: each value
 * of f carries its running error bound E; the differences, the quotients and
 * the last division add a few roundings of the quantities they form.
 */

const EPS = Number.EPSILON

/** Taylor coefficients of t -> e(p + t v) to degree 5. */
function taylor5(e: Expr, p: readonly number[], v: readonly number[]): Jet {
  const inputs = p.map((pj, j): Jet => [pj, v[j] as number, 0, 0, 0, 0])
  const r = evaluate(jetOps(5), e, inputs)
  return typeof r === 'number' ? [r, 0, 0, 0, 0, 0] : r
}

/** A bound on |c_k(t)| for t in [from, to] along v from p, from five samples and c_k+1 between them. */
function coefficientBound(
  e: Expr,
  p: readonly number[],
  v: readonly number[],
  from: number,
  to: number,
  k: number,
): number {
  let largest = 0
  let next = 0
  for (let s = 0; s <= 4; s++) {
    const t = from + ((to - from) * s) / 4
    const c = taylor5(
      e,
      p.map((pj, j) => pj + t * (v[j] as number)),
      v,
    )
    largest = Math.max(largest, Math.abs(c[k] as number))
    next = Math.max(next, Math.abs(c[k + 1] as number))
  }
  // Between samples (t apart by (to - from) / 4), c_k moves by at most half that times (k + 1) max |c_k+1|.
  return 2 * (largest + ((to - from) / 8) * (k + 1) * next)
}

const unit = (n: number, i: number) => Array.from({ length: n }, (_, j) => (j === i ? 1 : 0))
const errorAt = (e: Expr, p: readonly number[]) => magnitude(e, p).error
const valueAt = (e: Expr, p: readonly number[]) => Math.abs(magnitude(e, p).value)

/** The predicted bound on |numeric.hessian(f, x)[i][j] - H_ij| for every entry. */
export function secondDifferenceBound(e: Expr, x: readonly number[]): Float64Array[] {
  const n = x.length
  const h = x.map((xi) => EPS ** 0.25 * Math.max(1, Math.abs(xi)))
  const up = x.map((xi, i) => xi + (h[i] as number))
  const down = x.map((xi, i) => xi - (h[i] as number))
  const at = (moves: readonly [number, number][]) => {
    const p = x.slice()
    for (const [i, to] of moves) p[i] = to
    return p
  }
  const out = Array.from({ length: n }, () => new Float64Array(n))
  for (let i = 0; i < n; i++) {
    const [xi, ui, di] = [x[i] as number, up[i] as number, down[i] as number]
    const [u, d] = [ui - xi, xi - di]
    const ei = unit(n, i)
    const c3 = Math.abs(taylor5(e, x, ei)[3] as number)
    const c4 = coefficientBound(e, x, ei, -d, u, 4)
    const truncation = 2 * c3 * Math.abs(u - d) + (2 * c4 * (u ** 3 + d ** 3)) / (u + d)
    const [fu, f0, fd] = [at([[i, ui]]), x, at([[i, di]])]
    // The slopes' sizes: their quotient and difference round by eps of themselves (the
    // differences of nearby values are exact, Sterbenz again).
    const s1 =
      (Math.abs(magnitude(e, fu).value - magnitude(e, f0).value) +
        errorAt(e, fu) +
        errorAt(e, f0)) /
      u
    const s2 =
      (Math.abs(magnitude(e, f0).value - magnitude(e, fd).value) +
        errorAt(e, f0) +
        errorAt(e, fd)) /
      d
    const rounding =
      (2 *
        ((errorAt(e, fu) + errorAt(e, f0)) / u +
          (errorAt(e, f0) + errorAt(e, fd)) / d +
          4 * EPS * (s1 + s2))) /
      (u + d)
    ;(out[i] as Float64Array)[i] = 2 * truncation + rounding
    for (let j = i + 1; j < n; j++) {
      const [xj, uj, dj] = [x[j] as number, up[j] as number, down[j] as number]
      const a = (ui - di) / 2
      const b = (uj - dj) / 2
      const centre = at([
        [i, xi + (ui - xi - (xi - di)) / 2],
        [j, xj + (uj - xj - (xj - dj)) / 2],
      ])
      const plus = x.map((_, k) => (k === i ? a : k === j ? b : 0))
      const minus = x.map((_, k) => (k === i ? a : k === j ? -b : 0))
      const c4 =
        coefficientBound(e, centre, plus, -1, 1, 4) + coefficientBound(e, centre, minus, -1, 1, 4)
      const mixedTruncation = c4 / (2 * a * b)
      // The centre is off x by under an ulp of each coordinate (and rounding c itself as much again).
      const offset = 2 * EPS * (Math.abs(xi) + Math.abs(xj) + Math.abs(ui - di) + Math.abs(uj - dj))
      const third = [
        ei,
        unit(n, j),
        plus.map((p) => p / Math.max(a, b)),
        minus.map((p) => p / Math.max(a, b)),
      ]
        .map((v) => 6 * Math.abs(taylor5(e, x, v)[3] as number))
        .reduce((m, t) => Math.max(m, t), 0)
      const corners = [
        at([
          [i, ui],
          [j, uj],
        ]),
        at([
          [i, ui],
          [j, dj],
        ]),
        at([
          [i, di],
          [j, uj],
        ]),
        at([
          [i, di],
          [j, dj],
        ]),
      ]
      const errors = corners.reduce((s, p) => s + errorAt(e, p), 0)
      const values = corners.reduce((s, p) => s + valueAt(e, p), 0)
      const w = 4 * a * b
      const mixedRounding = (errors + 4 * EPS * values) / w
      const bound = 2 * mixedTruncation + 4 * offset * third + mixedRounding
      ;(out[i] as Float64Array)[j] = bound
      ;(out[j] as Float64Array)[i] = bound
    }
  }
  return out
}

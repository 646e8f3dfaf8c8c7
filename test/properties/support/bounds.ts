import { type Expr, evaluate, roundings } from './expr.js'
import { type Jet, jetOps } from './jets.js'
import { magnitude } from './magnitude.js'

const EPS = Number.EPSILON
/** The smallest positive normal double: below it, relative error bounds give way to absolute ones. */
const TINY = 2 ** -1022

/** gamma_k = k eps / (1 - k eps): the relative error of k roundings in a row (Higham, section 3.1). */
export const gamma = (k: number) => (k * EPS) / (1 - k * EPS)

/**
 * How far two evaluations of the chain rule may differ when they multiply the
 * same local partials (bit for bit: both strategies read them from the table
 * at the same values) and only add the products in different orders, as
 * forward and reverse mode do. Each computes the sum over paths of products
 * of partials with at most K = roundings(e) roundings on any path, so each is
 * within gamma_K * size of the exact sum, where size is the same sum with
 * absolute values (see `magnitude`). Their difference is at most twice that.
 * The ratio size / |derivative| is the condition number of the sum: a few
 * ulps of the derivative when the terms do not cancel, more when they do.
 */
export function chainRuleTolerance(e: Expr, x: readonly number[]): Float64Array {
  const k = roundings(e)
  return magnitude(e, x).size.map((s) => 2 * gamma(k) * s + k * TINY)
}

/**
 * Taylor coefficients of t -> e(x + t v) to degree 4.
 */
export function taylor(e: Expr, x: readonly number[], v: readonly number[]): Jet {
  const inputs = x.map((xj, j): Jet => [xj, v[j] as number, 0, 0, 0])
  const r = evaluate(jetOps(4), e, inputs)
  return typeof r === 'number' ? [r, 0, 0, 0, 0] : r
}

/**
 * What central-difference theory predicts for |D(h) - D| where
 * D(h) = (f(x + h v) - f(x - h v)) / (2h) and D is the exact directional
 * derivative, with phi(t) = f(x + t v) and c_k its Taylor coefficients:
 *
 * - truncation: D(h) - D = h^2 phi'''(xi) / 6 for some |xi| < h (the mean
 *   value form, which holds whatever the higher coefficients are; at x = 0
 *   in 1024 x^5 + 32 x^2, c3 = c4 = 0 and the error is all c5 h^4). |phi'''|/6
 *   is bounded on [-h, h] by its largest value |c3(t)| at five sample points
 *   t plus what phi'''' can add between neighbouring samples, h/4 * 24
 *   |c4(t)| / 6 at most: h^2 (max |c3(t)| + h max |c4(t)|). The generators keep
 *   every op smooth on a neighbourhood over 100 steps wide, so phi''' is
 *   nearly polynomial on [-h, h]; doubling the sum covers what the sampling
 *   leaves.
 * - rounding: the two values of f carry errors up to E+ and E- (running
 *   bounds, `magnitude`, taken at x + h v and x - h v themselves: near x = 0
 *   the values there can be far larger than at x), and the quotient divides
 *   their difference by 2h, so (E+ + E-) / (2h). When the point x + t v is
 *   itself rounded (a step along a direction, not a coordinate), that
 *   rounding, half an ulp of each coordinate, is part of E.
 * - one more rounding of the quotient itself: eps |D(h)|.
 */
export function centralDifferenceBound(
  e: Expr,
  x: readonly number[],
  v: readonly number[],
  h: number,
  pointRounded: boolean,
): number {
  const c = taylor(e, x, v)
  const [c3, c4] = largestCoefficients(e, x, v, [-h, -h / 2, 0, h / 2, h])
  const truncation = h * h * (c3 + h * c4)
  const errorAt = (t: number) => roundingAt(e, x, v, t, pointRounded)
  const rounding = (errorAt(h) + errorAt(-h)) / (2 * h)
  return 2 * truncation + rounding + EPS * Math.abs(c[1] as number)
}

/**
 * The rounding error E of evaluating e at x + t v, including half an ulp of
 * each coordinate when the point itself was rounded.
 */
function roundingAt(
  e: Expr,
  x: readonly number[],
  v: readonly number[],
  t: number,
  pointRounded: boolean,
): number {
  const p = x.map((xj, j) => xj + t * (v[j] as number))
  return magnitude(e, p, pointRounded ? p.map((pj) => (EPS / 2) * Math.abs(pj)) : undefined).error
}

/** The default central step of `numeric` at coordinate value xj: eps^(1/3) max(1, |xj|). */
export const centralStep = (xj: number) => Math.cbrt(EPS) * Math.max(1, Math.abs(xj))

/**
 * The same prediction for the forward difference D(h) = (f(x + h v) - f(x)) / h:
 * truncation D(h) - D = h phi''(xi) / 2 for some 0 < xi < h, first order in h,
 * bounded by h (max |c2(t)| + h max |c3(t)|) over t = 0, h/2, h as above and
 * doubled; rounding (E(x + h v) + E(x)) / h.
 */
export function forwardDifferenceBound(
  e: Expr,
  x: readonly number[],
  v: readonly number[],
  h: number,
  pointRounded: boolean,
): number {
  const c = taylor(e, x, v)
  const [c2, c3] = largestCoefficients(e, x, v, [0, h / 2, h], 2)
  const truncation = h * (c2 + h * c3)
  const errorAt = (t: number) => roundingAt(e, x, v, t, pointRounded)
  return 2 * truncation + (errorAt(h) + errorAt(0)) / h + EPS * Math.abs(c[1] as number)
}

/** The default forward step of `numeric` at coordinate value xj: eps^(1/2) max(1, |xj|). */
export const forwardStep = (xj: number) => Math.sqrt(EPS) * Math.max(1, Math.abs(xj))

/** max over t of |c_k(t)| and |c_k+1(t)|, the Taylor coefficients at x + t v (k = 3 by default). */
function largestCoefficients(
  e: Expr,
  x: readonly number[],
  v: readonly number[],
  ts: readonly number[],
  k = 3,
): [number, number] {
  let [first, second] = [0, 0]
  for (const t of ts) {
    const c = taylor(
      e,
      x.map((xj, j) => xj + t * (v[j] as number)),
      v,
    )
    first = Math.max(first, Math.abs(c[k] as number))
    second = Math.max(second, Math.abs(c[k + 1] as number))
  }
  return [first, second]
}

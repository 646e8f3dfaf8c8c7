// Fits y = a exp(-b t) + c to data by Gauss-Newton, with the Jacobian of the residuals
// from forward mode: 3 parameters and 25 residuals, few inputs and many outputs, which is
// where forward mode (one pass per parameter) beats reverse mode (one pass per residual).
import { forward, type Ops, plain } from 'gradlab'

type Parameters = [a: number, b: number, c: number]

const model = <T>(m: Ops<T>, [a, b, c]: readonly [T, T, T], t: number): T =>
  m.add(m.mul(a, m.exp(m.mul(m.neg(b), t))), c)

// Data made from known parameters without noise, so the fit must recover them exactly.
const truth: Parameters = [2.5, 1.3, 0.5]
const ts = Array.from({ length: 25 }, (_, i) => i / 6)
const ys = ts.map((t) => model(plain, truth, t))

// The residuals r_i(p) = model(p, t_i) - y_i; Gauss-Newton minimises sum_i r_i^2.
const residuals = <T>(m: Ops<T>, p: readonly [T, T, T]): T[] =>
  ts.map((t, i) => m.sub(model(m, p, t), ys[i] as number))

type Vector3 = [number, number, number]
type Matrix3 = [Vector3, Vector3, Vector3]

const det = ([[a, b, c], [d, e, f], [g, h, k]]: Matrix3) =>
  a * (e * k - f * h) - b * (d * k - f * g) + c * (d * h - e * g)

// Cramer's rule, d_i = det(A with column i replaced by v) / det(A): plenty for a 3 x 3.
function solve(A: Matrix3, v: Vector3): Vector3 {
  const replaced = (i: number) => A.map((row, r) => row.map((x, j) => (j === i ? v[r] : x)))
  return [0, 1, 2].map((i) => det(replaced(i) as Matrix3) / det(A)) as Vector3
}

const dot = (u: readonly number[], v: readonly number[]) =>
  u.reduce((s, ui, i) => s + ui * (v[i] as number), 0)

// One Gauss-Newton step: linearise r(p + d) ~ r + J d and choose d minimising |r + J d|^2,
// which solves the normal equations (J^T J) d = -J^T r.
let p: Parameters = [1, 1, 0]
console.log(`iter  sum of squares${['a', 'b', 'c'].map((h) => h.padStart(17)).join('')}`)
for (let iter = 0; iter <= 12; iter++) {
  const r = residuals(plain, p)
  const sumOfSquares = r.reduce((s, ri) => s + ri * ri, 0)
  const [a, b, c] = p.map((x) => x.toFixed(12).padStart(16))
  console.log(
    `${String(iter).padStart(4)}  ${sumOfSquares.toExponential(3).padStart(14)} ${a} ${b} ${c}`,
  )
  if (sumOfSquares < 1e-28) break
  const J = forward.jacobian(residuals, p)
  // forward.jacobian returns one row per residual; we want its columns, one per parameter.
  const columns = [0, 1, 2].map((j) => J.map((row) => row[j] as number))
  const JtJ = columns.map((u) => columns.map((v) => dot(u, v))) as Matrix3
  const d = solve(JtJ, columns.map((u) => -dot(u, r)) as Vector3)
  p = p.map((x, i) => x + (d[i] as number)) as Parameters
}
console.log(`recovered a = ${p[0]}, b = ${p[1]}, c = ${p[2]}`)
console.log(`true      a = ${truth[0]}, b = ${truth[1]}, c = ${truth[2]}`)

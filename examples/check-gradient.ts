// Checks gradients three ways: gradcheck tests gradlab's derivatives of your function; a
// few lines of your own compare a gradient you derived by hand with reverse mode (exact,
// but it trusts gradlab's rules) and central differences (approximate, but independent);
// and gradcheck's `gradient` option does that comparison for you.
import { gradcheck, numeric, type Ops, reverse } from 'gradlab'

type Point = [x: number, y: number, z: number]
const names = ['x', 'y', 'z']

// f(x, y, z) = sin(x y) + z^2 exp(x)
const f = <T>(m: Ops<T>, [x, y, z]: readonly [T, T, T]) =>
  m.add(m.sin(m.mul(x, y)), m.mul(m.square(z), m.exp(x)))

// The gradient by hand, and a copy with a typical slip: d/dz z^2 written as z, not 2 z.
const byHand = ([x, y, z]: Point) => [
  y * Math.cos(x * y) + z * z * Math.exp(x),
  x * Math.cos(x * y),
  2 * z * Math.exp(x),
]
const withSlip = ([x, y, z]: Point) => [
  y * Math.cos(x * y) + z * z * Math.exp(x),
  x * Math.cos(x * y),
  z * Math.exp(x),
]

const point: Point = [0.7, -1.2, 0.4]

// 1. gradcheck: forward and reverse mode against central differences, entry by entry.
const check = gradcheck(f, point)
console.log(check.message)

// 2. Your own gradient: an entry passes when it is within atol + rtol |reference| of both
// references (gradcheck's default tolerances), and every entry that fails is named.
function compare(label: string, hand: (p: Point) => number[]) {
  const given = hand(point)
  const exact = reverse.gradient(f, point)
  const differenced = numeric.gradient(f, point)
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-8 + 1e-6 * Math.abs(b)
  console.log(`${label}:`)
  const wrong: string[] = []
  for (const [i, name] of names.entries()) {
    const [g, r, d] = [given[i], exact[i], differenced[i]] as [number, number, number]
    const ok = close(g, r) && close(g, d)
    if (!ok) wrong.push(`df/d${name}`)
    const row = [g, r, d].map((v) => v.toFixed(10).padStart(14)).join(' ')
    console.log(`  df/d${name} ${row}  ${ok ? 'ok' : 'WRONG'}`)
  }
  console.log(`  ${wrong.length === 0 ? 'all entries agree' : `wrong: ${wrong.join(', ')}`}`)
}

console.log(`  entry${['by hand', 'reverse', 'numeric'].map((h) => h.padStart(15)).join('')}`)
compare('byHand', byHand)
compare('withSlip', withSlip)

// 3. The same check in one call: gradcheck's `gradient` option checks yours instead of
// gradlab's, against central differences and both exact modes, and names the worst entry.
console.log(gradcheck(f, point, { gradient: byHand }).message)
console.log(gradcheck(f, point, { gradient: withSlip }).message)

import fc from 'fast-check'
import { describe, expect } from 'vitest'
import { uniforms } from '../../src/gradcheck/random.js'
import { gradcheck, type Ops } from '../../src/index.js'
import { differencesAccurate, jacobianByJets, projectionAccurate } from './support/gradcheck.js'
import { type Case, caseArb, type Expr, evaluate, prop, vectorFn } from './support/index.js'

/*
 * gradcheck on derivatives a user wrote: a gradient, a VJP or a JVP. The
 * "hand-written" ones here come from the op table's jets (support/jets.ts),
 * apart from forward and reverse mode; the wrong ones add an error to one
 * entry of that Jacobian, which gradcheck must then name.
 */

type Own = 'gradient' | 'vjp' | 'jvp'

const cases = caseArb({ outputs: { min: 1, max: 3 } })
const scalarCases = caseArb()

/** u^T J and J v of a Jacobian given as rows. */
const times = {
  left: (J: readonly number[][], u: readonly number[]) =>
    (J[0] ?? []).map((_, j) =>
      J.reduce((t, row, i) => t + (u[i] as number) * (row[j] as number), 0),
    ),
  right: (J: readonly number[][], v: readonly number[]) =>
    J.map((row) => row.reduce((t, Jij, j) => t + Jij * (v[j] as number), 0)),
}

/** The option that hands gradcheck the Jacobian J as the derivative `name`, telling `called` of each call. */
function optionFor(name: Own, J: readonly number[][], called = () => {}) {
  if (name === 'gradient') {
    return {
      gradient: () => {
        called()
        return [...(J[0] as number[])]
      },
    }
  }
  if (name === 'vjp') {
    return {
      vjp: (_x: number[], u: number[]) => {
        called()
        return times.left(J, u)
      },
    }
  }
  return {
    jvp: (_x: number[], v: number[]) => {
      called()
      return times.right(J, v)
    },
  }
}

/** The case with a name of a derivative that suits it: a gradient needs a scalar f. */
const withOwn = (arb: fc.Arbitrary<Case>, names: readonly Own[]) =>
  fc.tuple(arb, fc.constantFrom(...names))

/** f as gradcheck sees it: a scalar function for one output, else a vector function. */
const fnOf = (c: Case) =>
  c.exprs.length === 1
    ? <T>(m: Ops<T>, x: readonly T[]) => evaluate(m, c.exprs[0] as Expr, x)
    : vectorFn(c.exprs)

/** J with entry (i, j) off by 1e-2 of its size (at least 1e-2): far outside the default tolerances. */
function withError(J: readonly number[][], i: number, j: number): number[][] {
  return J.map((row, r) =>
    row.map((Jrj, k) => (r === i && k === j ? Jrj + 1e-2 * Math.max(1, Math.abs(Jrj)) : Jrj)),
  )
}

describe('Checking your own derivatives', () => {
  prop([withOwn(scalarCases, ['gradient', 'vjp', 'jvp'])])(
    'a correct hand-written gradient, VJP or JVP passes against central differences, forward and reverse mode: 3 m n entries',
    ([c, name]) => {
      fc.pre(differencesAccurate(c))
      const result = gradcheck(fnOf(c), c.x, optionFor(name, jacobianByJets(c)))
      expect(result.ok).toBe(true)
      expect(result.checked).toBe(3 * c.n)
      expect(result.message).toMatch(
        new RegExp(`^gradcheck: passed; worst df/dx\\d+ from your ${name}: `),
      )
    },
  )

  prop([withOwn(cases, ['vjp', 'jvp'])])(
    'a correct VJP or JVP of a vector function passes too, each entry named dF_i/dx_j',
    ([c, name]) => {
      fc.pre(differencesAccurate(c))
      const result = gradcheck(fnOf(c), c.x, optionFor(name, jacobianByJets(c)))
      expect(result.ok).toBe(true)
      expect(result.checked).toBe(3 * c.exprs.length * c.n)
      expect(result.worst?.strategy).toBe(name)
      if (c.exprs.length > 1) expect(result.message).toMatch(/worst dF\d+\/dx\d+ from/)
    },
  )

  prop([withOwn(scalarCases, ['gradient', 'vjp', 'jvp']), fc.nat()])(
    'a wrong entry of a hand-written gradient, VJP or JVP fails against all three references, and only it: the result names it',
    ([c, name], pick) => {
      fc.pre(differencesAccurate(c))
      const j = pick % c.n
      const J = jacobianByJets(c)
      const wrong = withError(J, 0, j)
      const result = gradcheck(fnOf(c), c.x, optionFor(name, wrong))
      expect(result.ok).toBe(false)
      expect(result.failed).toBe(3)
      expect(result.worst).toMatchObject({ strategy: name, output: 0, input: j })
      // The analytic value is the wrong one; whichever reference is worst holds about the right one.
      expect(result.worst?.analytic).toBe((wrong[0] as number[])[j] as number)
      expect(result.message).toMatch(
        new RegExp(`^gradcheck: 3 of ${3 * c.n} failed; worst df/dx${j} from your ${name}: `),
      )
    },
  )

  prop([withOwn(cases, ['vjp', 'jvp']), fc.nat(), fc.nat()])(
    'a wrong entry of a VJP or JVP of a vector function is named by its output and input',
    ([c, name], pickI, pickJ) => {
      fc.pre(differencesAccurate(c))
      const [i, j] = [pickI % c.exprs.length, pickJ % c.n]
      const result = gradcheck(fnOf(c), c.x, optionFor(name, withError(jacobianByJets(c), i, j)))
      expect(result.failed).toBe(3)
      expect(result.worst).toMatchObject({ strategy: name, output: i, input: j })
      if (c.exprs.length > 1) {
        expect(result.message).toContain(`worst dF${i}/dx${j} from your ${name}: `)
      }
    },
  )

  const anyOwn = fc.oneof(withOwn(cases, ['vjp', 'jvp']), withOwn(scalarCases, ['gradient']))

  prop([anyOwn, fc.integer()])(
    'in fast mode a correct gradient, VJP or JVP passes with one projection u^T J v per reference, and one call',
    ([c, name], seed) => {
      fc.pre(projectionAccurate(c, seed))
      let calls = 0
      const counted = optionFor(name, jacobianByJets(c), () => calls++)
      const result = gradcheck(fnOf(c), c.x, { ...counted, fast: true, seed })
      expect(result).toMatchObject({ ok: true, mode: 'fast', checked: 3 })
      expect(calls).toBe(1)
    },
  )

  prop([anyOwn, fc.nat(), fc.nat(), fc.integer()])(
    'in fast mode a wrong entry fails all three comparisons, unless u or v weights it by almost 0',
    ([c, name], pickI, pickJ, seed) => {
      const [i, j] = [pickI % c.exprs.length, pickJ % c.n]
      const next = uniforms(seed)
      const v = Array.from({ length: c.n }, next)
      const u = Array.from({ length: c.exprs.length }, next)
      const J = jacobianByJets(c)
      const shift = 1e-2 * Math.max(1, Math.abs((J[i] as number[])[j] as number))
      const projection = times.left(J, u).reduce((t, w, k) => t + w * (v[k] as number), 0)
      // The error the entry adds to u^T J v must stand well clear of the tolerance.
      fc.pre(
        Math.abs((u[i] as number) * (v[j] as number)) * shift >
          100 * (1e-8 + 1e-6 * Math.abs(projection)),
      )
      fc.pre(projectionAccurate(c, seed))
      const result = gradcheck(fnOf(c), c.x, {
        ...optionFor(name, withError(J, i, j)),
        fast: true,
        seed,
      })
      expect(result).toMatchObject({ ok: false, checked: 3, failed: 3 })
      expect(result.worst).toMatchObject({ strategy: name, output: null, input: null })
      expect(result.message).toContain(`worst u^T J v from your ${name}: `)
    },
  )

  prop([scalarCases, fc.nat()])(
    'a correct gradient of a function that hides an input from differentiation passes central differences but fails forward and reverse mode, which the result names',
    (c, pick) => {
      fc.pre(differencesAccurate(c))
      const e = c.exprs[0] as Expr
      const j = pick % c.n
      const truth = jacobianByJets(c)[0] as number[]
      fc.pre(Math.abs(truth[j] as number) > 1e-3)
      const hiding = <T>(m: Ops<T>, x: readonly T[]) =>
        evaluate(
          m,
          e,
          x.map((xi, k) => (k === j ? m.constant(m.value(xi)) : xi)),
        )
      const result = gradcheck(hiding, c.x, { gradient: () => [...truth] })
      expect(result.ok).toBe(false)
      expect(result.failed).toBe(2)
      expect(result.worst?.input).toBe(j)
      expect(['forward', 'reverse']).toContain(result.worst?.reference)
      expect(result.worst?.analytic).toBe(truth[j])
      expect(Math.abs(result.worst?.numeric as number)).toBe(0)
      expect(result.message).toMatch(
        new RegExp(`worst df/dx${j} from your gradient: .* vs (forward|reverse) mode 0 `),
      )
    },
  )

  prop([cases])(
    'gradcheck calls a VJP once per output with the unit rows e_i, and a JVP once per input with the unit columns e_j, each with a copy of x',
    (c) => {
      const J = jacobianByJets(c)
      const us: number[][] = []
      const vs: number[][] = []
      const xs: number[][] = []
      gradcheck(fnOf(c), c.x, {
        vjp: (x, u) => {
          xs.push([...x])
          us.push([...u])
          x[0] = Number.NaN // gradcheck hands out copies, so this changes nothing it uses
          return times.left(J, u)
        },
        jvp: (x, v) => {
          xs.push([...x])
          vs.push([...v])
          return times.right(J, v)
        },
      })
      const unit = (length: number, k: number) =>
        Array.from({ length }, (_, r) => (r === k ? 1 : 0))
      expect(us).toEqual(c.exprs.map((_, i) => unit(c.exprs.length, i)))
      expect(vs).toEqual(c.x.map((_, j) => unit(c.n, j)))
      for (const x of xs) expect(x).toEqual(c.x)
    },
  )
})

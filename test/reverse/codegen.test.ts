import { execFileSync } from 'node:child_process'
import { resolve } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  BINARY_OPS,
  type DataFn,
  defineUnary,
  type Ops,
  reverse,
  type ScalarFn,
  UNARY_OPS,
  type UnaryName,
} from '../../src/index.js'
import { allFinite, Generated, generate, type Source } from '../../src/reverse/codegen.js'
import { recordProgram } from '../../src/reverse/recording.js'
import { expectSameBits } from '../helpers/bits.js'
import { gradlabErr } from '../helpers/errors.js'
import { accumulate } from '../helpers/loops.js'

/*
 * reverse.compile generates JavaScript for a recording: repeated blocks of
 * instructions become loops (rerolling), the rest straight-line code. The
 * generated code must give the same numbers, bit for bit, as the interpreter
 * and as the dynamic tape, at any point; rerolling must keep the source small
 * for the loops users write; and where code cannot be generated, the
 * interpreter takes over and says so.
 */

const runs = Number(process.env.GRADLAB_RUNS ?? 100)

/** The generated source of f recorded at x and its loops' trip counts (null over the size cap). */
function generated(f: ScalarFn, x: ArrayLike<number>, cap = Number.POSITIVE_INFINITY) {
  const point = Float64Array.from(x)
  const { program, output } = recordProgram('test', point, f)
  return generate(program, point.length, output, cap)
}

/** The generated source alone. */
function sourceOf(f: ScalarFn, x: ArrayLike<number>, cap = Number.POSITIVE_INFINITY) {
  const out = generated(f, x, cap)
  return typeof out === 'string' ? null : out.source
}

/** Generated, interpreted and dynamic gradients agree bit for bit at every point. */
function expectAgreement(f: ScalarFn, at: readonly (readonly number[])[]): void {
  const generated = reverse.compile(f, at[0] as number[], { mode: 'generated' })
  const interpreted = reverse.compile(f, at[0] as number[], { mode: 'interpreter' })
  expect(generated.mode).toBe('generated')
  for (const x of at) {
    const dynamic = reverse.valueAndGradient(f, x)
    const g = generated.valueAndGradient(x)
    const i = interpreted.valueAndGradient(x)
    expect(Object.is(g.value, dynamic.value)).toBe(true)
    expect(Object.is(i.value, dynamic.value)).toBe(true)
    expectSameBits(g.gradient, dynamic.gradient)
    expectSameBits(i.gradient, dynamic.gradient)
    // gradient alone may skip the forward pass: the same numbers.
    expectSameBits(generated.gradient(x), dynamic.gradient)
    expectSameBits(interpreted.gradient(x), dynamic.gradient)
  }
  expect(generated.recordings).toBe(1)
}

const rosenbrock: ScalarFn = <T>(m: Ops<T>, x: readonly T[]) => {
  let total: T | number = 0
  for (let i = 0; i + 1 < x.length; i++) {
    const a = x[i] as T
    const d = m.sub(x[i + 1] as T, m.mul(a, a))
    total = m.add(total, m.add(m.mul(100, m.square(d)), m.square(m.sub(1, a))))
  }
  return total as T
}

/** A loop of exp and cos, whose values the backward pass cannot recompute cheaply. */
const expCos: ScalarFn = <T>(m: Ops<T>, x: readonly T[]) =>
  accumulate(m, x, (xi) => m.mul(m.exp(m.mul(xi, 0.5)), m.cos(xi)))

/** A tanh layer over a batch, rows of weights sliced from the parameters. */
const layer =
  (useDot: boolean): ScalarFn =>
  <T>(m: Ops<T>, p: readonly T[]) => {
    const data = [
      [0.5, -1, 2],
      [0, 1.5, -0.25],
      [-2, 0.75, 1],
      [1, 1, -0],
    ]
    let loss: T | number = 0
    for (const [e, input] of data.entries()) {
      let out: T | number = 0
      for (let h = 0; h < 4; h++) {
        let z: T | number = p[12 + h] as T
        if (useDot) z = m.add(z, m.dot(p.slice(3 * h, 3 * h + 3), input))
        else for (let i = 0; i < 3; i++) z = m.add(z, m.mul(p[3 * h + i] as T, input[i] as number))
        out = m.add(out, m.mul(p[16 + h] as T, m.tanh(z)))
      }
      loss = m.add(loss, m.square(m.sub(out, e / 4)))
    }
    return loss as T
  }

const point = (n: number, seed: number) =>
  Array.from({ length: n }, (_, i) => Math.sin(seed * (i + 1) * 1.618) * 1.5)

/** A loop whose values are summed and dotted after it, its last iteration's alone and beside the others. */
const looped = <T>(m: Ops<T>, x: readonly T[]) => {
  const ys: T[] = []
  let acc: T | number = 0
  for (const xi of x) {
    acc = m.add(acc, m.mul(xi, xi))
    ys.push(m.sin(m.mul(xi, acc)))
  }
  // The accumulator's last value alone in a sum; every y, the last too, in a dot and a sum;
  // the last y also read by another op.
  const last = ys[ys.length - 1] as T
  return m.add(
    m.add(m.sum([x[0] as T, acc as T, x[1] as T]), m.dot(ys, [...x].reverse())),
    m.mul(m.sum(ys), last),
  )
}

/** A tanh network whose output is a dot of the units' values and whose loss is a sum over examples. */
const stridedNetwork =
  (inputs: number, hidden: number, batch: number): ScalarFn =>
  <T>(m: Ops<T>, p: readonly T[]) => {
    const w2 = p.slice(inputs * hidden + hidden, inputs * hidden + 2 * hidden)
    const losses = Array.from({ length: batch }, (_, e) => {
      const input = point(inputs, e + 2)
      const units = Array.from({ length: hidden }, (_, h) =>
        m.tanh(
          m.add(m.dot(p.slice(inputs * h, inputs * (h + 1)), input), p[inputs * hidden + h] as T),
        ),
      )
      return m.square(m.sub(m.add(m.dot(w2, units), p[p.length - 1] as T), e / batch))
    })
    return m.sum(losses)
  }

describe('generated code equals the interpreter and the dynamic gradient bit for bit', () => {
  it('Rosenbrock as a for loop accumulating with m.add (a loop carried through the accumulator)', () => {
    expectAgreement(rosenbrock, [point(50, 1), point(50, 2), point(50, 3)])
  })
  it('a tanh layer over a batch, with scalar ops and with dot', () => {
    expectAgreement(layer(false), [point(20, 1), point(20, 2)])
    expectAgreement(layer(true), [point(20, 1), point(20, 2)])
  })
  it('long sums and dots: of nodes, of nodes against themselves reversed, of nodes against data', () => {
    const data = point(40, 7)
    expectAgreement(
      (m, x) =>
        m.add(
          m.add(m.sum(x.map((xi) => m.sin(xi))), m.dot(x, x)),
          m.mul(m.dot([...x].reverse(), x), m.dot(x, data)),
        ),
      [point(40, 1), point(40, 2)],
    )
  })
  it("a sum or dot of a loop's values, its last iteration's alone or beside the others", () => {
    expectAgreement(looped, [point(30, 1), point(30, 2), point(30, 3)])
  })
  it('constants that change every iteration, and the special values -0, Infinity and NaN as constants', () => {
    expectAgreement(
      <T>(m: Ops<T>, x: readonly T[]) => {
        let acc: T | number = 0
        for (let i = 0; i < x.length; i++) {
          acc = m.add(acc, m.mul(m.max(x[i] as T, -0), i * 0.5 - 3))
          acc = m.add(acc, m.min(m.mul(x[i] as T, Number.POSITIVE_INFINITY), 0))
        }
        return m.add(acc, m.mul(0, m.max(x[0] as T, Number.NaN)))
      },
      [point(30, 1), [0, -0, ...point(28, 2)], point(30, 3)],
    )
  })
  it('exact zeros are strong: an infinite partial behind a zero weight adds nothing', () => {
    expectAgreement(
      <T>(m: Ops<T>, x: readonly T[]) => {
        let acc: T | number = 0
        for (let i = 0; i < x.length; i++) acc = m.add(acc, m.mul(i % 2, m.sqrt(x[i] as T)))
        return acc as T
      },
      [Array(20).fill(0), point(20, 1).map(Math.abs)],
    )
    // A dot of two runs of inputs under sqrt: at a dot of 0 its adjoint is infinite, and a factor
    // of 0 sends nothing to the other factor (NaN without the test).
    const root = <T>(m: Ops<T>, x: readonly T[]) => m.sqrt(m.dot(x.slice(0, 10), x.slice(10, 20)))
    expect(sourceOf(root, point(20, 1))).toMatch(/\[10 \+ 1 \* j\]/)
    const zeros = [...Array(10).fill(0), ...point(10, 1)]
    expectAgreement(root, [
      zeros,
      zeros.slice(10).concat(zeros.slice(0, 10)),
      point(20, 2).map(Math.abs),
    ])
    expect(Array.from(reverse.gradient(root, zeros)).slice(10)).toEqual(Array(10).fill(0))
  })
  it('every op of the table, inside a loop, on both sides of a binary op and against constants', () => {
    const at = [point(12, 1).map((v) => v / 2), point(12, 2).map((v) => v / 2)]
    for (const op of UNARY_OPS) {
      expectAgreement(
        <T>(m: Ops<T>, x: readonly T[]) => m.sum(x.map((xi) => m.mul(m[op](xi), xi))),
        at,
      )
    }
    for (const op of BINARY_OPS) {
      expectAgreement(
        <T>(m: Ops<T>, x: readonly T[]) =>
          m.sum(
            x
              .slice(1)
              .map((xi, i) => m.add(m[op](x[i] as T, xi), m.add(m[op](xi, 0.3), m[op](0.6, xi)))),
          ),
        at,
      )
    }
  })

  it('random loops: a body of random ops over x[i], x[i + 1], an accumulator and constants', () => {
    const stepArb = fc.oneof(
      fc.record({
        kind: fc.constant('unary' as const),
        op: fc.constantFrom(...UNARY_OPS),
        from: fc.nat(6),
      }),
      fc.record({
        kind: fc.constant('binary' as const),
        op: fc.constantFrom(...BINARY_OPS),
        a: fc.nat(6),
        b: fc.nat(6),
      }),
    )
    fc.assert(
      fc.property(
        fc.array(stepArb, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 4, max: 30 }),
        fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 2, maxLength: 2 }),
        (steps, n, [c0, c1]) => {
          const f = <T>(m: Ops<T>, x: readonly T[]) => {
            let acc: T | number = 0
            for (let i = 0; i + 1 < x.length; i++) {
              // Slots: x[i], x[i + 1], the accumulator, two constants, an iteration-dependent constant, the last step.
              const slots: (T | number)[] = [
                x[i] as T,
                x[i + 1] as T,
                acc,
                c0 as number,
                c1 as number,
                i / 7,
              ]
              for (const s of steps) {
                const pick = (k: number) => slots[k % slots.length] as T
                slots.push(
                  s.kind === 'unary' ? m[s.op](pick(s.from)) : m[s.op](pick(s.a), pick(s.b)),
                )
              }
              acc = m.add(acc, slots[slots.length - 1] as T)
            }
            return acc as T
          }
          expectAgreement(f, [point(n, 1), point(n, 2)])
        },
      ),
      { numRuns: runs, seed: Number(process.env.GRADLAB_SEED ?? 20261203) },
    )
  })
})

/** One step of a random loop body: a table op on earlier values, or a fused sum or dot of inputs. */
type Step =
  | { readonly kind: 'unary'; readonly op: (typeof UNARY_OPS)[number]; readonly from: number }
  | {
      readonly kind: 'binary'
      readonly op: (typeof BINARY_OPS)[number]
      readonly a: number
      readonly b: number
    }
  | { readonly kind: 'sum' | 'dot'; readonly length: number; readonly from: number }

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('unary' as const),
      op: fc.constantFrom(...UNARY_OPS),
      from: fc.nat(20),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('binary' as const),
      op: fc.constantFrom(...BINARY_OPS),
      a: fc.nat(20),
      b: fc.nat(20),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constantFrom('sum' as const, 'dot' as const),
      length: fc.integer({ min: 1, max: 12 }),
      from: fc.nat(20),
    }),
  },
)

/** A random program of loops: what each level's body does, how often each loop runs, and its constants. */
interface Shape {
  readonly outer: readonly Step[]
  readonly inner: readonly Step[]
  readonly outerTrips: number
  readonly innerTrips: number
  readonly tail: readonly Step[]
  readonly tailTrips: number
  /** How the row accumulator starts each outer iteration: from 0, from an input, from the running total. */
  readonly rowStart: 'zero' | 'input' | 'total'
  readonly constants: readonly number[]
  /** Whether the body reads values with m.value (guards, compared at replay). */
  readonly reads: boolean
  /** Whether the bodies read data given at every call (options.data), instead of constants. */
  readonly data: boolean
}

const shapeArb: fc.Arbitrary<Shape> = fc.record({
  outer: fc.array(stepArb, { minLength: 1, maxLength: 4 }),
  inner: fc.array(stepArb, { minLength: 1, maxLength: 4 }),
  outerTrips: fc.integer({ min: 0, max: 8 }),
  innerTrips: fc.integer({ min: 0, max: 12 }),
  tail: fc.array(stepArb, { minLength: 1, maxLength: 3 }),
  tailTrips: fc.integer({ min: 0, max: 300 }),
  rowStart: fc.constantFrom('zero' as const, 'input' as const, 'total' as const),
  constants: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 3, maxLength: 3 }),
  reads: fc.boolean(),
  data: fc.boolean(),
})

/**
 * The program a shape describes, as a user writes it: a running total over
 * a loop of rows, each row an accumulator over an inner loop, then a long
 * loop adding to the total; every body a few random steps over inputs picked
 * by the loop counters, the accumulators, constants (fixed, and varying with
 * the counters) and the steps before.
 */
function program(shape: Shape): DataFn {
  return <T>(m: Ops<T>, x: readonly T[], [data = []]: readonly (readonly T[])[] = []) => {
    const n = x.length
    const input = (k: number) => x[((k % n) + n) % n] as T
    // A data value where the shape reads data, else a constant that moves with the counters.
    const datum = (k: number, otherwise: number): T | number =>
      shape.data ? (data[k % data.length] as T) : otherwise
    const run = (steps: readonly Step[], slots: (T | number)[]): T | number => {
      for (const s of steps) {
        const pick = (k: number) => slots[k % slots.length] as T
        if (s.kind === 'unary') slots.push(m[s.op](pick(s.from)))
        else if (s.kind === 'binary') slots.push(m[s.op](pick(s.a), pick(s.b)))
        else {
          const xs = Array.from({ length: s.length }, (_, j) => input(s.from + j))
          const ys = Array.from(
            { length: s.length },
            (_, j) => (j % 3) - 1 + (shape.constants[j % 3] as number),
          )
          slots.push(s.kind === 'sum' ? m.sum(xs) : m.dot(xs, ys))
        }
        if (shape.reads) m.value(slots[slots.length - 1] as T)
      }
      return slots[slots.length - 1] as T | number
    }
    const [c0, c1, c2] = shape.constants as [number, number, number]
    let total: T | number = 0
    for (let i = 0; i < shape.outerTrips; i++) {
      let row: T | number =
        shape.rowStart === 'zero' ? 0 : shape.rowStart === 'input' ? input(i) : total
      for (let j = 0; j < shape.innerTrips; j++) {
        const slots = [
          input(i * 3 + j),
          input(j),
          row,
          total,
          c0,
          datum(i * 13 + j, c1 * (j + 1)),
          i / 7,
        ]
        row = m.add(row, run(shape.inner, slots))
      }
      total = m.add(total, run(shape.outer, [row, input(i), total, c2, i - 2]))
    }
    for (let k = 0; k < shape.tailTrips; k++) {
      total = m.add(total, run(shape.tail, [input(k), input(k + 1), total, c0, datum(k, k / 100)]))
    }
    return m.add(total, 0) as T
  }
}

/**
 * Compiles the program of `shape` over n inputs, generated (where it can be)
 * and interpreted, and checks both against the tape bit for bit at three
 * points, with a new batch of data at each where the shape reads data.
 * Returns the mode 'auto' chose.
 */
function checkProgram(shape: Shape, n: number): 'generated' | 'interpreter' {
  const f = program(shape)
  const points = [point(n, 1), point(n, 2), point(n, 3)]
  // Data changes at every call; the dynamic gradient closes over it as plain numbers.
  const batches = [point(40, 5), point(40, 6), point(40, 7)].map((d) => [d])
  const data = shape.data ? (batches[0] as number[][]) : undefined
  const auto = reverse.compile(f, points[0] as number[], { ...(data && { data }) } as never)
  const interpreted = reverse.compile(
    f,
    points[0] as number[],
    {
      mode: 'interpreter',
      ...(data && { data }),
    } as never,
  )
  for (const [k, x] of points.entries()) {
    const batch = shape.data ? batches[k] : undefined
    const dynamic = reverse.valueAndGradient((m, v) => f(m, v, batch as never), x)
    for (const compiled of [auto, interpreted]) {
      const call = batch === undefined ? [x] : [x, batch]
      const { value, gradient } = compiled.valueAndGradient(...(call as [number[]]))
      expect(Object.is(value, dynamic.value)).toBe(true)
      expectSameBits(gradient, dynamic.gradient)
      expectSameBits(compiled.gradient(...(call as [number[]])), dynamic.gradient)
    }
  }
  return auto.mode
}

describe('random programs of loops: generated code, interpreter and tape agree bit for bit', () => {
  it('nested loops with accumulators that start from 0, an input or an outer total, trip counts 0 to 300, sums and dots, value reads, data given at each call', () => {
    let generatedCount = 0
    let cases = 0
    fc.assert(
      fc.property(shapeArb, fc.integer({ min: 2, max: 9 }), (shape, n) => {
        cases++
        if (checkProgram(shape, n) === 'generated') generatedCount++
      }),
      { numRuns: runs, seed: Number(process.env.GRADLAB_SEED ?? 20261206) },
    )
    // The generator must handle nearly every such program, not leave them to the interpreter.
    expect(generatedCount).toBeGreaterThanOrEqual(0.9 * cases)
  })
})

describe('programs of loops two deep, one of each kind: generated, and bit for bit', () => {
  // The random programs above draw these kinds too, but not all of them in the few runs of a
  // mutation test. Each row is read by the inner loop's body (slot 2) and the total by both
  // bodies (slots 3 and 2); the inner body also reads the row's constant, which moves with j
  // (slot 5, or data), and i / 7 (slot 6), which moves with i only.
  const read = (a: number, b: number): Step => ({ kind: 'binary', op: 'mul', a, b })
  const shapes = (['zero', 'input', 'total'] as const).flatMap((rowStart) =>
    [false, true].flatMap((data) =>
      [false, true].map(
        (reads): Shape => ({
          inner: [read(2, 5), { kind: 'binary', op: 'add', a: 7, b: 6 }, read(8, 3)],
          outer: [read(0, 3), { kind: 'unary', op: 'sin', from: 5 }],
          outerTrips: 4,
          innerTrips: 5,
          tail: [read(0, 2)],
          tailTrips: 13,
          rowStart,
          constants: [0.5, -1.25, 2],
          reads,
          data,
        }),
      ),
    ),
  )
  for (const shape of shapes) {
    it(`rows starting from ${shape.rowStart}${shape.data ? ', data' : ''}${shape.reads ? ', value reads' : ''}`, () => {
      expect(checkProgram(shape, 7)).toBe('generated')
    })
  }
})

/** Every term differs in op and operands, so nothing rerolls and the source grows with n. */
const irregular: ScalarFn = (m, x) =>
  m.sum(
    x.map((xi, i) =>
      m[UNARY_OPS[(i * 7) % UNARY_OPS.length] as UnaryName](
        m.mul(xi, x[(i * i) % x.length] as never),
      ),
    ),
  )

describe('rerolling keeps the generated source small for the loops users write', () => {
  it('Rosenbrock in 2,000 dimensions: one loop, a few kilobytes, whatever n', () => {
    const small = sourceOf(rosenbrock, point(200, 1)) as string
    const large = generated(rosenbrock, point(2000, 1)) as Source
    // Three passes (forward, backward, and backward testing for zero products), the loop's
    // body written out four times and once more for the remainder.
    expect(large.source.length).toBeLessThan(16_000)
    // Only the index literals grow (more digits), not the code.
    expect(large.source.length - small.length).toBeLessThan(300)
    // Every iteration, the first (which adds to the starting 0) included.
    expect(Array.from(large.repeats)).toEqual([1999])
    // Every value its backward pass needs is cheap to compute again: a gradient alone needs no forward pass.
    expect(large.backwardOnly).toBe(true)
  })
  it('a network over a batch is a loop over examples holding a loop over units, and agrees bit for bit', () => {
    const inputs = Array.from({ length: 16 }, (_, e) => point(8, e + 2))
    const net =
      (useDot: boolean): ScalarFn =>
      <T>(m: Ops<T>, p: readonly T[]) => {
        let loss: T | number = 0
        for (const [e, input] of inputs.entries()) {
          let out: T | number = p[8 * 32 + 64] as T
          for (let h = 0; h < 32; h++) {
            let z: T | number = p[8 * 32 + h] as T
            if (useDot) z = m.add(z, m.dot(p.slice(8 * h, 8 * h + 8), input))
            else
              for (let i = 0; i < 8; i++) z = m.add(z, m.mul(p[8 * h + i] as T, input[i] as number))
            out = m.add(out, m.mul(p[8 * 32 + 32 + h] as T, m.tanh(z)))
          }
          loss = m.add(loss, m.square(m.sub(out, e / 16)))
        }
        return loss as T
      }
    for (const useDot of [false, true]) {
      const { source, repeats } = generated(net(useDot), point(8 * 32 + 65, 1)) as Source
      // Every example and every unit, the first ones (which start the sums from 0 and the bias) too;
      // loops numbered innermost first.
      expect(source).toMatch(/for \(let k0b? = [\s\S]*for \(let k1b? = /)
      expect(Array.from(repeats)).toEqual(useDot ? [32, 16] : [8, 32, 16])
      expect(source.length).toBeLessThan(30_000)
      expectAgreement(net(useDot), [point(8 * 32 + 65, 1), point(8 * 32 + 65, 2)])
    }
  })
  it("a layer's output as a dot of the units' values, and the loss as a sum over examples: strided loops", () => {
    const [inputs, hidden, batch] = [8, 64, 16]
    const net = stridedNetwork(inputs, hidden, batch)
    const n = inputs * hidden + 2 * hidden + 1
    const source = sourceOf(net, point(n, 1)) as string
    // Written out term by term, the output's dot alone would be 64 lines in each pass.
    expect(source.length).toBeLessThan(8000)
    expectAgreement(net, [point(n, 1), point(n, 2)])
  })
  it('a dot of 2,000 nodes against data is a loop, not 2,000 lines', () => {
    const data = point(2000, 3)
    const source = sourceOf((m, x) => m.dot(x, data), point(2000, 1)) as string
    expect(source.length).toBeLessThan(2000)
  })
  it("dots of weight rows against each example's data, in a loss summed from 0: the first example's data is read where it was recorded, and each dot is a loop", () => {
    // The loss's first add (0 + the first example's) is folded, so the first example recorded
    // its constants at indices of their own: the dots read c from a base that depends on it.
    const [inputs, hidden, batch] = [8, 4, 6]
    const f: ScalarFn = <T>(m: Ops<T>, p: readonly T[]) =>
      accumulate(
        m,
        Array.from({ length: batch }, (_, e) => e),
        (e) => {
          const input = point(inputs, e + 2)
          const out = accumulate(
            m,
            Array.from({ length: hidden }, (_, h) => h),
            (h) => m.tanh(m.dot(p.slice(inputs * h, inputs * (h + 1)), input)),
          )
          return m.square(m.sub(out, e / batch))
        },
      )
    const source = sourceOf(f, point(inputs * hidden, 1)) as string
    expect(source).toMatch(/const (h\d+) = \(k0 > 0 \? [^;]*\);[\s\S]*c\[\1 \+ 1 \* j\]/)
    expectAgreement(f, [point(inputs * hidden, 1), point(inputs * hidden, 2)])
  })
  it("a sum in a loop whose terms move by different strides in the loop around is written out, not a run of the first term's stride", () => {
    // Term t of iteration k reads x[t + (t + 1) k]: consecutive in t, but each at its own stride in k.
    const f: ScalarFn = <T>(m: Ops<T>, x: readonly T[]) =>
      accumulate(m, [0, 1, 2, 3, 4, 5], (k) =>
        m.sum(Array.from({ length: 8 }, (_, t) => x[t + (t + 1) * k] as T)),
      )
    expect(sourceOf(f, point(48, 1))).not.toMatch(/for \(let j = /)
    expectAgreement(f, [point(48, 1), point(48, 2)])
  })
  it('a sum or dot of eight terms or more in one array is a loop over its terms; of seven, written out', () => {
    const fns = (terms: number): ScalarFn[] => [
      (m, x) => m.mul(m.sum(x.slice(0, terms)), x[terms] as never),
      (m, x) => m.dot(x.slice(0, terms), x.slice(10, 10 + terms)),
    ]
    const loops = (terms: number) =>
      fns(terms).map((f) => /for \(let j = /.test(sourceOf(f, point(20, 1)) as string))
    expect(loops(7)).toEqual([false, false])
    expect(loops(8)).toEqual([true, true])
    for (const f of [...fns(7), ...fns(8)]) expectAgreement(f, [point(20, 1), point(20, 2)])
  })
  it("a sum and a dot of a loop's values, its last iteration's among them, are loops: as many lines at n = 60 as at 240", () => {
    const lines = (n: number) => (sourceOf(looped, point(n, 1)) as string).split('\n').length
    expect(lines(240)).toBe(lines(60))
  })
  it('a constant kept through an inner loop in the first outer repetition but not in a later one is refused, not read as kept', () => {
    // The inner loop over k is found in the first repetition of e, where the weight is 2 for
    // every k; at e = 2 it is k + 1. Reading the first repetition's rule there would make
    // d/dx_k = 11 + 1 for every k >= 1 instead of 11 + k.
    const f = <T>(m: Ops<T>, x: readonly T[]) => {
      let total: T | number = 0
      for (let e = 0; e < 4; e++) {
        for (let k = 0; k < 20; k++) total = m.add(total, m.mul(x[k] as T, e === 2 ? k + 1 : e + 2))
      }
      return total as T
    }
    const x = point(20, 1)
    expect(generated(f, x)).toBe(
      "the recording's loops have a shape the code generator does not handle",
    )
    const compiled = reverse.compile(f, x)
    expect(compiled.mode).toBe('interpreter')
    const expected = Float64Array.from(x, (_, k) => 2 + 3 + (k + 1) + 5)
    expectSameBits(compiled.gradient(x), expected)
    expectSameBits(reverse.gradient(f, x), expected)
  })

  it('source over the size cap is refused, and compile falls back to the interpreter', () => {
    expect(sourceOf(irregular, point(300, 1).map(Math.abs), 1000)).toBeNull()
    expect(sourceOf(irregular, point(300, 1).map(Math.abs))).not.toBeNull()
  })
  it("mode 'generated' has no size cap; 'auto' leaves a program over it to the interpreter", () => {
    const x = point(600, 1).map((v) => Math.abs(v) / 4 + 0.3)
    expect(reverse.compile(irregular, x).mode).toBe('interpreter')
    const forced = reverse.compile(irregular, x, { mode: 'generated' })
    expect(forced.mode).toBe('generated')
    expectSameBits(forced.gradient(x), reverse.gradient(irregular, x))
  })
  it('the cap is on each pass: a pass exactly at the cap is kept, one character over it is refused', () => {
    const x = point(40, 1)
    const { source } = generated(rosenbrock, x) as Source
    // The passes are the bodies between the method headers; the longest decides.
    const bodies = source.split(/^(?:forward|backward|guarded)\(.*\) \{\n/m).slice(1)
    const longest = Math.max(
      ...bodies.map((b) => b.slice(b.indexOf('\n') + 1, b.lastIndexOf('\n},')).length),
    )
    expect(generated(rosenbrock, x, longest)).not.toBeTypeOf('string')
    expect(generated(rosenbrock, x, longest - 1)).toBe(
      'the generated source would exceed the size cap',
    )
  })
})

describe('loop bodies of cheap ops run four iterations a turn', () => {
  it('Rosenbrock is unrolled and a loop calling exp and cos is not; every trip count from 0 to 9 agrees bit for bit', () => {
    expect(sourceOf(rosenbrock, point(40, 1))).toMatch(/k0b \+= 4/)
    expect(sourceOf(expCos, point(12, 1))).not.toMatch(/k0b/)
    for (let n = 1; n <= 10; n++) {
      expectAgreement(rosenbrock, [point(n, 1), point(n, 2)])
      expectAgreement(expCos, [point(n, 1), point(n, 2)])
    }
  })
  it('a loop of one sin per iteration is not unrolled (a call), nor is one of fifty cheap ops (too long to copy four times)', () => {
    const sines: ScalarFn = <T>(m: Ops<T>, x: readonly T[]) => accumulate(m, x, (xi) => m.sin(xi))
    expect(sourceOf(sines, point(12, 1))).not.toMatch(/k0b/)
    // Fifty cheap ops in an order with no block repeated (so no inner loop), each on the last
    // value and x[i].
    const cheap = ['add', 'sub', 'mul', 'min', 'max'] as const
    const order = Array.from(
      { length: 50 },
      (_, k) => cheap[(k * k * 7 + k * 3 + (k >> 2)) % 5] ?? 'add',
    )
    const long: ScalarFn = <T>(m: Ops<T>, x: readonly T[]) =>
      accumulate(m, x, (xi) => order.reduce((t, op) => m[op](t, xi), xi))
    const longSource = sourceOf(long, point(12, 1)) as string
    expect(longSource).not.toMatch(/k1/)
    expect(longSource).not.toMatch(/k0b/)
    // Two cheap ops per iteration are.
    const short: ScalarFn = <T>(m: Ops<T>, x: readonly T[]) =>
      accumulate(m, x, (xi) => m.add(m.mul(xi, 0.5), xi))
    expect(sourceOf(short, point(12, 1))).toMatch(/k0b \+= 4/)
    expectAgreement(long, [point(12, 1), point(13, 2).slice(0, 12)])
  })
})

describe('a sum or dot whose terms repeat one node', () => {
  it("adds each term's adjoint into that node in the tape's order, so the sum rounds the same", () => {
    const repeated: ScalarFn = <T>(m: Ops<T>, x: readonly T[]) => {
      const a = x[0] as T
      const ys = x.slice(1).map((xi) => m.sin(xi))
      return m.add(m.dot(Array(ys.length).fill(a), ys), m.sum(Array(12).fill(m.mul(a, a))))
    }
    expectAgreement(
      repeated,
      Array.from({ length: 30 }, (_, s) => point(17, s + 1)),
    )
  })
})

describe('which engine runs, and when code cannot be generated', () => {
  const softsign = defineUnary('softsignForCodegen', {
    value: (a) => a / (1 + Math.abs(a)),
    partial: (m, a) => m.div(1, m.square(m.add(1, m.abs(a)))),
  })
  const withCustom: ScalarFn = (m, x) => m.sum(x.map((xi) => softsign(m, xi)))

  it("is 'generated' by default for table ops, 'interpreter' when asked or for a custom op", () => {
    expect(reverse.compile(rosenbrock, [1, 2, 3]).mode).toBe('generated')
    expect(reverse.compile(rosenbrock, [1, 2, 3], { mode: 'interpreter' }).mode).toBe('interpreter')
    const custom = reverse.compile(withCustom, [1, -2])
    expect(custom.mode).toBe('interpreter')
    expectSameBits(custom.gradient([0.5, 3]), reverse.gradient(withCustom, [0.5, 3]))
  })
  it("mode 'generated' where it cannot be made is an error saying why; a bad mode is a TypeError", () => {
    expect(() => reverse.compile(withCustom, [1, -2], { mode: 'generated' })).toThrow(
      gradlabErr(
        Error,
        'ERR_GRADLAB_CODEGEN_UNAVAILABLE',
        "reverse.compile: options.mode is 'generated', but the recording calls a custom op or block. Use mode 'auto' to fall back to the interpreter.",
      ),
    )
    expect(() => reverse.compile(rosenbrock, [1, 2], { mode: 'jit' as never })).toThrow(
      gradlabErr(
        TypeError,
        'ERR_GRADLAB_INVALID_OPTIONS',
        "reverse.compile: options.mode must be 'auto', 'generated' or 'interpreter', got jit. Use 'auto' (the default) for generated code where it can be made.",
      ),
    )
  })
  it('re-recording chooses again: a branch that brings in a custom op moves to the interpreter', () => {
    const branchy: ScalarFn = (m, [a, b]) =>
      m.value(a as never) > 0 ? m.mul(a as never, b as never) : softsign(m, b as never)
    const compiled = reverse.compile(branchy, [1, 2])
    expect(compiled.mode).toBe('generated')
    expectSameBits(compiled.gradient([-1, 2]), reverse.gradient(branchy, [-1, 2]))
    expect(compiled.mode).toBe('interpreter')
    expect(compiled.recordings).toBe(2)
  })
  it('value guards hold inside rolled loops: a read that changes in any one iteration throws or re-records', () => {
    const clipped: ScalarFn = <T>(m: Ops<T>, x: readonly T[]) => {
      let acc: T | number = 0
      for (const xi of x) acc = m.add(acc, m.value(xi) > 0 ? m.square(xi) : m.neg(xi))
      return acc as T
    }
    const x0 = point(40, 1).map((v) => Math.abs(v) + 0.1)
    const compiled = reverse.compile(clipped, x0, { onValueChange: 'throw' })
    expect(compiled.mode).toBe('generated')
    expectSameBits(compiled.gradient(x0), reverse.gradient(clipped, x0))
    const oneFlipped = x0.map((v, i) => (i === 37 ? -v : v))
    expect(() => compiled.gradient(oneFlipped)).toThrow(
      `read a value with m.value that is ${oneFlipped[37]} at this x but was ${x0[37]} when recorded`,
    )
    const rerecording = reverse.compile(clipped, x0)
    expectSameBits(rerecording.gradient(oneFlipped), reverse.gradient(clipped, oneFlipped))
    expect(rerecording.recordings).toBe(2)
  })
  it('a read of -0 where +0 was recorded counts as changed (Object.is), since 1 / x tells them apart', () => {
    const signOf: ScalarFn = (m, [a]) =>
      1 / m.value(a as never) > 0 ? m.mul(a as never, 2) : m.mul(a as never, 3)
    const compiled = reverse.compile(signOf, [0])
    expect(compiled.gradient([-0])[0]).toBe(3)
    expect(compiled.recordings).toBe(2)
  })
  it('where code generation from strings is forbidden, compile uses the interpreter', () => {
    const dist = resolve(import.meta.dirname, '../../dist/index.js')
    const script = `
      const { reverse } = require(${JSON.stringify(dist)})
      const f = (m, x) => { let s = 0; for (let i = 0; i < x.length; i++) s = m.add(s, m.square(x[i])); return s }
      const auto = reverse.compile(f, [1, 2, 3])
      let forced
      try { reverse.compile(f, [1, 2, 3], { mode: 'generated' }) } catch (e) { forced = e.code + ': ' + e.message }
      console.log(JSON.stringify({ mode: auto.mode, gradient: Array.from(auto.gradient([1, 2, 3])), forced }))
    `
    const out = execFileSync(
      process.execPath,
      ['--disallow-code-generation-from-strings', '-e', script],
      {
        encoding: 'utf8',
      },
    )
    expect(JSON.parse(out)).toEqual({
      mode: 'interpreter',
      gradient: [2, 4, 6],
      forced:
        "ERR_GRADLAB_CODEGEN_UNAVAILABLE: reverse.compile: options.mode is 'generated', but code generation from strings is not allowed here. Use mode 'auto' to fall back to the interpreter.",
    })
  })
})

describe('the generated engine between calls', () => {
  /** A generated engine for f at x, and how often each of its passes runs after it was made. */
  function counted(f: ScalarFn, x: readonly number[]) {
    const point = Float64Array.from(x)
    const { program, output } = recordProgram('test', point, f)
    const engine = new Generated(
      program,
      point.length,
      output,
      generate(program, point.length, output, Number.POSITIVE_INFINITY) as Source,
    )
    const calls = { forward: 0, backward: 0, guarded: 0 }
    const passes = (
      engine as unknown as { passes: Record<keyof typeof calls, (...args: unknown[]) => unknown> }
    ).passes
    for (const name of Object.keys(calls) as (keyof typeof calls)[]) {
      const pass = passes[name] as (...args: unknown[]) => unknown
      passes[name] = (...args: unknown[]) => {
        calls[name]++
        return pass(...args)
      }
    }
    return { engine, calls }
  }
  it('is warmed up when made: each pass run twelve times, in order, with every loop cut to at most five iterations', () => {
    // Passes that only log their calls and the trip counts they were given.
    const log: [string, number[]][] = []
    const logged = (name: string, counts: number) =>
      `${name}(...args) { L.push(['${name}', Array.from(args[${counts}])]); return 0; },`
    const source = [
      'const L = globalThis.__gradlabWarmUp;',
      'return {',
      logged('forward', 4),
      logged('backward', 5),
      logged('guarded', 5),
      '};',
    ].join('\n')
    const repeats = Int32Array.of(2000, 3, 5, 6, 0)
    const { program, output } = recordProgram('test', Float64Array.of(1), ((m, [x]) =>
      m.sin(x)) as ScalarFn)
    ;(globalThis as { __gradlabWarmUp?: unknown }).__gradlabWarmUp = log
    try {
      const engine = new Generated(program, 1, output, { source, repeats, backwardOnly: false })
      const cut = [5, 3, 5, 5, 0]
      const expected = Array.from({ length: 12 }, () => [
        ['forward', cut],
        ['backward', cut],
        ['guarded', cut],
      ]).flat()
      expect(log).toEqual(expected)
      // The real calls get the real trip counts.
      log.length = 0
      engine.forward(Float64Array.of(2))
      expect(log).toEqual([['forward', [2000, 3, 5, 6, 0]]])
    } finally {
      delete (globalThis as { __gradlabWarmUp?: unknown }).__gradlabWarmUp
    }
  })
  it('a gradient alone runs no forward pass where the backward pass recomputes every value it needs, and one where it reads stored values', () => {
    const rosen = counted(rosenbrock, point(6, 1))
    rosen.engine.gradientAt(Float64Array.from(point(6, 2)))
    expect(rosen.calls).toEqual({ forward: 0, backward: 1, guarded: 0 })
    const stored = counted(expCos, point(6, 1))
    stored.engine.gradientAt(Float64Array.from(point(6, 2)))
    expect(stored.calls).toEqual({ forward: 1, backward: 1, guarded: 0 })
  })
  it("the pass that skips zero products runs only when an input's adjoint is not finite, after a forward pass to refill the values", () => {
    const { engine, calls } = counted((m, x) => m.sqrt(m.mul(x[0] as never, x[1] as never)), [1, 2])
    engine.gradientAt(Float64Array.from([1, 2]))
    expect(calls).toEqual({ forward: 1, backward: 1, guarded: 0 })
    // sqrt's partial at 0 is infinite: x1's adjoint is 0 * Infinity in the plain pass.
    expectSameBits(engine.gradientAt(Float64Array.from([0, 2])), Float64Array.from([Infinity, 0]))
    expect(calls).toEqual({ forward: 3, backward: 2, guarded: 1 })
  })
  it('a gradient alone at a new point, with no valueAndGradient before it, is the gradient there', () => {
    // Rosenbrock's backward pass recomputes every value it needs, so gradient(x) skips the forward pass.
    const x0 = point(30, 1)
    const compiled = reverse.compile(rosenbrock, x0)
    expect(compiled.mode).toBe('generated')
    for (const seed of [2, 3, 4]) {
      const x = point(30, seed)
      expectSameBits(compiled.gradient(x), reverse.gradient(rosenbrock, x))
    }
  })
  it('reads and comparisons inside rolled loops are checked against the values at the point, so an unchanged outcome records nothing new', () => {
    // Each iteration compares a value that is never near 1/2 with 1/2, and reads a value it does not branch on.
    const guarded: ScalarFn = <T>(m: Ops<T>, x: readonly T[]) =>
      accumulate(m, x, (xi) => {
        const u = m.add(m.square(xi), 1)
        return m.gt(u, 0.5) ? m.mul(u, xi) : m.neg(xi)
      })
    const reading: ScalarFn = <T>(m: Ops<T>, x: readonly T[]) =>
      accumulate(m, x, (xi) => {
        const u = m.mul(xi, xi)
        return m.value(u) >= 0 ? m.exp(u) : u
      })
    // The first instruction's node (the first node after the inputs), read or compared on its own.
    const firstRead: ScalarFn = <T>(m: Ops<T>, x: readonly T[]) => {
      const u = m.mul(x[0] as T, x[0] as T)
      return m.add(m.value(u) >= 0 ? m.exp(u) : u, reading(m, x))
    }
    const firstCompared: ScalarFn = <T>(m: Ops<T>, x: readonly T[]) => {
      const u = m.mul(x[0] as T, x[0] as T)
      return m.add(m.gt(u, 0.5) ? m.exp(u) : u, reading(m, x))
    }
    const x0 = point(40, 1)
    for (const f of [guarded, reading, firstRead, firstCompared]) {
      const compiled = reverse.compile(f, x0)
      expect(compiled.mode).toBe('generated')
      // The same point again: every read and comparison gives what was recorded.
      expectSameBits(compiled.valueAndGradient(x0).gradient, reverse.gradient(f, x0))
      expectSameBits(compiled.gradient(x0), reverse.gradient(f, x0))
      expect(compiled.recordings).toBe(1)
    }
    // Comparisons are kept by outcome: new points whose outcomes are the recorded ones replay.
    const compiled = reverse.compile(guarded, x0)
    for (const seed of [2, 3, 4, 5]) {
      const x = point(40, seed)
      expectSameBits(compiled.gradient(x), reverse.gradient(guarded, x))
    }
    expect(compiled.recordings).toBe(1)
  })
})

describe('allFinite, which decides whether the backward pass that skips zero products must run', () => {
  it('is true for finite entries of any sign, zeros and subnormals, at any length', () => {
    for (let n = 0; n <= 9; n++) {
      expect(allFinite(Float64Array.from({ length: n }, (_, i) => (i % 2 ? -1e308 : 5e-324)))).toBe(
        true,
      )
      expect(allFinite(new Float64Array(n).fill(-0))).toBe(true)
    }
  })
  it('is false when any one entry is an infinity of either sign or NaN, in any position of the four sums and of the tail', () => {
    for (let n = 1; n <= 9; n++) {
      for (let i = 0; i < n; i++) {
        for (const bad of [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN]) {
          const xs = Float64Array.from({ length: n }, (_, j) => j + 1)
          xs[i] = bad
          expect(allFinite(xs), `n = ${n}, entry ${i} = ${bad}`).toBe(false)
        }
      }
    }
  })
  it('looks only at the first n entries when given n (the inputs, at the front of the adjoints)', () => {
    const xs = Float64Array.of(1, -0, 2, 3, 4, Number.NaN, Number.POSITIVE_INFINITY)
    expect(allFinite(xs, 5)).toBe(true)
    expect(allFinite(xs, 6)).toBe(false)
    expect(allFinite(xs, 0)).toBe(true)
  })
  it('is false for infinities of both signs at once', () => {
    expect(allFinite(Float64Array.of(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY))).toBe(
      false,
    )
    expect(
      allFinite(
        Float64Array.of(1, 2, 3, 4, Number.POSITIVE_INFINITY, 1, 1, 1, Number.NEGATIVE_INFINITY),
      ),
    ).toBe(false)
  })
})

describe("a carried value's first adjoint: added in iteration 0, or after the loop only where that rounds the same", () => {
  // The backward pass may add the first iteration's adjoint of a carried value into the node before
  // the loop after the loop, which is the same sum only where nothing else adds into that node in the
  // loop and there is one such addition; else the order of additions, and so the rounding, changes.
  // The additions into the starting value's adjoint are products of the point's coordinates, of
  // like size, so that adding them in another order rounds differently at many of these points.
  const points = Array.from({ length: 40 }, (_, s) => point(14, s + 1).map((v) => v / 2))
  const cases: Record<string, ScalarFn> = {
    'the starting value read again in every iteration': <T>(m: Ops<T>, x: readonly T[]) => {
      const a = x[0] as T
      let s: T = a
      for (let i = 1; i < x.length; i++) s = m.add(s, m.mul(a, x[i] as T))
      return m.add(s, m.mul(a, a))
    },
    'the carried value read twice in each iteration': <T>(m: Ops<T>, x: readonly T[]) => {
      const a = x[0] as T
      let s: T = a
      for (let i = 1; i < x.length; i++) s = m.add(m.mul(s, 0.75), m.mul(s, x[i] as T))
      return m.add(s, m.mul(a, 3.7))
    },
    'the carried value read in a loop inside its loop': <T>(m: Ops<T>, x: readonly T[]) => {
      const a = x[0] as T
      let s: T = a
      for (let i = 1; i < 4; i++) {
        let t: T = s
        for (let j = 4; j < x.length; j++) t = m.add(t, m.mul(s, x[j] as T))
        s = m.mul(t, 0.25)
      }
      return m.add(s, m.mul(a, 1.3))
    },
    'the starting value is a node made before the loop, read in it and after it': <T>(
      m: Ops<T>,
      x: readonly T[],
    ) => {
      const a = m.sin(x[0] as T)
      let s: T = a
      for (let i = 1; i < x.length; i++) s = m.add(s, m.mul(a, x[i] as T))
      return m.add(s, m.exp(a))
    },
    'two values carried from the same starting value': <T>(m: Ops<T>, x: readonly T[]) => {
      const a = x[0] as T
      let s: T = a
      let t: T = a
      for (let i = 1; i < x.length; i++) {
        s = m.add(s, m.mul(t, x[i] as T))
        t = m.add(t, x[i] as T)
      }
      return m.add(m.mul(s, x[1] as T), m.mul(t, a))
    },
    "the starting value is another loop's last value, read in the loop": <T>(
      m: Ops<T>,
      x: readonly T[],
    ) => {
      let a: T = x[0] as T
      for (let i = 1; i < x.length; i++) a = m.add(a, m.square(x[i] as T))
      let s: T = a
      for (let i = 1; i < x.length; i++) s = m.add(s, m.mul(a, x[i] as T))
      return m.add(s, m.mul(a, 0.1))
    },
    'the starting value is an input the loop also reads': <T>(m: Ops<T>, x: readonly T[]) => {
      let s: T = x[1] as T
      for (let i = 1; i < x.length; i++) s = m.add(s, m.square(x[i] as T))
      return s
    },
    'the starting value is a constant': <T>(m: Ops<T>, x: readonly T[]) => {
      let s: T | number = 5
      for (let i = 0; i < x.length; i++) s = m.mul(s, m.sin(x[i] as T))
      return s as T
    },
  }
  for (const [name, f] of Object.entries(cases)) {
    it(name, () => expectAgreement(f, points))
  }
  it('waits for the loop exactly where one reader in the loop adds into a starting value nothing else in the loop adds into', () => {
    // Deferred: no `if (k > 0)` around an addition into a carried adjoint. A constant starting
    // value has no adjoint, so its first addition is dropped, with no branch either.
    const deferred = Object.fromEntries(
      Object.entries(cases).map(([name, f]) => [
        name,
        !/if \(k\d > 0\) ca\d+ \+= /.test(sourceOf(f, point(14, 1)) as string),
      ]),
    )
    expect(deferred).toEqual({
      'the starting value read again in every iteration': false,
      'the carried value read twice in each iteration': false,
      'the carried value read in a loop inside its loop': false,
      'the starting value is a node made before the loop, read in it and after it': false,
      'two values carried from the same starting value': false,
      "the starting value is another loop's last value, read in the loop": false,
      'the starting value is an input the loop also reads': false,
      'the starting value is a constant': true,
    })
  })
  it('with one reader and nothing else adding into the starting value, the first adjoint is added after the loop: no branch per iteration', () => {
    const fromInput: ScalarFn = <T>(m: Ops<T>, x: readonly T[]) => {
      let s: T = x[0] as T
      for (let i = 1; i < x.length; i++) s = m.add(s, m.square(x[i] as T))
      return s
    }
    const fromNode: ScalarFn = <T>(m: Ops<T>, x: readonly T[]) => {
      let s: T = m.sin(x[0] as T)
      for (let i = 1; i < x.length; i++) s = m.add(s, m.square(x[i] as T))
      return s
    }
    for (const f of [fromInput, fromNode, rosenbrock]) {
      const source = sourceOf(f, point(14, 1)) as string
      expect(source).not.toMatch(/if \(k0 > 0\)/)
      expectAgreement(f, points)
    }
    // Read again in the loop, the starting value takes the first adjoint in iteration 0.
    expect(
      sourceOf(cases['the starting value read again in every iteration'] as ScalarFn, point(14, 1)),
    ).toMatch(/if \(k0 > 0\)/)
  })
})

describe('where generated code keeps values: locals, recomputed where cheap, stored only where the backward pass needs them', () => {
  /** The passes' lines that write v (values kept for the backward pass) and any mention of g (adjoint slots). */
  function slots(f: ScalarFn, x: readonly number[]) {
    const out = generated(f, x) as Source
    const passes = out.source.slice(out.source.indexOf('forward('))
    const stores = passes.match(/^v\[[^\]]*\] = /gm) ?? []
    return {
      stores: stores.map((l) => l.slice(0, -3)),
      adjointSlots: /\bg\[/.test(passes),
      backwardOnly: out.backwardOnly,
    }
  }
  it('Rosenbrock: every value and adjoint is a local or carried, and the backward pass recomputes what it needs', () => {
    expect(slots(rosenbrock, point(40, 1))).toEqual({
      stores: [],
      adjointSlots: false,
      backwardOnly: true,
    })
  })
  it("a loop of exp and cos: their values are stored (a product's partials are its operands), the scaled input is recomputed", () => {
    // Node 12 + 5k is iteration k's mul(x, 0.5), 13 + 5k its exp, 14 + 5k its cos.
    expect(slots(expCos, point(12, 1))).toEqual({
      stores: ['v[13 + 5 * k0]', 'v[14 + 5 * k0]'],
      adjointSlots: false,
      backwardOnly: false,
    })
  })
  it('a tanh layer over a batch: one value per unit and one per example stored, no adjoint slots', () => {
    // Scalar ops: each unit's tanh value (its partial needs it, and the product with the output
    // weight needs it), and each example's residual (its operand is the inner loop's last total).
    expect(slots(layer(false), point(20, 1))).toEqual({
      stores: ['v[26 + 39 * k0 + 9 * k1]', 'v[56 + 39 * k0]'],
      adjointSlots: false,
      backwardOnly: false,
    })
    // With dot: also the dot (tanh's operand is the bias plus the dot, recomputed from it).
    expect(slots(layer(true), point(20, 1))).toEqual({
      stores: ['v[20 + 23 * k0 + 5 * k1]', 'v[22 + 23 * k0 + 5 * k1]', 'v[40 + 23 * k0]'],
      adjointSlots: false,
      backwardOnly: false,
    })
  })
})

describe('what the passes compute and read, and how the backward passes skip zeros', () => {
  /** The three passes' lines. */
  function passes(f: ScalarFn, x: readonly number[]) {
    const { source } = generated(f, x) as Source
    const cut = (from: string, to: string | null) =>
      source.slice(source.indexOf(from), to === null ? undefined : source.indexOf(to)).split('\n')
    return {
      forward: cut('forward(', 'backward('),
      backward: cut('backward(', 'guarded('),
      guarded: cut('guarded(', null),
    }
  }
  function expectEveryNameRead(f: ScalarFn, n: number): void {
    for (const lines of Object.values(passes(f, point(n, 1)))) {
      const text = lines.join('\n')
      const declared = [...text.matchAll(/\b(?:const|let) (\w+) =/g)].map((d) => d[1] as string)
      expect(declared.length).toBeGreaterThan(0)
      // A name is read if it occurs more often than it is declared (an unrolled loop declares
      // its names once per copy). The trip counts R0, R1, ... are read at the top of every pass,
      // whether it loops or not.
      const count = (pattern: string) => (text.match(new RegExp(pattern, 'g')) ?? []).length
      const unread = [...new Set(declared)].filter(
        (d) => !/^R\d+$/.test(d) && count(`\\b${d}\\b`) <= count(`\\b(?:const|let) ${d} =`),
      )
      expect(unread).toEqual([])
    }
  }
  /** Each named read of the backward passes sits in the loop of the deepest loop variable it uses. */
  function expectReadsInOutermostLoop(f: ScalarFn, n: number): void {
    const { backward, guarded } = passes(f, point(n, 1))
    for (const lines of [backward, guarded]) {
      // The loop variables defined around each line: by a for loop, or by a block of an
      // unrolled loop (k0b counts four at a time, each block defines k0 from it).
      const open: (string | null)[] = []
      let checked = 0
      for (const line of lines) {
        const read = /^const h\d+ = [vx]\[([^\]]+)\];$/.exec(line)
        if (read !== null) {
          // Loop k<d> is inside loop k<d - 1>: the read belongs in loop k<deepest it uses>.
          const deepest = Math.max(
            -1,
            ...[...(read[1] as string).matchAll(/\bk(\d+)\b/g)].map((k) => Number(k[1])),
          )
          const around = open.filter((k) => k !== null)
          expect(around).toEqual(Array.from({ length: deepest + 1 }, (_, d) => `k${d}`))
          checked++
        }
        const defined = /^(?:for \(let |\{ const )(k\d+) = /.exec(line)
        const opens = (line.match(/\{/g) ?? []).length - (line.match(/\}/g) ?? []).length
        for (let o = 0; o < opens; o++) open.push(o === 0 ? (defined?.[1] ?? null) : null)
        for (let o = 0; o > opens; o--) open.pop()
      }
      expect(checked).toBeGreaterThan(0)
    }
  }
  it('adds, subtractions and negations, whose partials are constants: no value is read or computed in the backward passes', () => {
    const f = <T>(m: Ops<T>, x: readonly T[]) =>
      accumulate(m, x.slice(1), (next, i) => m.sub(m.neg(m.add(x[i] as T, 3)), next))
    expectEveryNameRead(f, 12)
    const { backward, guarded } = passes(f, point(12, 1))
    expect([...backward, ...guarded].filter((line) => /\b[vx]\[|const r\d/.test(line))).toEqual([])
  })
  it('a network whose output dots its units and whose loss sums its examples (runs, read in place)', () => {
    // Eight inputs, sixteen units, twelve examples: 8 * 16 + 2 * 16 + 1 = 161 parameters.
    expectEveryNameRead(stridedNetwork(8, 16, 12), 161)
    expectReadsInOutermostLoop(stridedNetwork(8, 16, 12), 161)
  })
  const programs: Record<string, [ScalarFn, number]> = {
    'a loop of exp and cos': [expCos, 12],
    'a tanh layer with scalar ops': [layer(false), 20],
    'a tanh layer with dot': [layer(true), 20],
    Rosenbrock: [rosenbrock, 12],
    // Constants on either side of a pair: each factor's partial is read only if it has an adjoint.
    'short dots of inputs and constants on both sides': [
      <T>(m: Ops<T>, x: readonly T[]) =>
        accumulate(m, x.slice(1), (next, i) =>
          m.dot([x[i] as T, 2, m.sin(next), m.square(next)], [3, m.cos(next), x[i] as T, 5]),
        ),
      12,
    ],
    // exp(x[e]) is stored once per example and read by every unit of the inner loop.
    "an outer loop's value read in its inner loop": [
      <T>(m: Ops<T>, x: readonly T[]) =>
        accumulate(m, x.slice(0, 4), (xe) => {
          const s = m.exp(xe)
          return accumulate(m, x.slice(4), (w) => m.mul(s, m.sin(w)))
        }),
      16,
    ],
  }
  for (const [name, [f, n]] of Object.entries(programs)) {
    it(`${name}: every name a pass declares is read in it (no value computed or read for nothing)`, () => {
      expectEveryNameRead(f, n)
      expectAgreement(f, [point(n, 1), point(n, 2)])
    })
    it(`${name}: every value the forward pass stores is read by the backward passes`, () => {
      const { forward, backward, guarded } = passes(f, point(n, 1))
      const stores = forward.flatMap((line) => /^v\[([^\]]+)\] = /.exec(line)?.[1] ?? [])
      const reads = new Set(
        [...backward, ...guarded].flatMap((line) =>
          [...line.matchAll(/\bv\[([^\]]+)\]/g)].map((r) => r[1]),
        ),
      )
      expect(stores.filter((index) => !reads.has(index))).toEqual([])
    })
    it(`${name}: each value or input is read once per block, into a name at its top`, () => {
      // The backward passes write no values, so a read can move to the top of the block it is in.
      const { backward, guarded } = passes(f, point(n, 1))
      for (const lines of [backward, guarded]) {
        const reads = lines.filter((line) => /\b[vx]\[/.test(line))
        expect(reads.length).toBeGreaterThan(0)
        for (const line of reads) expect(line).toMatch(/^const h\d+ = [vx]\[[^\]]+\];$/)
      }
    })
    it(`${name}: each read is in the outermost loop it can be, the loop of the deepest variable it uses`, () =>
      expectReadsInOutermostLoop(f, n))
    it(`${name}: the plain pass has no branch; the guarded one tests every adjoint and every partial`, () => {
      const { backward, guarded } = passes(f, point(n, 1))
      expect(backward.filter((line) => line.includes('if ('))).toEqual([])
      // Each product partial * adjoint of the plain pass is one guarded product (the plain pass
      // of cheap ops is unrolled, the guarded one is not: count distinct lines).
      const distinct = (pattern: RegExp) =>
        new Set(backward.filter((line) => pattern.test(line))).size
      const products = distinct(/ \* g\d+;$/)
      expect(products).toBeGreaterThan(0)
      expect(guarded.filter((line) => /if \(p\d+ !== 0\) .* \* g\d+; }$/.test(line))).toHaveLength(
        products,
      )
      const adjoints = distinct(/^const g\d+ = /)
      expect(guarded.filter((line) => /^if \(g\d+ !== 0\) \{$/.test(line))).toHaveLength(adjoints)
    })
  }
})

describe('constants in generated code', () => {
  it('data that is the same number in every repetition when compiled is still read at every call, never written in as a literal', () => {
    const weighted: DataFn = <T>(m: Ops<T>, x: readonly T[], [d]: readonly (readonly T[])[]) =>
      accumulate(m, x, (xi, i) => m.mul(d?.[i] as T, m.square(xi)))
    const x = point(20, 1)
    const compiled = reverse.compile(weighted, x, { data: [Array(20).fill(2)] })
    expect(compiled.mode).toBe('generated')
    for (const seed of [2, 3]) {
      const d = point(20, seed)
      const expected = reverse.gradient((m, v) => weighted(m, v, [d as never]), x)
      expectSameBits(compiled.gradient(x, [d]), expected)
    }
  })
  it('a -0 the same in every repetition is written as -0: atan2(-0, x) is -pi for x < 0, not pi', () => {
    const f: ScalarFn = <T>(m: Ops<T>, x: readonly T[]) => accumulate(m, x, (xi) => m.atan2(-0, xi))
    const x = point(12, 1).map((v) => -Math.abs(v) - 0.5)
    expect(reverse.compile(f, x).valueAndGradient(x).value).toBeCloseTo(-12 * Math.PI, 12)
    expectAgreement(f, [x])
  })
  it('a constant the same in every repetition is a literal; one that changes is read from c, once per iteration of the loop it changes in', () => {
    // Rosenbrock's 100 and 1 are literals.
    const rosen = sourceOf(rosenbrock, point(40, 1)) as string
    expect(rosen).not.toMatch(/\bc\[/)
    expect(rosen).toMatch(/B_mul\.value\(100, /)
    // The layer's inputs change with the example (k0) and the input index, not with the unit (k1):
    // every read of c is indexed without k1.
    const layerSource = sourceOf(layer(false), point(20, 1)) as string
    const reads = layerSource.match(/c\[[^\]]*\]/g) ?? []
    expect(reads.length).toBeGreaterThan(0)
    for (const read of reads) {
      expect(read).toMatch(/k0/)
      expect(read).not.toMatch(/k1/)
    }
  })
})

describe('operands whose nodes span the inputs and the ops', () => {
  // The inputs are nodes 0 .. n-1 and each op's output the next node, so a loop over the inputs
  // followed by the values made from them reads one run of nodes: from x, then from v.
  const spanning: ScalarFn = <T>(m: Ops<T>, x: readonly T[]) =>
    accumulate(m, [...x, ...x.map((xi) => m.sin(xi))], (y) => m.mul(y, y))
  it('a loop reading such a run gives the same gradient, bit for bit', () => {
    expectAgreement(spanning, [point(10, 1), point(10, 2), [0, -0, ...point(8, 3)]])
  })
  it('a sum and a dot over such a run, and over the inputs and the first op node after them', () => {
    const sums: ScalarFn = <T>(m: Ops<T>, x: readonly T[]) => {
      const first = [...x, m.cos(x[0] as T)]
      const ys = [...x, ...x.map((xi) => m.sin(xi))]
      return m.add(m.add(m.sum(ys), m.dot(ys, ys)), m.mul(m.sum(first), m.dot(first, first)))
    }
    expectAgreement(sums, [point(10, 1), point(10, 2)])
  })
  it('a sum over the inputs and the first op node, and one over the op nodes from the first on: the first written out, the second a loop', () => {
    // The sines are a loop of their own; the sums read its iterations from the arrays.
    const f: ScalarFn = <T>(m: Ops<T>, x: readonly T[]) => {
      const ys = x.map((xi) => m.sin(xi))
      return m.add(m.sum([...x, ys[0] as T]), m.mul(m.sum(ys), x[0] as T))
    }
    expectAgreement(f, [point(20, 1), point(20, 2)])
    const source = sourceOf(f, point(20, 1)) as string
    // One forward loop over j: the sum of the sines (from node 20, the first op node, in v). The
    // other sum spans x and v: its terms are written out, the last read from v.
    expect(source.match(/for \(let j = 0; j < 20; j \+= 4\) \{/g)).toHaveLength(1)
    expect(source).toMatch(/\+= v\[20 \+ 1 \* j\];/)
    expect(source).toMatch(/\+= v\[20\];/)
  })
  it('a loop over the inputs and the first op node, in either order, tests the index; one over the op nodes from the first on reads v directly', () => {
    const sines = <T>(m: Ops<T>, x: readonly T[]) => x.map((xi) => m.sin(xi))
    const spansOne: ScalarFn = <T>(m: Ops<T>, x: readonly T[]) =>
      accumulate(m, [...x, sines(m, x)[0] as T], (y) => m.mul(y, y))
    const fromFirst: ScalarFn = <T>(m: Ops<T>, x: readonly T[]) =>
      accumulate(m, sines(m, x), (y) => m.mul(y, y))
    // The same nodes last to first: node 20, then the inputs from 19 down to 0.
    const backwards: ScalarFn = <T>(m: Ops<T>, x: readonly T[]) => {
      const nodes = [sines(m, x)[0] as T, ...[...x].reverse()]
      return m.add(
        accumulate(m, nodes, (y) => m.mul(y, y)),
        m.dot(nodes, nodes),
      )
    }
    expectAgreement(spansOne, [point(20, 1), point(20, 2)])
    expectAgreement(fromFirst, [point(20, 1), point(20, 2)])
    expectAgreement(backwards, [point(20, 1), point(20, 2)])
    expect(sourceOf(backwards, point(20, 1))).toMatch(/at\(x, v, 20 \+ -1 \* k\d\)/)
    expect(sourceOf(spansOne, point(20, 1))).toMatch(/at\(x, v, 0 \+ k\d\)/)
    const source = sourceOf(fromFirst, point(20, 1)) as string
    expect(source).not.toMatch(/at\(x, v, /)
    expect(source).not.toMatch(/ < 20\) gx\[/)
  })
  it('only such a run takes the read and the addition that test the index; inputs are read from x and their adjoints added into gx directly', () => {
    expect(sourceOf(spanning, point(10, 1))).toMatch(/at\(x, v, /)
    for (const source of [
      sourceOf(rosenbrock, point(40, 1)),
      sourceOf(layer(false), point(20, 1)),
    ]) {
      expect(source).not.toMatch(/at\(x, v, /)
      expect(source).not.toMatch(/ < \d+\) gx\[/)
      expect(source).toMatch(/gx\[/)
    }
  })
})

describe('values the backward pass needs are recomputed or stored, whichever side of an op they are on', () => {
  // A dot's adjoint for one factor is the other factor; a binary op's partials may read either
  // operand and its own value. Cheap values are recomputed from their operands, others stored.
  const cases: Record<string, ScalarFn> = {
    // In a loop body the factors are locals of one iteration; outside loops, runs of them are in the arrays.
    'a short dot in each iteration: recomputed products against stored sines': <T>(
      m: Ops<T>,
      x: readonly T[],
    ) => accumulate(m, x, (xi) => m.dot([m.mul(xi, xi), m.mul(xi, 3)], [m.sin(xi), m.cos(xi)])),
    'a short dot in each iteration, of inputs with recomputed products': <T>(
      m: Ops<T>,
      x: readonly T[],
    ) =>
      accumulate(m, x.slice(1), (next, i) => {
        const xi = x[i] as T
        return m.dot([xi, next], [m.mul(xi, 3), m.sub(next, 1)])
      }),
    'a dot of two runs of inputs, its adjoint not 1': <T>(m: Ops<T>, x: readonly T[]) =>
      m.mul(m.dot(x.slice(0, 6), x.slice(6, 12)), m.sin(x[0] as T)),
    'a dot of runs kept in the arrays: products and sines': <T>(m: Ops<T>, x: readonly T[]) =>
      m.dot(
        x.map((xi) => m.mul(xi, xi)),
        x.map((xi) => m.sin(xi)),
      ),
    'binary ops whose partials read the other operand, a recomputed or a stored one': <T>(
      m: Ops<T>,
      x: readonly T[],
    ) =>
      accumulate(m, x.slice(1), (next, i) => {
        const a = m.sub(x[i] as T, 0.25)
        const b = m.exp(m.mul(next, 0.5))
        return m.add(m.mul(a, b), m.add(m.div(b, m.add(m.square(a), 1)), m.pow(b, a)))
      }),
    'unary ops whose partial reads their operand or their value, of recomputed operands': <T>(
      m: Ops<T>,
      x: readonly T[],
    ) =>
      accumulate(m, x, (xi) => {
        const a = m.mul(xi, 0.5)
        return m.add(m.tanh(a), m.add(m.sqrt(m.add(m.square(a), 1)), m.square(m.abs(a))))
      }),
    'a max and a min of a carried value: the branch recomputed in the backward pass': <T>(
      m: Ops<T>,
      x: readonly T[],
    ) => {
      let s: T | number = 0
      for (const xi of x) s = m.add(m.max(s, xi), m.min(m.mul(s, 0.5), xi))
      return s as T
    },
  }
  for (const [name, f] of Object.entries(cases)) {
    it(name, () => expectAgreement(f, [point(12, 1), point(12, 2), point(12, 3)]))
  }
})

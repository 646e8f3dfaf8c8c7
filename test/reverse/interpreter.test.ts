import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  BINARY_OPS,
  type BinaryName,
  binaryRules,
  defineBlock,
  defineUnary,
  type Ops,
  reverse,
  type ScalarFn,
} from '../../src/index.js'
import { numbers } from '../../src/ops/index.js'
import { checkCodes, Interpreter } from '../../src/reverse/interpreter.js'
import { BINARY, BLOCK, CALL, Program, UNARY } from '../../src/reverse/program.js'
import { recordProgram } from '../../src/reverse/recording.js'
import { expectSameBits } from '../helpers/bits.js'
import { gradlabErr } from '../helpers/errors.js'

/*
 * The interpreter replays a recording where code cannot be generated. It
 * reads a dot whose factors are runs of consecutive values (a weight row
 * against an example) with two strided loops instead of its operand list;
 * these tests give it dots that are runs and dots that only nearly are, and
 * check the gradient against the dynamic tape's, bit for bit. Some choices
 * change only speed (which dots are runs, which partials are computed, when
 * the backward pass that skips zero products runs); those are checked on the
 * interpreter's own arrays.
 */

const point = (n: number, seed: number) =>
  Array.from({ length: n }, (_, i) => Math.sin(seed * (i + 1) * 1.618) * 1.5)

/** The interpreter's value and gradient, and its gradient alone, are the tape's at each point. */
function expectTapeGradient(f: ScalarFn, at: readonly (readonly number[])[]): void {
  const compiled = reverse.compile(f, at[0] as number[], { mode: 'interpreter' })
  expect(compiled.mode).toBe('interpreter')
  for (const x of at) {
    const expected = reverse.valueAndGradient(f, x)
    const actual = compiled.valueAndGradient(x)
    expect(Object.is(actual.value, expected.value)).toBe(true)
    expectSameBits(actual.gradient, expected.gradient)
    expectSameBits(compiled.gradient(x), expected.gradient)
  }
  expect(compiled.recordings).toBe(1)
}

const at = [point(16, 1), point(16, 2), point(16, 3)]

describe("the interpreter's dots of runs", () => {
  it('a run of inputs against a run of inputs: both factors get adjoints', () => {
    expectTapeGradient((m, x) => m.dot(x.slice(0, 8), x.slice(8, 16)), at)
  })
  it('a run against constants, and constants against a run', () => {
    const c = point(8, 5)
    expectTapeGradient((m, x) => m.dot(x.slice(0, 8), c), at)
    expectTapeGradient((m, x) => m.dot(c, x.slice(8, 16)), at)
  })
  it('a run of nodes (values of ops) against a run of inputs, scaled by another node', () => {
    const f: ScalarFn = <T>(m: Ops<T>, x: readonly T[]) => {
      const s = x.slice(0, 8).map((xi) => m.sin(xi))
      return m.mul(m.exp(x[15] as T), m.dot(s, x.slice(8, 16)))
    }
    expectTapeGradient(f, at)
  })
  it('the shortest run, two pairs, and dots that break a run in their last pair, in either factor', () => {
    expectTapeGradient((m, x) => m.dot([x[0], x[1]] as never, [x[4], x[5]] as never), at)
    expectTapeGradient((m, x) => m.dot(x.slice(0, 8), [...x.slice(8, 15), x[0]] as never), at)
    expectTapeGradient((m, x) => m.dot([...x.slice(0, 7), x[9]] as never, x.slice(8, 16)), at)
    // Consecutive in each factor but against one another's order.
    expectTapeGradient((m, x) => m.dot(x.slice(0, 8), x.slice(8, 16).reverse()), at)
  })
})

describe('the output is an input, or the first instruction', () => {
  it('f(x) = x[1]: the gradient is a unit vector, with no instruction to replay', () => {
    const compiled = reverse.compile((_m, x) => x[1] as never, [2, 3, 4], { mode: 'interpreter' })
    expectSameBits(compiled.gradient([5, 6, 7]), Float64Array.from([0, 1, 0]))
    expect(compiled.valueAndGradient([5, 6, 7]).value).toBe(6)
  })
  it('f(x) = x[0] x[1]: one instruction, the output', () => {
    expectTapeGradient(
      (m, x) => m.mul(x[0] as never, x[1] as never),
      [
        [2, 3],
        [-0.5, 7],
      ],
    )
  })
})

/** The interpreter's layout, which its fields keep private. */
interface Layout {
  readonly runX: Int32Array
  readonly runY: Int32Array
  readonly runYConstant: Uint8Array
}

/** An interpreter for f recorded at x, as reverse.compile makes one. */
function interpreterFor(f: ScalarFn, x: readonly number[]): Interpreter {
  const point = Float64Array.from(x)
  const { program, output } = recordProgram('test', point, f)
  return new Interpreter(program, point.length, output)
}

describe('which dots the interpreter reads as runs', () => {
  it('a dot of two or more pairs, each factor consecutive slots; not a sum, a single pair or a broken run', () => {
    const c = [0.5, -1, 2, 0.25]
    // Slots: inputs 0 to 7, then one per instruction (the seven terms and their sum: 8 to 15), then
    // the constants from 16.
    // A dot with the data first is recorded with the variables first.
    const f: ScalarFn = (m, x) =>
      m.sum([
        m.dot(x.slice(0, 4), x.slice(4, 8)), // 0: inputs against inputs
        m.dot(x.slice(0, 4), c), // 1: against the constants 16 to 19
        m.dot(c, x.slice(4, 8)), // 2: recorded as x[4..7] against the same constants
        m.dot([x[0], x[2], x[3], x[1]] as never, x.slice(4, 8)), // 3: not consecutive
        m.dot([x[0]] as never, [x[1]] as never), // 4: one pair
        m.sum([x[0], x[1], x[1], x[2]] as never), // 5: a sum, whose list would pass for a run
        m.dot([x[6], x[7]] as never, [x[0], x[1]] as never), // 6: two pairs
      ])
    const layout = interpreterFor(f, point(8, 1)) as unknown as Layout
    expect(Array.from(layout.runX)).toEqual([0, 0, 4, -1, -1, -1, 6, -1])
    expect(Array.from(layout.runY).slice(0, 3)).toEqual([4, 16, 16])
    expect(layout.runY[6]).toBe(0)
    expect(Array.from(layout.runYConstant)).toEqual([0, 1, 1, 0, 0, 0, 0, 0])
  })
  it("a run against constants leaves the constants' adjoints alone; any other dot adds into them too, unread", () => {
    const c = [0.5, -1, 2, 0.25]
    const run = interpreterFor((m, x) => m.dot(x, c), [1, 2, 3, 4])
    run.gradientAt(Float64Array.from([1, 2, 3, 4]))
    // Slots: inputs 0 to 3, the dot (4), the constants 5 to 8.
    expect(Array.from(run.inspect().adjoint.subarray(5, 9))).toEqual([0, 0, 0, 0])
    const scattered = interpreterFor(
      (m, x) => m.dot([x[1], x[0], x[2], x[3]] as never, c),
      [1, 2, 3, 4],
    )
    scattered.gradientAt(Float64Array.from([1, 2, 3, 4]))
    expect(Array.from(scattered.inspect().adjoint.subarray(5, 9))).toEqual([2, 1, 3, 4])
  })
})

describe('partials are computed only along operands that are nodes', () => {
  // A constant on either side, where the op's partial along it is not 0 (min takes the constant,
  // max the constant too), so a partial computed there would show.
  const constantFor: Record<BinaryName, number> = {
    add: 0.75,
    sub: 0.75,
    mul: 0.75,
    div: 0.75,
    pow: 0.75,
    atan2: 0.75,
    hypot: 0.75,
    min: 0.25,
    max: 3,
  }
  for (const op of BINARY_OPS) {
    it(`${op}: the constant's partial is left 0, the node's is the op table's`, () => {
      const k = constantFor[op]
      const x = [1.5, 2]
      const f: ScalarFn = (m, v) => m.add(m[op](v[0] as never, k), m[op](k, v[1] as never))
      const interpreter = interpreterFor(f, x)
      interpreter.forward(Float64Array.from(x))
      const { partials } = interpreter.inspect()
      const rule = binaryRules[op]
      const [a, b] = x as [number, number]
      // Instruction 0 is op(x0, k), instruction 1 op(k, x1): partials at 0, 1 and 2, 3.
      const alongK = [
        rule.partialB(numbers, a, k, rule.value(a, k)),
        rule.partialA(numbers, k, b, rule.value(k, b)),
      ]
      expect(alongK.every((p) => p !== 0)).toBe(true)
      expect([partials[1], partials[2]]).toEqual([0, 0])
      expect(partials[0]).toBe(rule.partialA(numbers, a, k, rule.value(a, k)))
      expect(partials[3]).toBe(rule.partialB(numbers, k, b, rule.value(k, b)))
    })
  }
})

describe('the backward pass that skips zero products', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })
  const guarded = () =>
    vi.spyOn(Interpreter.prototype as unknown as { guardedBackward: () => void }, 'guardedBackward')

  it("runs only when an input's adjoint is not finite", () => {
    const spy = guarded()
    const f: ScalarFn = (m, x) => m.sqrt(m.mul(x[0] as never, x[1] as never))
    const interpreter = interpreterFor(f, [1, 2])
    interpreter.gradientAt(Float64Array.from([1, 2]))
    interpreter.gradientAt(Float64Array.from([0.5, 3]))
    expect(spy).toHaveBeenCalledTimes(0)
    // sqrt's partial at 0 is infinite: 0 * Infinity in the plain pass.
    interpreter.gradientAt(Float64Array.from([0, 2]))
    expect(spy).toHaveBeenCalledTimes(1)
  })
  it('is not needed when the output is an input: its gradient is a unit vector', () => {
    const spy = guarded()
    const backward = vi.spyOn(
      Interpreter.prototype as unknown as { backward: () => void },
      'backward',
    )
    // An instruction is recorded (exp of x0), but the output is x1 itself.
    const f: ScalarFn = (m, x) => {
      m.exp(x[0] as never)
      return x[1] as never
    }
    const interpreter = interpreterFor(f, [1, 2])
    expectSameBits(interpreter.gradientAt(Float64Array.from([1, 2])), Float64Array.from([0, 1]))
    expect(backward).toHaveBeenCalledTimes(0)
    expect(spy).toHaveBeenCalledTimes(0)
  })
  it("gives the tape's gradient where a zero partial meets an infinite adjoint: unary, binary, dot, a block and a custom op", () => {
    // sqrt(y) at y = 0 has an infinite partial, so every node under it gets an infinite adjoint,
    // and a zero partial (x0 or x1 being 0) must add nothing, not 0 * Infinity = NaN.
    const viaMul: ScalarFn = (m, x) => m.sqrt(m.mul(x[0] as never, x[1] as never))
    const viaDot: ScalarFn = (m, x) => m.sqrt(m.dot([x[0], x[2]] as never, [x[1], x[3]] as never))
    const pair = defineBlock('pair', {
      value: ([a, b]) => [(a as number) * (b as number), (a as number) + (b as number)],
      vjp: ([a, b], _out, [ga, gb]) => [
        (ga as number) * (b as number) + (gb as number),
        (ga as number) * (a as number) + (gb as number),
      ],
    })
    const viaBlock: ScalarFn = (m, x) => {
      const [product, total] = pair(m, [x[0], x[1]] as never) as never as [never, never]
      return m.add(m.sqrt(product), m.mul(total, x[2] as never))
    }
    expectTapeGradient(viaMul, [
      [0, 0, 1, 1],
      [0, 2, 1, 1],
      [3, 0, 1, 1],
      [1, 2, 1, 1],
    ])
    expectTapeGradient(viaDot, [
      [0, 0, 0, 0],
      [0, 2, 0, 5],
      [1, 0, 0, 0],
      [0, 0, 1, 1],
    ])
    expectTapeGradient(viaBlock, [
      [0, 0, 1],
      [0, 2, 1],
      [1, 2, 1],
    ])
    // A custom op whose partial is infinite at 0, over a product with a zero partial.
    const cbrt = defineUnary('cbrt', {
      value: Math.cbrt,
      partial: (m, _a, out) => m.div(1, m.mul(3, m.square(out))),
    })
    const viaCustom: ScalarFn = (m, x) => cbrt(m, m.mul(x[0] as never, x[1] as never))
    expectTapeGradient(viaCustom, [
      [0, 0],
      [0, 2],
      [1, 2],
    ])
    // Not all zero: the pass adds the products that are not.
    expect(Array.from(reverse.gradient(viaMul, [0, 2, 1, 1]))).toEqual([Infinity, 0, 0, 0])
  })
})

describe("the interpreter's op codes", () => {
  it("are the program's for every op of the table; an op added without its case is reported when the module loads", () => {
    expect(() => checkCodes()).not.toThrow()
    expect(() => checkCodes({ ...UNARY, ...BINARY, erf: 29 })).toThrow(
      "gradlab internal error: the interpreter's code for erf is undefined, the program's 29: add it to Op in interpreter.ts.",
    )
    expect(() => checkCodes({ ...UNARY, tanh: 16 })).toThrow(
      "gradlab internal error: the interpreter's code for tanh is 15, the program's 16: add it to Op in interpreter.ts.",
    )
  })
  it('a custom op or block instruction whose rules are missing or of the other kind is an internal error', () => {
    const cube = defineUnary('cube', {
      value: (a) => a ** 3,
      partial: (m, a) => m.mul(3, m.square(a)),
    })
    const pair = defineBlock('pair', {
      value: ([a = 0]) => [a, a],
      vjp: (_xs, _out, [u = 0, w = 0]) => [u + w],
    })
    const f: ScalarFn = (m, [x]) => m.add(cube(m, x), (pair(m, [x]) as (typeof x)[])[0])
    const { program: recorded } = recordProgram('test', Float64Array.of(1), f)
    const custom = recorded.callees.get(0)
    const block = recorded.callees.get(1)
    expect(custom !== undefined && 'kind' in custom).toBe(true)
    expect(block !== undefined && 'first' in block).toBe(true)
    for (const [code, callee, message] of [
      [CALL, undefined, 'instruction 0 calls no custom op'],
      [CALL, block, 'instruction 0 calls no custom op'],
      [BLOCK, undefined, "instruction 0 is no block's output"],
      [BLOCK, custom, "instruction 0 is no block's output"],
    ] as const) {
      const program = new Program()
      program.operand(0, 1)
      program.end(code)
      if (callee !== undefined) program.callees.set(0, callee)
      const interpreter = new Interpreter(program, 1, 1)
      expect(() => interpreter.forward(Float64Array.from([1]))).toThrow(
        gradlabErr(Error, 'ERR_GRADLAB_INTERNAL', `gradlab internal error: ${message}`),
      )
    }
  })

  it('an instruction with a code it has no case for is an internal error, not a silent value', () => {
    const program = new Program()
    program.operand(0, 1)
    program.end(99)
    const interpreter = new Interpreter(program, 1, 1)
    expect(() => interpreter.forward(Float64Array.from([1]))).toThrow(
      'gradlab internal error: the interpreter has no case for op code 99; add one to Interpreter.forward.',
    )
  })
})

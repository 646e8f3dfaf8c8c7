import { describe, expect, it } from 'vitest'
import {
  BINARY_OPS,
  forward,
  numeric,
  type Ops,
  reverse,
  type ScalarFn,
  UNARY_OPS,
  type VectorFn,
} from '../src/index.js'
import { gradlabErr } from './helpers/errors.js'
import { strategies } from './helpers/strategies.js'

/*
 * Bad input gets a TypeError or RangeError whose message names the call and
 * says what was wrong, never a silent wrong answer. The casts below are what a
 * JavaScript caller (or a TypeScript caller with `any`) can do.
 */

// biome-ignore lint/suspicious/noExplicitAny: the point of these tests is input the types would reject
type Any = any
const sumOf: ScalarFn = (m, x) => m.sum(x)
const identity: VectorFn = (_m, x) => x

describe('bad points and directions', () => {
  for (const s of strategies) {
    const label = `${s.name}.gradient`
    it(`${s.name}: x that is not an array of numbers is a TypeError naming the call`, () => {
      expect(() => s.gradient(sumOf, 'abc' as Any)).toThrow(
        gradlabErr(
          TypeError,
          'ERR_GRADLAB_INVALID_POINT',
          `${label}: x must be an array or typed array of numbers, got a string ("abc").`,
        ),
      )
      expect(() => s.gradient(sumOf, 3 as Any)).toThrow(
        /For a function of one number, use derivative\(g, 3\)/,
      )
      expect(() => s.gradient(sumOf, [1, '2', 3] as Any)).toThrow(
        gradlabErr(
          TypeError,
          'ERR_GRADLAB_INVALID_POINT',
          `${label}: x[1] must be a number, got a string ("2").`,
        ),
      )
      expect(() => s.gradient(sumOf, [1, undefined] as Any)).toThrow(
        `${label}: x[1] must be a number, got undefined.`,
      )
      expect(() => s.gradient(sumOf, { length: 1, 0: 1 } as Any)).toThrow(TypeError)
      expect(() => s.gradient(sumOf, new BigInt64Array(2) as Any)).toThrow(TypeError)
    })

    it(`${s.name}: derivative needs one number, and says so when given an array`, () => {
      expect(() => s.derivative((m, x) => m.sin(x), [1] as Any)).toThrow(
        gradlabErr(
          TypeError,
          'ERR_GRADLAB_INVALID_POINT',
          `${s.name}.derivative: x must be a number, got an array of length 1. For a function of several inputs, use gradient(f, x).`,
        ),
      )
    })

    it(`${s.name}: a direction v or weights u of the wrong length is a RangeError`, () => {
      expect(() => s.jvp(identity, [1, 2], [1])).toThrow(
        gradlabErr(
          RangeError,
          'ERR_GRADLAB_LENGTH_MISMATCH',
          `${s.name}.jvp: v has length 1 but must have length 2 (one entry per input).`,
        ),
      )
      expect(() => s.vjp(identity, [1, 2], [1, 2, 3])).toThrow(
        gradlabErr(
          RangeError,
          'ERR_GRADLAB_LENGTH_MISMATCH',
          `${s.name}.vjp: u has length 3 but must have length 2 (one entry per output of F).`,
        ),
      )
    })

    it(`${s.name}: a function argument that is not a function is a TypeError`, () => {
      expect(() => s.gradient(null as Any, [1])).toThrow(
        `${label}: f must be a function (m, x) => ..., got null.`,
      )
    })
  }

  it('numeric: options are checked', () => {
    expect(() => numeric.gradient(sumOf, [1], { scheme: 'backward' as Any })).toThrow(
      `numeric.gradient: options.scheme must be 'central', 'forward' or 'richardson', got a string ("backward").`,
    )
    expect(() => numeric.gradient(sumOf, [1], { step: -1 })).toThrow(RangeError)
    expect(() => numeric.gradient(sumOf, [1], { step: 0 })).toThrow(RangeError)
  })
})

describe('functions that return the wrong thing', () => {
  for (const s of strategies) {
    const label = `${s.name}.gradient`
    it(`${s.name}: f returning an array is told to use jacobian`, () => {
      expect(() => s.gradient(identity as Any, [1, 2])).toThrow(
        gradlabErr(
          TypeError,
          'ERR_GRADLAB_INVALID_RESULT',
          `${label}: f returned an array of length 2; use jacobian, jvp or vjp for vector-valued functions.`,
        ),
      )
    })

    it(`${s.name}: f returning a Promise is refused: only synchronous functions are differentiated`, () => {
      expect(() => s.gradient((async (_m: unknown, x: unknown[]) => x[0]) as Any, [1])).toThrow(
        `${label}: f returned a Promise; gradlab differentiates synchronous functions only.`,
      )
    })

    it(`${s.name}: f returning something that is neither a value of the ops nor a number is a TypeError`, () => {
      for (const [bad, described] of [
        [undefined, 'undefined'],
        ['1', 'a string ("1")'],
        [{ value: 1 }, 'an object'],
      ] as const) {
        expect(() => s.gradient((() => bad) as Any, [1])).toThrow(
          `${label}: f returned ${described}; it must return values made by the ops it was given (m) or plain numbers.`,
        )
      }
    })

    it(`${s.name}: F that does not return an array is told to use gradient`, () => {
      expect(() => s.jacobian(sumOf as Any, [1, 2])).toThrow(
        gradlabErr(
          TypeError,
          'ERR_GRADLAB_INVALID_RESULT',
          `${s.name}.jacobian: F must return an array of outputs, got ${s.name === 'numeric' ? 'the number 3' : `a ${s.name === 'forward' ? 'Dual' : 'TapeVar'}`}. For a scalar function, use gradient; or return [value].`,
        ),
      )
      expect(() => s.jacobian(((_m: unknown, x: unknown[]) => [x[0], 'y']) as Any, [1, 2])).toThrow(
        `${s.name}.jacobian: F returned, at output 1, a string ("y")`,
      )
    })

    it(`${s.name}: ops given the wrong kind of argument name the op`, () => {
      expect(() => s.gradient((m) => m.sin('x' as Any), [1])).toThrow(
        `${label}: sin received a string ("x")`,
      )
      expect(() => s.gradient((m, x) => m.dot(x, [1]), [1, 2])).toThrow(
        gradlabErr(
          RangeError,
          'ERR_GRADLAB_LENGTH_MISMATCH',
          `${label}: dot received arrays of lengths 2 and 1; they must have the same length.`,
        ),
      )
      expect(() => s.gradient((m, x) => m.sum(x[0] as Any), [1])).toThrow(
        `${label}: sum expects an array, got`,
      )
    })

    it(`${s.name}: sum and dot name a bad element on either side, data first or parameters first`, () => {
      expect(() => s.gradient((m, x) => m.sum([x[0], 'y'] as Any), [1])).toThrow(
        `${label}: sum received a string ("y")`,
      )
      for (const bad of ['y', undefined, null, { value: 1, index: 0 }]) {
        const shown = bad === undefined ? 'undefined' : bad === null ? 'null' : ''
        expect(() => s.gradient((m, x) => m.dot(x, [1, bad] as Any), [1, 2])).toThrow(
          `${label}: dot received ${shown}`,
        )
        expect(() => s.gradient((m, x) => m.dot([1, bad] as Any, x), [1, 2])).toThrow(
          `${label}: dot received ${shown}`,
        )
        expect(() =>
          s.gradient((m, x) => m.dot([bad, x[0]] as Any, [x[1], 1] as Any), [1, 2]),
        ).toThrow(`${label}: dot received ${shown}`)
        // After a variable, where a row of parameters times data is expected.
        expect(() => s.gradient((m, x) => m.dot([x[0], bad] as Any, [1, 2]), [1, 2])).toThrow(
          `${label}: dot received ${shown}`,
        )
      }
    })
  }

  it('numeric: F whose output length changes with x is a RangeError', () => {
    const ragged = <T>(m: Ops<T>, x: readonly T[]) =>
      m.value(x[0] as T) > 1 ? [x[0] as T] : [x[0] as T, 1]
    expect(() => numeric.jacobian(ragged, [1])).toThrow(
      gradlabErr(
        RangeError,
        'ERR_GRADLAB_OUTPUT_LENGTH_CHANGED',
        'numeric.jacobian: F returned 1 outputs on one evaluation and 2 on another; its output length must not depend on x.',
      ),
    )
  })

  it('forward: F whose output length changes between passes is a RangeError', () => {
    let calls = 0
    const ragged: VectorFn = (_m, x) => (calls++ === 0 ? x : x.slice(1))
    expect(() => forward.jacobian(ragged, [1, 2])).toThrow(RangeError)
  })
})

describe('values kept from one evaluation are refused in another', () => {
  it('reverse: a tape variable kept from an earlier gradient call is an error, not a wrong number', () => {
    let kept: unknown
    reverse.gradient(
      (m, x) => {
        kept = x[0]
        return m.sum(x)
      },
      [1, 2],
    )
    expect(() => reverse.gradient((m, x) => m.mul(kept as Any, x[0] as Any), [3])).toThrow(
      'reverse.gradient: mul received a variable recorded in another evaluation',
    )
    expect(() => reverse.gradient(() => kept as Any, [3])).toThrow(
      'reverse.gradient: f returned a variable recorded in another evaluation',
    )
    // The n-ary ops check every element, on either side of a dot.
    for (const f of [
      (m: Ops<unknown>, x: readonly unknown[]) => m.dot([x[0], kept], [1, 2]),
      (m: Ops<unknown>, x: readonly unknown[]) => m.dot([1, 2], [x[0], kept]),
      (m: Ops<unknown>, x: readonly unknown[]) => m.dot([1, kept], [x[0], 2]),
      (m: Ops<unknown>, x: readonly unknown[]) => m.sum([x[0], kept]),
    ]) {
      expect(() => reverse.gradient(f as ScalarFn, [3])).toThrow(
        /reverse\.gradient: (dot|sum) received a variable recorded in another evaluation/,
      )
    }
  })

  it('forward: a dual number from another pass is an error (no perturbation confusion)', () => {
    let kept: unknown
    // A gradient takes one pass per input: a dual kept from the first pass is refused in the second.
    expect(() =>
      forward.gradient(
        (m, x) => {
          kept ??= x[0]
          return m.mul(x[1] as Any, kept as Any)
        },
        [1, 2],
      ),
    ).toThrow('forward.gradient: mul received a dual number from another forward pass')
    // And so is it in any later call.
    expect(() => forward.derivative((m, x) => m.add(x, kept as Any), 1)).toThrow(
      'forward.derivative: add received a dual number from another forward pass',
    )
  })

  it("forward: an enclosing derivative's dual used inside a nested derivative is refused", () => {
    expect(() =>
      forward.derivative(
        (m, x) =>
          m.mul(
            x,
            forward.derivative((n, y) => n.mul(y, x as Any), 1),
          ),
        2,
      ),
    ).toThrow('forward.derivative: mul received a dual number from another forward pass')
  })

  it("reverse: an enclosing evaluation's variable used inside a nested gradient is refused", () => {
    expect(() =>
      reverse.derivative(
        (m, x) =>
          m.mul(
            x,
            reverse.derivative((n, y) => n.mul(y, x as Any), 1),
          ),
        2,
      ),
    ).toThrow('reverse.derivative: mul received a variable recorded in another evaluation')
  })

  it("a value of one strategy passed to another strategy's ops is refused by name", () => {
    let dual: unknown
    forward.derivative((_m, x) => {
      dual = x
      return x
    }, 1)
    expect(() => reverse.gradient((m, x) => m.add(x[0] as Any, dual as Any), [1])).toThrow(
      'reverse.gradient: add received a Dual; expected a value made by these ops or a plain number.',
    )
    expect(() => numeric.gradient((m, x) => m.add(x[0] as Any, dual as Any), [1])).toThrow(
      'numeric.gradient: add received a Dual, but these ops compute with plain numbers.',
    )
  })
})

describe('every op names itself when it refuses an operand', () => {
  // Each strategy's ops are written one per op; a copied line naming the
  // wrong op would send the user looking in the wrong place.
  for (const s of strategies) {
    it(`${s.name}: each unary op, and each binary op in either argument`, () => {
      const call = (op: string, args: (x: unknown) => unknown[]) => () =>
        s.gradient((m, [x]) => (m as Any)[op](...args(x)), [0.5])
      for (const op of UNARY_OPS) {
        expect(call(op, () => ['text'])).toThrow(`${s.name}.gradient: ${op} received a string`)
      }
      for (const op of BINARY_OPS) {
        expect(call(op, (x) => ['text', x])).toThrow(`${s.name}.gradient: ${op} received a string`)
        expect(call(op, (x) => [x, 'text'])).toThrow(`${s.name}.gradient: ${op} received a string`)
      }
    })
  }
})

describe("values of the ops cannot silently become NaN in JavaScript's own arithmetic", () => {
  for (const s of [forward, reverse]) {
    it(`${s.name}: comparing a value with > or adding with + is a TypeError that points to m.value`, () => {
      expect(() => s.gradient((m, [a]) => ((a as Any) > 0 ? a : m.neg(a)), [1])).toThrow(
        /was used as a plain number \(in a comparison or in arithmetic with \+ - \* \/\)\. Read its value with m\.value\(x\)/,
      )
      expect(() => s.gradient((_m, [a]) => (a as Any) + 1, [1])).toThrow(TypeError)
    })

    it(`${s.name}: in a string a value describes itself`, () => {
      let text = ''
      s.gradient(
        (m, [a]) => {
          text = `${a}`
          return m.sin(a)
        },
        [2],
      )
      expect(text).toMatch(/^(Dual\(value 2, tangent 1\)|TapeVar\(value 2, node 0\))$/)
    })
  }
})

describe('more bad input, named by the call', () => {
  it('numeric: an array is not an options object', () => {
    expect(() => numeric.gradient(sumOf, [1], [] as Any)).toThrow(
      "numeric.gradient: options must be an object such as { scheme: 'forward' }, got an array of length 0.",
    )
  })

  it('numeric: a step too small to move x is a RangeError, not a silent NaN', () => {
    expect(() => numeric.gradient(sumOf, [1], { step: 1e-20 })).toThrow(
      'numeric.gradient: the step 1e-20 is too small to move x in floating point (x + h == x)',
    )
  })

  for (const s of [forward, reverse]) {
    it(`${s.name}: m.constant given a non-number names the call`, () => {
      expect(() => s.gradient((m) => m.constant('1' as Any), [1])).toThrow(
        `${s.name}.gradient: constant received a string ("1")`,
      )
    })
  }
})

describe('options passed to a method that has none', () => {
  // JavaScript drops extra arguments silently; these methods say so instead.
  const point = [1, 2]
  const calls: readonly [string, number, (extra: unknown) => unknown][] = [
    [
      'forward.derivative',
      2,
      (o) => (forward.derivative as Any)((m: Any, x: Any) => m.sin(x), 1, o),
    ],
    ['forward.jvp', 3, (o) => (forward.jvp as Any)(identity, point, [1, 0], o)],
    [
      'reverse.derivative',
      2,
      (o) => (reverse.derivative as Any)((m: Any, x: Any) => m.sin(x), 1, o),
    ],
    ['reverse.gradient', 2, (o) => (reverse.gradient as Any)(sumOf, point, o)],
    ['reverse.valueAndGradient', 2, (o) => (reverse.valueAndGradient as Any)(sumOf, point, o)],
    ['reverse.jacobian', 2, (o) => (reverse.jacobian as Any)(identity, point, o)],
    ['reverse.jvp', 3, (o) => (reverse.jvp as Any)(identity, point, [1, 0], o)],
    ['reverse.vjp', 3, (o) => (reverse.vjp as Any)(identity, point, [1, 0], o)],
    ['reverse.hessian', 2, (o) => (reverse.hessian as Any)(sumOf, point, o)],
    ['reverse.hvp', 3, (o) => (reverse.hvp as Any)(sumOf, point, [1, 0], o)],
    [
      'reverse.valueGradientAndHessian',
      2,
      (o) => (reverse.valueGradientAndHessian as Any)(sumOf, point, o),
    ],
    [
      'reverse.compiled.gradient',
      1,
      (o) => (reverse.compile(sumOf, point).gradient as Any)(point, o),
    ],
    [
      'reverse.compiled.valueAndGradient',
      1,
      (o) => (reverse.compile(sumOf, point).valueAndGradient as Any)(point, o),
    ],
  ]
  for (const [label, takes, call] of calls) {
    it(`${label}: an options object is a TypeError naming the call; undefined is accepted`, () => {
      expect(() => call({ chunkSize: 4 })).toThrow(
        gradlabErr(
          TypeError,
          'ERR_GRADLAB_INVALID_OPTIONS',
          `${label} takes ${takes} argument${takes === 1 ? '' : 's'} and no options, but argument ${takes + 1} is an object.`,
        ),
      )
      expect(() => call(null)).toThrow(`but argument ${takes + 1} is null.`)
      expect(() => call(undefined)).not.toThrow()
    })
  }
})

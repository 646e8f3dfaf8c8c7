import { execFileSync } from 'node:child_process'
import { join, resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'

/*
 * The programs in examples/ as a user runs them: each in its own process, importing
 * 'gradlab' by name from the dist/ that test/setup/build.ts built. The assertions are
 * facts known without gradlab (the true parameters of a fit, which partial was written
 * wrong, the op counts of a function), never timings.
 */

const root = resolve(import.meta.dirname, '..')
const TIMEOUT = 30_000

function run(name: string): string[] {
  const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs')
  const out = execFileSync('node', [tsx, join('examples', `${name}.ts`)], {
    cwd: root,
    encoding: 'utf8',
  })
  return out.trimEnd().split('\n')
}

/** The numbers of a line, in order. */
const numbers = (line: string) => (line.match(/-?\d+(\.\d+)?(e[-+]?\d+)?/g) ?? []).map(Number)

describe('examples/train-network.ts', () => {
  let lines: string[] = []
  beforeAll(() => {
    lines = run('train-network')
  }, TIMEOUT)

  it('training the course network by gradient descent lowers its loss below 1e-3 from a first loss above 0.1', () => {
    const [final, first] = numbers(lines.find((l) => l.startsWith('final loss:')) ?? '')
    expect(first).toBeGreaterThan(0.1)
    expect(final).toBeLessThan(1e-3)
  })

  it('the loss printed every 250 steps never rises', () => {
    const curve = lines.filter((l) => /^\s*\d+\s/.test(l)).map((l) => numbers(l)[1] as number)
    expect(curve).toHaveLength(9)
    for (let k = 1; k < curve.length; k++)
      expect(curve[k]).toBeLessThanOrEqual(curve[k - 1] as number)
  })

  it('the gradient compiled once gives the same loss curve as the one recorded at every step', () => {
    const rows = lines.filter((l) => /^\s*\d+\s/.test(l)).map(numbers)
    for (const [, dynamic, compiled] of rows) expect(compiled).toBe(dynamic)
    expect(lines).toContain('compiled curve identical to dynamic: true (1 recording)')
  })
})

describe('examples/fit-curve.ts', () => {
  let lines: string[] = []
  beforeAll(() => {
    lines = run('fit-curve')
  }, TIMEOUT)

  it('Gauss-Newton with forward.jacobian recovers the true a = 2.5, b = 1.3, c = 0.5 to 1e-8', () => {
    const recovered = numbers(lines.find((l) => l.startsWith('recovered')) ?? '')
    expect(recovered).toHaveLength(3)
    const truth = [2.5, 1.3, 0.5]
    recovered.forEach((p, i) => {
      expect(Math.abs(p - (truth[i] as number))).toBeLessThan(1e-8)
    })
  })

  it('converges within 12 iterations, its sum of squares falling to below 1e-20', () => {
    const iterations = lines.filter((l) => /^\s*\d+\s/.test(l)).map((l) => numbers(l)[1] as number)
    expect(iterations.length).toBeLessThanOrEqual(13)
    expect(iterations.at(-1)).toBeLessThan(1e-20)
  })
})

describe('examples/check-gradient.ts', () => {
  let lines: string[] = []
  beforeAll(() => {
    lines = run('check-gradient')
  }, TIMEOUT)

  it("gradcheck passes gradlab's own derivatives of f(x, y, z) = sin(x y) + z^2 exp(x)", () => {
    expect(lines[0]).toMatch(/^gradcheck: passed;/)
  })

  it('the correct hand-written gradient agrees with reverse mode and central differences in every entry', () => {
    const block = lines.slice(lines.indexOf('byHand:'), lines.indexOf('withSlip:'))
    expect(block.filter((l) => l.endsWith(' ok'))).toHaveLength(3)
    expect(block).toContain('  all entries agree')
  })

  it('the hand-written gradient with d/dz z^2 written as z is caught, and only df/dz is named', () => {
    const block = lines.slice(lines.indexOf('withSlip:'), -2)
    expect(block.filter((l) => l.endsWith('WRONG'))).toEqual([expect.stringMatching(/^\s*df\/dz /)])
    expect(block.at(-1)).toBe('  wrong: df/dz')
  })

  it("gradcheck's gradient option passes the correct gradient and names df/dx2 (z) of the slip, off by a factor 2", () => {
    expect(lines.at(-2)).toMatch(/^gradcheck: passed; worst df\/dx\d from your gradient: /)
    const slip =
      /^gradcheck: 3 of 9 failed; worst df\/dx2 from your gradient: (\S+) vs forward mode (\S+) /.exec(
        lines.at(-1) ?? '',
      )
    expect(slip).not.toBeNull()
    expect(Number(slip?.[2]) / Number(slip?.[1])).toBeCloseTo(2, 12)
  })
})

describe('examples/forward-vs-reverse.ts', () => {
  let rows: number[][] = []
  beforeAll(() => {
    rows = run('forward-vs-reverse').slice(1).map(numbers)
  }, TIMEOUT)

  /*
   * For F_i(x) = sin(s (i + 1) / m), s = sum_j x_j^2: one evaluation is n squares, a sum of n,
   * m products and m sines (2n + 2m ops), each with one local partial per variable input
   * (2n + 2m edges). Forward mode makes n passes of both; reverse mode evaluates once and
   * walks the edges m times.
   */
  const expected = (n: number, m: number) => ({
    forward: n * (4 * n + 4 * m),
    reverse: (2 * n + 2 * m) * (1 + m),
  })

  it('the work counted is n (E + edges) for forward mode and E + m edges for reverse mode', () => {
    expect(rows).toHaveLength(3)
    for (const [n, m, forward, reverse] of rows) {
      expect({ forward, reverse }).toEqual(expected(n as number, m as number))
    }
  })

  it('forward mode does less work than reverse mode for a Jacobian of 2 inputs and 1,000 outputs', () => {
    const [, , forward, reverse] = rows.find(([n, m]) => n === 2 && m === 1000) ?? []
    expect(forward).toBeLessThan((reverse as number) / 100)
  })

  it('reverse mode does less work than forward mode for a Jacobian of 1,000 inputs and 2 outputs', () => {
    const [, , forward, reverse] = rows.find(([n, m]) => n === 1000 && m === 2) ?? []
    expect(reverse).toBeLessThan((forward as number) / 100)
  })
})

it(
  'every example type-checks as a strict user project (noUncheckedIndexedAccess, exactOptionalPropertyTypes) against the built declarations',
  () => {
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
    expect(() =>
      execFileSync('node', [tsc, '-p', 'examples'], { cwd: root, encoding: 'utf8' }),
    ).not.toThrow()
  },
  2 * TIMEOUT, // tsc takes about 10 s on a quiet machine
)

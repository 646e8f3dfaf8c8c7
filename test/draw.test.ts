import { afterEach, describe, expect, it, vi } from 'vitest'
import { isGradlabError, named, type Ops, reverse } from '../src/index.js'

/*
 * gradlab/draw: traces as SVG laid out by Graphviz (@viz-js/viz). The
 * pictures are checked for what they must show: every node's label and every
 * edge, the highlighted shared factors, and a clear error when the optional
 * dependency is missing.
 */

const c = reverse.trace((m, [a, b]) => m.pow(m.sub(a, b), 2), [2, 0], { names: ['a', 'b'] })

/** The text of every <text> element, in order, with Graphviz's numeric entities (&#45; for '-') decoded. */
const texts = (svg: string) =>
  [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
    (m[1] ?? '').replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))),
  )

afterEach(() => {
  vi.doUnmock('@viz-js/viz')
  vi.resetModules()
})

describe('traceToSvg', () => {
  it('draws every node with its value and adjoint and every edge with its partial', async () => {
    const { traceToSvg } = await import('../src/draw/index.js')
    const svg = await traceToSvg(c)
    expect(svg.startsWith('<svg')).toBe(true)
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true)
    const shown = texts(svg)
    for (const line of ['a', 'b', 'sub', 'pow(·, 2)', 'value 4', 'adjoint 1', 'adjoint -4']) {
      expect(shown).toContain(line)
    }
    // The three edges' labels: d pow/d sub = 4, d sub/d b = -1, d sub/d a = 1.
    expect((svg.match(/class="edge"/g) ?? []).length).toBe(3)
    expect(shown.filter((t) => ['4', '-1', '1'].includes(t)).sort()).toEqual(['-1', '1', '4'])
    // Non-zero size from the layout.
    const [, width, height] = /<svg width="(\d+)pt" height="(\d+)pt"/.exec(svg) ?? []
    expect(Number(width)).toBeGreaterThan(50)
    expect(Number(height)).toBeGreaterThan(100)
  })

  it('highlights the shared factors of the named chain rule', async () => {
    const { traceToSvg } = await import('../src/draw/index.js')
    const f = <T>(m: Ops<T>, [a, b]: readonly T[]) =>
      m.square(named(m.mul(named(m.add(a as T, b as T), 'u'), 3), 'v'))
    const t = reverse.trace(f, [1, 2], { names: ['a', 'b'] })
    const svg = await traceToSvg(t, { named: true, shared: ['a', 'b'] })
    // Output -> v and v -> u are on the paths to both a and b; u -> a and u -> b are not.
    expect((svg.match(/stroke="#d62728"/g) ?? []).length).toBe(2 * 2) // each edge's path and arrowhead
  })

  it('says which package to install when @viz-js/viz cannot be loaded', async () => {
    vi.resetModules()
    vi.doMock('@viz-js/viz', () => {
      throw new Error("Cannot find package '@viz-js/viz'")
    })
    const { traceToSvg } = await import('../src/draw/index.js')
    const error = await traceToSvg(c).then(
      () => null,
      (e: unknown) => e,
    )
    expect(isGradlabError(error, 'ERR_GRADLAB_MISSING_DEPENDENCY')).toBe(true)
    expect((error as Error).message).toMatch(
      /^traceToSvg: gradlab\/draw lays out its pictures with Graphviz from the package @viz-js\/viz, which could not be loaded \(.*\)\. Install it: npm install @viz-js\/viz$/,
    )
  })
})

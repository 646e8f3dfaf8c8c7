import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { targetFindings, verdictText } from '../bench/report/findings-targets.js'
import { formatAgainst, formatValue, seconds } from '../bench/report/format.js'
import { targetNotes } from '../bench/report/notes.js'
import { type Measured, quoteValue } from '../bench/report/quote.js'
import type {
  HessianCountCase,
  Method,
  Results,
  Strategy,
  TargetPair,
  TimedCase,
} from '../bench/report/schema.js'
import { processTable } from '../bench/report/tables.js'
import { validateResults } from '../bench/report/validate.js'
import { summarize } from '../bench/run/measure.js'
import { FORWARD_REFERENCE_LIMIT } from '../bench/run/references.js'
import { pooled } from '../bench/targets/collect.js'
import { roundRatios, timedRatios } from '../bench/targets/judge.js'

/*
 * Runs the report generator as `npm run report` does, at its smallest size
 * (--smoke), into a temporary folder, and checks what it wrote.
 */

const root = path.resolve(import.meta.dirname, '..')
const CHARTS = [
  'targets',
  'gradient',
  'counts',
  'jacobian',
  'hessian',
  'hessian-counts',
  'memory',
  'accuracy',
  'peers',
]
const TARGETS = [
  'compiled-hand-ackley',
  'compiled-hand-rosenbrock',
  'compiled-hand-network-scalar',
  'compiled-hand-network-dot',
  'compiled-native-ackley',
  'compiled-native-rosenbrock',
  'compile-cold-ackley',
  'compile-cold-rosenbrock',
  'compile-cold-network-scalar',
  'reverse-native-ackley',
  'reverse-native-rosenbrock',
  'reverse-hand-network-scalar',
  'reverse-hand-network-dot',
  'tape-bytes',
  'forward-ackley',
  'richardson-error',
  'central-evaluations',
  'peer-tfjs-cpu',
  'peer-tfjs-wasm',
]
let out = ''
let results: Results
let html = ''
let markdown = ''

beforeAll(async () => {
  out = await mkdtemp(path.join(tmpdir(), 'gradlab-report-'))
  await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'bench/report.ts', '--smoke', '--out', out],
    { cwd: root, maxBuffer: 1 << 24 },
  )
  results = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8'))
  html = await readFile(path.join(out, 'index.html'), 'utf8')
  markdown = await readFile(path.join(out, 'REPORT.md'), 'utf8')
}, 180_000)

afterAll(async () => {
  if (out !== '') await rm(out, { recursive: true, force: true })
})

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

describe('npm run report -- --smoke', () => {
  it('should write the page, the Markdown, the results and every chart', async () => {
    for (const file of [
      'index.html',
      'REPORT.md',
      'results.json',
      ...CHARTS.map((c) => `charts/${c}.svg`),
    ]) {
      expect((await stat(path.join(out, file))).size, file).toBeGreaterThan(0)
    }
  })

  it('should open with a table of contents and a summary, then the backward pass, and end with the methodology', () => {
    const order = [
      'Summary',
      'The backward pass',
      'Performance targets',
      'All findings',
      'Charts',
      'Tables',
      'How this was measured',
    ]
    const h2 = [...markdown.matchAll(/^## (.*)$/gm)].map((m) => m[1])
    expect(h2).toEqual(order)
    expect([...html.matchAll(/<h2 id="[^"]*">([^<]*)<\/h2>/g)].map((m) => m[1])).toEqual(order)
    // Every entry of the contents links to a heading of the page.
    const links = [...html.matchAll(/<nav>[\s\S]*?<\/nav>/g)][0]?.[0] ?? ''
    const ids = [...links.matchAll(/href="#([^"]+)"/g)].map((m) => m[1])
    expect(ids).toHaveLength(order.length)
    for (const id of ids) expect(html).toContain(`<h2 id="${id}">`)
    // The summary quotes the run's findings and the targets' verdict count.
    const summary = markdown.slice(
      markdown.indexOf('## Summary'),
      markdown.indexOf('## The backward pass'),
    )
    const met = (results.targets ?? []).filter((t) => t.verdict === 'met').length
    expect(summary).toContain(`${met} of ${results.targets?.length} performance targets were met`)
    for (const topic of ['gradient', 'counts', 'hessian', 'peers']) {
      const first = results.findings.find((f) => f.topic === topic)
      expect(summary, topic).toContain(first?.text)
    }
  })

  it('should draw the backward-pass figures from traces, with the counts in their captions', async () => {
    for (const name of ['backward-network', 'backward-c']) {
      const svg = await readFile(path.join(out, 'charts', `${name}.svg`), 'utf8')
      expect(svg.startsWith('<svg'), name).toBe(true)
      expect(html).toContain(`<figure id="figure-${name}">`)
      expect(markdown).toContain(`(charts/${name}.svg)`)
    }
    expect(markdown).toContain(
      'All six derivatives take 14 multiplications by the chain rule applied to each parameter separately and 10 by backpropagation over these values; over every op of the recording, 36 against 18.',
    )
  })

  it('should give every element of the page an id of its own', () => {
    const ids = [...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1])
    expect(ids.length).toBeGreaterThan(10)
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([])
  })

  it('should label the targets chart in words, not with target ids', async () => {
    const svg = await readFile(path.join(out, 'charts', 'targets.svg'), 'utf8')
    for (const id of TARGETS) expect(svg, id).not.toContain(`${id}:`)
    expect(svg).toContain('compiled gradient / hand-written gradient, Ackley: at most 1.5x')
  })

  it('should inline every chart as SVG in the page and link each image from the Markdown', () => {
    for (const chart of CHARTS) {
      expect(html).toMatch(
        new RegExp(
          `<figure id="chart-${chart}"><figcaption>[^<]*</figcaption><svg[\\s\\S]*?</svg></figure>`,
        ),
      )
      expect(markdown).toContain(`(charts/${chart}.svg)`)
    }
  })

  it('should give every Markdown table row as many cells as its header', () => {
    const tables = markdown.split(/\n\n+/).filter((block) => block.startsWith('| '))
    expect(tables.length).toBeGreaterThan(5)
    for (const table of tables) {
      const cells = table.split('\n').map((row) => row.split(' | ').length)
      expect(new Set(cells).size, table.split('\n')[0]).toBe(1)
    }
  })

  it('should hold no external URL in the page, so it opens offline', () => {
    expect(html).not.toMatch(/https?:\/\//)
    expect(html).not.toMatch(/<script|<link|<img|<iframe/i)
  })

  it('should write results.json in its declared shape', () => {
    expect(validateResults(results)).toEqual([])
    expect(results.meta.mode).toBe('smoke')
  })

  it('should verify every measured case against reverse mode within its tolerance', () => {
    const measured = results.timings.filter((c) => c.status === 'measured')
    expect(measured.length).toBeGreaterThan(0)
    for (const c of measured) {
      expect(c.verification, `${c.suite} ${c.workload} ${c.method} n=${c.n}`).not.toBeNull()
      expect(c.verification?.error).toBeLessThanOrEqual(c.verification?.tolerance ?? -1)
      expect(c.timing?.samples.length).toBeGreaterThan(0)
    }
  })

  it('should check second derivatives against another method, never their own, and divide hvp times by reverse-mode gradients', () => {
    const expected = (method: Strategy, n: number) =>
      method === 'numeric'
        ? { against: 'reverse mode', tolerance: 1e-6 }
        : method === 'forward'
          ? { against: 'reverse mode', tolerance: 1e-9 }
          : {
              against:
                n <= FORWARD_REFERENCE_LIMIT
                  ? 'forward mode (forward over forward)'
                  : 'reverse over reverse',
              tolerance: 1e-9,
            }
    for (const suite of ['hessian', 'hvp'] as const) {
      const cases = results.timings.filter((c) => c.suite === suite)
      for (const method of ['reverse', 'forward', 'numeric'] as const) {
        const own = cases.filter((c) => c.method === method)
        // The smallest size of each suite is measured by every method.
        expect(own[0]?.status, `${suite} ${method}: ${own[0]?.reason}`).toBe('measured')
        for (const c of own.filter((d) => d.status === 'measured')) {
          expect(c.workload).toBe('network')
          expect(c.verification, `${suite} ${method} n=${c.n}`).toMatchObject(expected(method, c.n))
        }
      }
    }
    const perGradient = results.findings.find((f) =>
      f.text.includes("reverse mode's Hessian-vector product"),
    )
    const suites = (perGradient?.quotes ?? [])
      .flatMap((q) => [q.path, q.per])
      .map((p) => /^timings\.(\d+)\./.exec(p ?? '')?.[1])
      .filter((i) => i !== undefined)
      .map((i) => {
        const c = results.timings[Number(i)]
        return `${c?.suite} ${c?.method}`
      })
    expect(new Set(suites)).toEqual(new Set(['hvp reverse', 'gradient reverse']))
  })

  it('should give a reason, and no time, for every case not run', () => {
    for (const c of results.timings.filter((t) => t.status !== 'measured')) {
      expect(c.reason).toMatch(/^(not run|failed): /)
      expect(c.timing).toBeNull()
    }
  })

  it('should quote in each sentence only numbers that results.json holds', () => {
    expect(new Set(results.findings.map((f) => f.topic))).toEqual(
      new Set([
        'gradient',
        'counts',
        'jacobian',
        'hessian',
        'memory',
        'accuracy',
        'peers',
        'targets',
      ]),
    )
    for (const finding of results.findings) {
      expect(finding.quotes.length, finding.text).toBeGreaterThan(0)
      for (const quote of finding.quotes) {
        const value = quoteValue(results, quote)
        expect(value, `${quote.path} in "${finding.text}"`).toBe(quote.value)
        expect(formatValue(quote.unit, value)).toBe(quote.shown)
        expect(finding.text).toContain(quote.shown)
      }
      expect(markdown).toContain(finding.text)
      expect(html).toContain(escapeHtml(finding.text))
    }
  })

  it('should judge every performance target from a measured value, met exactly when the value is on the right side of the target', () => {
    expect(results.targets.map((t) => t.id)).toEqual(TARGETS)
    for (const t of results.targets) {
      expect(t.verdict, `${t.id}: ${t.reason}`).not.toBe('not measured')
      const measured = t.measured as number
      expect(Number.isFinite(measured), t.id).toBe(true)
      const onSide = (v: number) => (t.comparison === 'at most' ? v <= t.target : v > t.target)
      expect(t.verdict, t.id).toBe(onSide(measured) ? 'met' : 'not met')
      if (t.low !== null && t.high !== null) {
        expect(t.low, t.id).toBeLessThanOrEqual(t.high)
      }
    }
  })

  it('should compute each timed target from the medians of cases measured in separate processes', () => {
    expect(results.targetChecks.rounds).toBe(1)
    const median = (i: number) => results.timings[i]?.timing?.median as number
    for (const t of results.targets.filter((t) => t.pairs.length > 0)) {
      expect(t.pairs.length, t.id).toBe(1)
      const p = t.pairs[0] as TargetPair
      const a = results.timings[p.numerator]
      expect(a?.suite, t.id).toBe('target')
      expect(a?.n, t.id).toBe(p.n)
      if (p.denominator < 0) {
        // A cold compile: one side, in seconds.
        expect(a?.method, t.id).toBe('compile')
        expect(t.measured, t.id).toBe(median(p.numerator))
        continue
      }
      const b = results.timings[p.denominator]
      expect(b?.suite, t.id).toBe('target')
      expect(a?.method, t.id).not.toBe(b?.method)
      expect(b?.n, t.id).toBe(p.n)
      expect(t.measured, t.id).toBe(median(p.numerator) / (p.scale * median(p.denominator)))
    }
  })

  it('should check compiled gradients and native values against reverse mode to 1e-12 before timing them', () => {
    const cases = results.timings.filter(
      (c) =>
        c.suite === 'target' &&
        (c.method === 'compiled' || c.method === 'interpreter' || c.method === 'native'),
    )
    expect(new Set(cases.map((c) => c.method))).toEqual(
      new Set(['compiled', 'interpreter', 'native']),
    )
    expect(cases.length).toBeGreaterThan(0)
    for (const c of cases) {
      expect(c.verification?.tolerance).toBe(1e-12)
      expect(c.verification?.error).toBeLessThanOrEqual(1e-12)
    }
  })

  it('should compute the non-timed targets from the raw checks: tape bytes per op, Richardson error, 2n + 1 evaluations', () => {
    const byId = new Map(results.targets.map((t) => [t.id, t]))
    const tape = results.targetChecks.tape.find((t) => t.workload === 'rosenbrock')
    expect(tape).toBeDefined()
    expect(tape?.bytes).toBe(12 * (tape?.edges ?? 0) + 8 * (tape?.nodes ?? 0))
    expect(byId.get('tape-bytes')?.measured).toBe((tape?.bytes ?? 0) / (tape?.ops ?? 1))
    const errors = results.targetChecks.richardson.map((c) => c.error)
    expect(errors.length).toBeGreaterThan(2)
    expect(byId.get('richardson-error')?.measured).toBe(Math.max(...errors))
    for (const e of results.targetChecks.evaluations) {
      expect(e.calls).toBe(2 * e.n + 1)
      expect(e.ops).toBe(e.calls * e.plainOps)
    }
    const last = results.targetChecks.evaluations.at(-1)
    expect(byId.get('central-evaluations')?.measured).toBe((last?.ops ?? 0) / (last?.plainOps ?? 1))
    expect(byId.get('central-evaluations')?.target).toBe(2 * (last?.n ?? 0) + 1)
  })

  it('should state every target in the Performance targets section with its verdict', () => {
    const sentences = results.findings.filter((f) => f.topic === 'targets')
    expect(sentences.length).toBe(results.targets.length)
    results.targets.forEach((t, k) => {
      const text = sentences[k]?.text ?? ''
      const paths = sentences[k]?.quotes.map((q) => q.path) ?? []
      expect(paths).toContain(`targets.${k}.measured`)
      expect(paths).toContain(`targets.${k}.target`)
      expect(text).toContain(
        t.verdict === 'met'
          ? ': met.'
          : `not met (measured ${formatAgainst(t.unit, t.measured as number, t.target)}, target ${formatValue(t.unit, t.target)})`,
      )
    })
    const section = markdown.slice(
      markdown.indexOf('## Performance targets'),
      markdown.indexOf('## Findings'),
    )
    for (const f of sentences) expect(section).toContain(f.text)
  })

  it('should count one reverse gradient as a small multiple of one evaluation, and forward mode as n', () => {
    for (const c of results.counts) {
      if (c.strategy === 'reverse') expect(c.ratio).toBeLessThan(4)
      if (c.strategy === 'forward') expect(c.ops).toBe(c.n * c.plainOps)
      if (c.strategy === 'numeric') expect(c.ops).toBe((2 * c.n + 1) * c.plainOps)
    }
  })

  it('should count a Hessian by forward over reverse as n small multiples of an evaluation, by second differences as 2n^2 + 1', () => {
    expect(new Set(results.hessianCounts.map((c) => c.workload))).toEqual(
      new Set(['ackley', 'rosenbrock', 'network']),
    )
    for (const c of results.hessianCounts) {
      if (c.strategy === 'reverse') expect(c.ratio / c.n).toBeLessThan(3)
      if (c.strategy === 'numeric') expect(c.ops).toBe((2 * c.n * c.n + 1) * c.plainOps)
    }
    // Forward over forward carries n inner directions in each of n outer passes.
    for (const workload of ['ackley', 'rosenbrock', 'network']) {
      const fwd = results.hessianCounts
        .filter((c) => c.workload === workload && c.strategy === 'forward')
        .sort((a, b) => a.n - b.n)
      expect(fwd.length).toBeGreaterThan(1)
      for (let i = 1; i < fwd.length; i++) {
        const [a, b] = [fwd[i - 1], fwd[i]] as [HessianCountCase, HessianCountCase]
        expect(b.ratio / b.n).toBeGreaterThan(a.ratio / a.n)
      }
    }
  })

  it('should record a reverse tape that grows with n, and measure every strategy at every memory size', () => {
    const reverse = results.memory.filter((c) => c.method === 'reverse').sort((a, b) => a.n - b.n)
    expect(reverse.length).toBeGreaterThan(1)
    for (let i = 1; i < reverse.length; i++) {
      expect(reverse[i]?.tape?.nodes).toBeGreaterThan(reverse[i - 1]?.tape?.nodes ?? Infinity)
    }
    for (const c of results.memory) {
      expect(c.status, `${c.method} n=${c.n}: ${c.reason}`).toBe('measured')
      expect(c.scope).toBe(c.method === 'reverse' ? 'whole gradient' : 'first evaluation')
      // Never a negative size: one the measure cannot resolve is null, with the reason.
      if (c.liveBytes === null) expect(c.reason).toMatch(/below what this measure resolves/)
      else expect(c.liveBytes).toBeGreaterThanOrEqual(0)
    }
  })

  it('should render the same report again from its results.json alone (--from)', async () => {
    const again = path.join(out, 'again')
    await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        'bench/report.ts',
        '--from',
        path.join(out, 'results.json'),
        '--out',
        again,
      ],
      { cwd: root },
    )
    expect(await readFile(path.join(again, 'REPORT.md'), 'utf8')).toBe(markdown)
    expect(await readFile(path.join(again, 'index.html'), 'utf8')).toBe(html)
  }, 60_000)
})

describe('a measured value printed next to its target', () => {
  it('gets the digits that tell it from the target, and no more', () => {
    // 3.006x against at most 3x is not met; "measured 3.0x, target 3.0x" would hide why.
    expect(formatAgainst('ratio', 3.006, 3)).toBe('3.01x')
    expect(formatAgainst('ratio', 2.9996, 3)).toBe('2.9996x')
    expect(formatAgainst('ratio', 3.7, 3)).toBe('3.7x')
    expect(formatAgainst('ratio', 3, 3)).toBe(formatValue('ratio', 3))
    expect(formatAgainst('percent', 0.2502, 0.25)).toBe('25.02%')
    expect(formatAgainst('bytes', 32.01, 32)).toBe(formatValue('bytes', 32.01))
  })
})

describe('the notes above the performance targets', () => {
  const run = (verdicts: string[]) =>
    targetNotes({
      targetChecks: null,
      targets: verdicts.map((verdict, i) => ({ id: `t${i}`, verdict })),
    } as unknown as Measured).join('\n')

  it('count the targets met and point to the reasons for the others', () => {
    const notes = run(['met', 'not met', 'met', 'not measured'])
    expect(notes).toContain('2 of 4 targets were met.')
    expect(notes).toContain('bench/NOTES.md ("Targets not met, and why")')
  })

  it('say nothing of reasons when every target is met', () => {
    expect(run(['met', 'met'])).not.toContain('targets were met')
  })
})

describe('a target case timed in several rounds', () => {
  const round = (method: Method, samples: number[]): TimedCase => ({
    suite: 'target',
    workload: 'ackley',
    method,
    n: 2000,
    m: 1,
    status: 'measured',
    reason: null,
    verification: { error: 0, tolerance: 1e-12, against: 'reverse mode' },
    timing: summarize(samples),
  })
  // Native f in three processes, the second on a slowed machine; the
  // compiled gradient in three processes, the second slowed alike.
  const native = pooled([
    round('native', [20e-6, 24e-6, 25e-6]),
    round('native', [40e-6, 48e-6, 50e-6]),
    round('native', [21e-6, 22e-6, 23e-6]),
  ])
  const compiled = pooled([
    round('compiled', [50e-6, 60e-6, 70e-6]),
    round('compiled', [100e-6, 120e-6, 140e-6]),
    round('compiled', [60e-6, 66e-6, 70e-6]),
  ])

  it("pools the rounds' samples, and keeps each round's median", () => {
    const timing = native.timing
    expect(timing?.samples).toEqual([20e-6, 24e-6, 25e-6, 40e-6, 48e-6, 50e-6, 21e-6, 22e-6, 23e-6])
    expect(timing?.processes).toEqual([24e-6, 48e-6, 22e-6])
    expect(pooled([round('native', [1e-6, 2e-6, 3e-6])]).timing?.processes).toBeUndefined()
  })

  it('is shown round by round, with the largest median over the smallest', () => {
    const table = processTable({ timings: [native] } as unknown as Measured)
    expect(table?.header).toEqual([
      'workload',
      'method',
      'n',
      'round 1',
      'round 2',
      'round 3',
      'largest / smallest',
    ])
    expect(table?.rows[0]?.slice(3)).toEqual([
      seconds(24e-6),
      seconds(48e-6),
      seconds(22e-6),
      formatValue('ratio', 48 / 22),
    ])
    expect(
      processTable({ timings: [pooled([round('native', [1e-6])])] } as unknown as Measured),
    ).toBeNull()
  })

  const spec = (target: number) => ({
    id: 'compiled-native-ackley',
    group: 'Compiled gradients',
    title: 'compiled gradient / native f',
    unit: 'ratio' as const,
    comparison: 'at most' as const,
    target,
    formula: '',
  })
  const judged = (target: number, timings = [compiled, native]) => {
    const { pair, ratio } = timedRatios(timings)
    return ratio(spec(target), pair(2000, ['ackley', 'compiled'], ['ackley', 'native']))
  }

  it('is the median of the per-round ratios, spread from the smallest to the largest', () => {
    // Per round: 60 / 24 = 2.5, 120 / 48 = 2.5, 66 / 22 = 3: the slowed round cancels out.
    const t = judged(2.75)
    const rounds = roundRatios([compiled, native], t.pairs[0] as TargetPair) ?? []
    expect(rounds.length).toBe(3)
    for (const [k, r] of [2.5, 2.5, 3].entries()) expect(rounds[k]).toBeCloseTo(r, 12)
    expect(t.measured).toBeCloseTo(2.5, 12)
    expect(t.low).toBeCloseTo(2.5, 12)
    expect(t.high).toBeCloseTo(3, 12)
    expect(t.verdict).toBe('met')
    expect(judged(2.4).verdict).toBe('not met')
    expect(verdictText(judged(2.4))).toBe(
      `not met (measured ${formatAgainst('ratio', 2.5, 2.4)}, target ${formatValue('ratio', 2.4)})`,
    )
  })

  it('is the ratio of pooled medians when the sides ran different numbers of rounds', () => {
    const once = pooled([round('compiled', [50e-6, 60e-6, 70e-6])])
    const t = judged(3, [once, native])
    expect(t.measured).toBeCloseTo(60e-6 / (native.timing?.median as number), 12)
  })

  it('takes a one-sided timing (a cold compile) as the median of its rounds', () => {
    const cold = pooled([1, 2, 3].map((k) => ({ ...round('compile', [k * 0.01]) })))
    const { pair, ratio } = timedRatios([cold])
    const t = ratio(
      { ...spec(0.02), id: 'compile-cold-ackley', unit: 'seconds' },
      pair(2000, ['ackley', 'compile'], null),
    )
    expect(t.measured).toBeCloseTo(0.02, 12)
    expect([t.low, t.high]).toEqual([0.01, 0.03])
    expect(t.verdict).toBe('met')
  })

  it('quotes its per-round median and spread in its sentence, from results.json', () => {
    const t = judged(2.4)
    const r = { ...results, timings: [compiled, native], targets: [t] }
    const [sentence] = targetFindings(r as unknown as Measured)
    expect(sentence?.quotes.map((q) => q.path)).toEqual(
      expect.arrayContaining(['targets.0.measured', 'targets.0.low', 'targets.0.high']),
    )
    expect(sentence?.text).toContain(verdictText(t))
  })

  it("is valid results.json with or without the rounds' medians, and invalid with a bad one", () => {
    expect(validateResults({ ...results, timings: [native] })).toEqual([])
    const bad = {
      ...results,
      timings: [{ ...native, timing: { ...native.timing, processes: ['24 us'] } }],
    }
    expect(validateResults(bad).join('\n')).toContain('timings[0].timing.processes[0]')
    expect(validateResults({ ...results, targets: [judged(3)] })).toEqual([])
    const badLow = { ...results, targets: [{ ...judged(3), low: '2.5x' }] }
    expect(validateResults(badLow).join('\n')).toContain('targets[0].low')
  })
})

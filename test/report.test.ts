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
import type { Results, TimedCase } from '../bench/report/schema.js'
import { probeTable, processTable } from '../bench/report/tables.js'
import { validateResults } from '../bench/report/validate.js'
import { summarize } from '../bench/run/measure.js'
import { pooled } from '../bench/targets/collect.js'
import { timedRatios } from '../bench/targets/judge.js'

/*
 * Runs the report generator as `npm run report` does, at its smallest size
 * (--smoke), into a temporary folder, and checks what it wrote.
 */

const root = path.resolve(import.meta.dirname, '..')
const CHARTS = ['targets', 'gradient', 'counts', 'jacobian', 'memory', 'accuracy', 'peers']
const TARGETS = [
  'reverse-ackley',
  'reverse-rosenbrock',
  'reverse-flat-ackley',
  'reverse-flat-rosenbrock',
  'reverse-network-dot',
  'reverse-network-scalar',
  'tape-bytes',
  'compiled-ackley',
  'compiled-rosenbrock',
  'compiled-network',
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

  it('should time the machine probe with every measured case', () => {
    const measuredCases = results.timings.filter((c) => c.status === 'measured')
    expect(measuredCases.length).toBeGreaterThan(0)
    for (const c of measuredCases) {
      const probe = c.timing?.probe as number
      expect(probe, `${c.workload} ${c.method} ${c.n}`).toBeGreaterThan(0)
      expect(probe).toBeLessThan(1)
    }
  })

  it('should give a reason, and no time, for every case not run', () => {
    for (const c of results.timings.filter((t) => t.status !== 'measured')) {
      expect(c.reason).toMatch(/^(not run|failed): /)
      expect(c.timing).toBeNull()
    }
  })

  it('should quote in each sentence only numbers that results.json holds', () => {
    expect(new Set(results.findings.map((f) => f.topic))).toEqual(
      new Set(['gradient', 'counts', 'jacobian', 'memory', 'accuracy', 'peers', 'targets']),
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
      // With several rounds, each side's fastest process must meet the target too.
      const met = onSide(measured) && (t.fastest == null || onSide(t.fastest))
      expect(t.verdict, t.id).toBe(met ? 'met' : 'not met')
      if (t.low !== null && t.high !== null) {
        expect(t.low, t.id).toBeLessThanOrEqual(t.high)
      }
    }
  })

  it('should compute each timed target from the medians of two cases measured in separate processes', () => {
    const median = (i: number) => results.timings[i]?.timing?.median as number
    for (const t of results.targets.filter((t) => t.pairs.length > 0)) {
      const ratios = t.pairs.map((p) => {
        const [a, b] = [results.timings[p.numerator], results.timings[p.denominator]]
        expect(a?.suite, t.id).toBe('target')
        expect(b?.suite, t.id).toBe('target')
        expect(a?.method, t.id).not.toBe(b?.method)
        expect([a?.n, b?.n], t.id).toEqual([p.n, p.n])
        return median(p.numerator) / (p.scale * median(p.denominator))
      })
      if (t.pairs.length === 1) {
        expect(t.measured, t.id).toBe(ratios[0])
      } else {
        const sorted = [...ratios].sort((x, y) => x - y)
        const mid =
          ((sorted[(sorted.length - 1) >> 1] as number) + (sorted[sorted.length >> 1] as number)) /
          2
        const deviation = Math.max(...ratios.map((r) => Math.abs(r / mid - 1)))
        expect(t.measured, t.id).toBeCloseTo(deviation, 12)
      }
    }
  })

  it('should check compiled gradients against reverse mode to 1e-12 and plain values likewise before timing them', () => {
    const cases = results.timings.filter(
      (c) => c.suite === 'target' && (c.method === 'compiled' || c.method === 'plain'),
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
      const onSide = (v: number) => (t.comparison === 'at most' ? v <= t.target : v > t.target)
      // A target missed only by the fastest processes names their ratio.
      const missedBy =
        t.fastest != null && onSide(t.measured as number)
          ? `each side's fastest process ${formatAgainst(t.unit, t.fastest, t.target)}`
          : `measured ${formatAgainst(t.unit, t.measured as number, t.target)}`
      expect(text).toContain(
        t.verdict === 'met'
          ? ': met.'
          : `not met (${missedBy}, target ${formatValue(t.unit, t.target)})`,
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
  const round = (samples: number[], probe = 2e-3): TimedCase => ({
    suite: 'target',
    workload: 'ackley',
    method: 'plain',
    n: 2000,
    m: 1,
    status: 'measured',
    reason: null,
    verification: { error: 0, tolerance: 1e-12, against: 'reverse mode' },
    timing: { ...summarize(samples), probe },
  })
  // Two processes, one in a JIT mode five times slower than the other; the
  // second also on a machine 1.5x slower (its probe).
  const fast = round([20e-6, 24e-6, 25e-6])
  const slow = round([110e-6, 120e-6, 130e-6], 3e-3)

  it("pools the rounds' samples for its median, and keeps each round's median and probe", () => {
    const timing = pooled([fast, slow]).timing
    expect(timing?.samples).toEqual([20e-6, 24e-6, 25e-6, 110e-6, 120e-6, 130e-6])
    // Six samples: the median lies halfway between the third and the fourth.
    expect(timing?.median).toBeCloseTo((25e-6 + 110e-6) / 2, 15)
    expect(timing?.processes).toEqual([24e-6, 120e-6])
    expect(timing?.probes).toEqual([2e-3, 3e-3])
    expect(pooled([fast]).timing?.processes).toBeUndefined()
    expect(pooled([fast]).timing?.probe).toBe(2e-3)
  })

  it("shows each round's probe as a multiple of the run's fastest", () => {
    const table = probeTable({ timings: [pooled([fast, slow])] } as unknown as Measured)
    expect(table?.rows).toEqual([
      [
        'Ackley',
        'plain evaluation',
        '2,000',
        formatValue('ratio', 1),
        formatValue('ratio', 1.5),
        formatValue('ratio', 1.5),
      ],
    ])
    expect(probeTable({ timings: [pooled([fast])] } as unknown as Measured)).toBeNull()
  })

  it('is shown round by round, with the largest median over the smallest', () => {
    const table = processTable({ timings: [pooled([fast, slow])] } as unknown as Measured)
    expect(table?.header).toEqual([
      'workload',
      'method',
      'n',
      'round 1',
      'round 2',
      'largest / smallest',
    ])
    expect(table?.rows).toEqual([
      [
        'Ackley',
        'plain evaluation',
        '2,000',
        seconds(24e-6),
        seconds(120e-6),
        formatValue('ratio', 5),
      ],
    ])
    expect(processTable({ timings: [pooled([fast])] } as unknown as Measured)).toBeNull()
  })

  // Reverse mode, steady at about 110 us, over plain evaluation in the two processes above.
  const reverse = [round([100e-6, 110e-6, 115e-6]), round([105e-6, 110e-6, 120e-6])].map((c) => ({
    ...c,
    method: 'reverse' as const,
  }))
  /** A target on reverse mode over plain evaluation, 'at most' `target`. */
  const spec = (unit: 'ratio' | 'percent', target: number) => ({
    id: 'reverse-ackley',
    group: 'Dynamic reverse mode',
    title: 'reverse / plain',
    unit,
    comparison: 'at most' as const,
    target,
    formula: '',
  })
  const overPlain = (timings: TimedCase[]) => {
    const { pair, ratio, flat } = timedRatios(timings)
    const at = (n: number) => pair(n, ['ackley', 'reverse'], ['ackley', 'plain'])
    return { ratio: (target: number) => ratio(spec('ratio', target), at(2000)), flat, at }
  }
  const judged = (target: number) =>
    overPlain([pooled(reverse), pooled([fast, slow])]).ratio(target)

  it("is judged against each side's fastest process as well as the pooled medians", () => {
    // Pooled: 110 us over (25 + 110) / 2 us. Fastest processes: 110 over 24 us.
    const t = judged(3)
    expect(t.measured).toBeCloseTo(110 / 67.5, 12)
    expect(t.fastest).toBeCloseTo(110 / 24, 12)
    // 1.6x meets 3x, but 4.6x against plain's fast process does not.
    expect(t.verdict).toBe('not met')
    expect(verdictText(t)).toBe(
      `not met (each side's fastest process ${formatAgainst('ratio', 110 / 24, 3)}, target ${formatValue('ratio', 3)})`,
    )
    expect(judged(5).verdict).toBe('met')
    expect(judged(1.5).verdict).toBe('not met')
    expect(verdictText(judged(1.5))).toContain('not met (measured ')
  })

  it('is judged on the pooled medians alone when a side ran in one round', () => {
    const t = overPlain([pooled([reverse[0] as TimedCase]), pooled([fast, slow])]).ratio(3)
    expect(t.fastest).toBeNull()
    expect(t.verdict).toBe('met')
  })

  it("judges a ratio's flatness over n by each side's fastest processes too", () => {
    const at100 = (method: 'reverse' | 'plain', samples: number[]) => ({
      ...round(samples),
      method,
      n: 100,
    })
    const timings = [
      pooled(reverse),
      pooled([fast, slow]),
      pooled([at100('reverse', [9e-6, 10e-6, 11e-6]), at100('reverse', [11e-6, 12e-6, 13e-6])]),
      pooled([at100('plain', [2e-6, 2e-6, 2e-6]), at100('plain', [2e-6, 2e-6, 2e-6])]),
    ]
    const { flat, at } = overPlain(timings)
    const t = flat(spec('percent', 0.25), [100, 2000].map(at))
    // Fastest processes: 10 / 2 = 5 at n = 100, 110 / 24 at n = 2,000; both 4.4% from their median.
    const ratios = [5, 110 / 24]
    const center = (ratios[0] + ratios[1]) / 2
    expect(t.fastest).toBeCloseTo(5 / center - 1, 12)
    // Pooled: 11 / 2 = 5.5 at n = 100 and 110 / 67.5 at n = 2,000, far apart.
    expect(t.measured).toBeCloseTo(5.5 / ((5.5 + 110 / 67.5) / 2) - 1, 12)
    expect(t.verdict).toBe('not met')
  })

  it("quotes the fastest processes' ratio in its sentence, from results.json", () => {
    const t = judged(3)
    const r = { ...results, timings: [pooled(reverse), pooled([fast, slow])], targets: [t] }
    const [sentence] = targetFindings(r as unknown as Measured)
    expect(sentence?.quotes.map((q) => q.path)).toContain('targets.0.fastest')
    expect(sentence?.text).toContain(
      `each side's fastest process ${formatValue('ratio', 110 / 24)}`,
    )
    expect(sentence?.text).toContain(verdictText(t))
  })

  it("is valid results.json with or without the rounds' medians, and invalid with a bad one", () => {
    const withRounds = { ...results, timings: [pooled([fast, slow])] }
    expect(validateResults(withRounds)).toEqual([])
    const bad = {
      ...results,
      timings: [{ ...fast, timing: { ...fast.timing, processes: ['24 us'] } }],
    }
    expect(validateResults(bad).join('\n')).toContain('timings[0].timing.processes[0]')
    const badProbe = {
      ...results,
      timings: [{ ...fast, timing: { ...fast.timing, probe: '2 ms' } }],
    }
    expect(validateResults(badProbe).join('\n')).toContain('timings[0].timing.probe')
    expect(validateResults({ ...results, targets: [judged(3)] })).toEqual([])
    const badFastest = { ...results, targets: [{ ...judged(3), fastest: '4.6x' }] }
    expect(validateResults(badFastest).join('\n')).toContain('targets[0].fastest')
  })
})

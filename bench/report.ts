import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { PLANS } from './config.js'
import { renderCharts } from './report/charts.js'
import { backwardFigures } from './report/figures.js'
import { findings } from './report/findings.js'
import { html } from './report/html.js'
import { markdown } from './report/markdown.js'
import type { Mode, Results } from './report/schema.js'
import { tables } from './report/tables.js'
import { validateResults } from './report/validate.js'
import { collect } from './run/collect.js'

/*
 * npm run report [-- --quick | --smoke] [-- --out DIR]
 * Runs the benchmark suites and writes DIR (default report/): index.html,
 * REPORT.md, results.json and charts/*.svg.
 */

const USAGE = 'usage: npm run report -- [--quick | --smoke] [--out DIR] [--from RESULTS_JSON]'

interface Options {
  readonly mode: Mode
  readonly out: string
  /** Render from a saved results.json instead of measuring. */
  readonly from: string | null
}

function parse(argv: readonly string[]): Options {
  let mode: Mode = 'full'
  let out = 'report'
  let from: string | null = null
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--quick') mode = 'quick'
    else if (arg === '--smoke') mode = 'smoke'
    else if (arg === '--full') mode = 'full'
    else if (arg === '--out' && argv[i + 1] !== undefined) out = argv[++i] as string
    else if (arg === '--from' && argv[i + 1] !== undefined) from = argv[++i] as string
    else throw new Error(`report: unknown argument ${JSON.stringify(arg)}. ${USAGE}`)
  }
  return { mode, out, from }
}

async function measure(mode: Mode, log: (line: string) => void, started: number): Promise<Results> {
  const measured = await collect(PLANS[mode], log)
  const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'))
  const base = {
    ...measured,
    meta: {
      ...measured.meta,
      gradlab: String(pkg.version),
      wallSeconds: (performance.now() - started) / 1e3,
    },
  }
  return { ...base, findings: findings(base) }
}

async function saved(file: string): Promise<Results> {
  const results = JSON.parse(await readFile(file, 'utf8')) as Results
  // Sentences are regenerated, so a change to their wording reaches old runs.
  return { ...results, findings: findings(results) }
}

async function main(): Promise<void> {
  const { mode, out, from } = parse(process.argv.slice(2))
  const started = performance.now()
  const log = (line: string) =>
    process.stderr.write(
      `${((performance.now() - started) / 1e3).toFixed(1).padStart(6)} s  ${line}\n`,
    )
  log(
    from === null
      ? `gradlab report: ${mode} run, writing ${out}/`
      : `gradlab report: rendering ${from} into ${out}/`,
  )
  const results = from === null ? await measure(mode, log, started) : await saved(from)
  const problems = validateResults(JSON.parse(JSON.stringify(results)))
  if (problems.length > 0) {
    throw new Error(`report: results do not match their schema:\n${problems.join('\n')}`)
  }
  log('rendering charts')
  const charts = await renderCharts(results)
  const figures = await backwardFigures()
  const tabled = tables(results)
  await mkdir(path.join(out, 'charts'), { recursive: true })
  await writeFile(path.join(out, 'results.json'), `${JSON.stringify(results, null, 1)}\n`)
  await writeFile(
    path.join(out, 'index.html'),
    html(results, results.findings, charts, tabled, figures),
  )
  await writeFile(
    path.join(out, 'REPORT.md'),
    markdown(results, results.findings, charts, tabled, figures),
  )
  for (const chart of [...charts, ...figures]) {
    await writeFile(path.join(out, 'charts', `${chart.name}.svg`), chart.svg)
  }
  for (const f of results.findings) log(`- ${f.text}`)
  const failed = results.timings.filter((c) => c.status === 'failed').length
  log(
    `wrote ${out}/ in ${((performance.now() - started) / 1e3).toFixed(1)} s${failed > 0 ? `; ${failed} case(s) FAILED` : ''}`,
  )
  if (failed > 0) process.exitCode = 1
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
  process.exitCode = 1
})

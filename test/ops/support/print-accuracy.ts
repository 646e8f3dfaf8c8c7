import { readFileSync } from 'node:fs'
import { allWorst, type Worst } from './measure.js'

/*
 * The worst error of every partial in the table against the 40-digit
 * references, over the grids of accuracy.test.ts:
 *
 *   npx tsx test/ops/support/print-accuracy.ts --json > after.json
 *   npx tsx test/ops/support/print-accuracy.ts --before before.json
 *
 * The first prints the measurements as JSON (run it in a checkout of an
 * earlier commit, with this folder copied in, for a "before" column); the
 * second prints the markdown table of test/properties/README.md, before and
 * after, with where each worst error was.
 */

const format = (ulps: number) =>
  ulps === Number.POSITIVE_INFINITY
    ? 'infinite'
    : ulps === 0
      ? '0'
      : ulps < 1e-6
        ? '< 1e-6'
        : ulps < 100
          ? ulps.toFixed(2)
          : ulps.toExponential(1)
const where = (w: Worst) =>
  w.at.length === 0 ? '' : w.at.map((x) => Number(x.toPrecision(6))).join(', ')

const measured = allWorst()
const args = process.argv.slice(2)
if (args[0] === '--json') {
  // JSON has no Infinity: the worst errors are written as strings, read back with Number.
  process.stdout.write(`${JSON.stringify(measured, (k, v) => (k === 'ulps' ? String(v) : v), 1)}\n`)
} else {
  const beforeFile = args[0] === '--before' ? args[1] : undefined
  const before: Worst[] = beforeFile
    ? JSON.parse(readFileSync(beforeFile, 'utf8'), (k, v) => (k === 'ulps' ? Number(v) : v))
    : []
  const earlier = new Map(before.map((w) => [w.partial, w]))
  const rows = [
    '| partial | points | worst before, ulps | at | worst after, ulps | at |',
    '| ------- | -----: | -----------------: | -- | ----------------: | -- |',
    ...measured.map((w) => {
      const b = earlier.get(w.partial)
      const then = b ? `| ${format(b.ulps)} | ${where(b)} ` : '| | '
      return `| ${w.partial} | ${w.points.toLocaleString('en-US')} ${then}| ${format(w.ulps)} | ${where(w)} |`
    }),
  ]
  process.stdout.write(`${rows.join('\n')}\n`)
}

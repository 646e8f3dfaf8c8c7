import type { Chart } from './charts.js'
import type { Figure } from './figures.js'
import { methodNotes, targetNotes } from './notes.js'
import type { Measured } from './quote.js'
import type { Finding } from './schema.js'
import type { Table } from './tables.js'

const cell = (s: string) => s.replace(/\|/g, '\\|')

const table = (t: Table) =>
  [
    `### ${t.title}`,
    '',
    `| ${t.header.map(cell).join(' | ')} |`,
    `| ${t.header.map(() => '---').join(' | ')} |`,
    ...t.rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
    '',
  ].join('\n')

const image = (c: Chart) => [`### ${c.title}`, '', `![${c.title}](charts/${c.name}.svg)`, '']

/** REPORT.md: the same findings as the HTML page, with the charts as SVG images and the tables. */
export function markdown(
  r: Measured,
  findings: readonly Finding[],
  charts: readonly Chart[],
  tables: readonly Table[],
  figures: readonly Figure[],
): string {
  return [
    '# gradlab: forward mode, reverse mode and finite differences, measured',
    '',
    '## Performance targets',
    '',
    ...targetNotes(r).flatMap((n) => [n, '']),
    ...findings.filter((f) => f.topic === 'targets').map((f) => `- ${f.text}`),
    '',
    ...charts.filter((c) => c.name === 'targets').flatMap(image),
    '## The backward pass',
    '',
    ...figures.flatMap((f) => [...image(f), f.caption, '']),
    '## Findings',
    '',
    ...findings.filter((f) => f.topic !== 'targets').map((f) => `- ${f.text}`),
    '',
    '## Charts',
    '',
    ...charts.filter((c) => c.name !== 'targets').flatMap(image),
    '## How this was measured',
    '',
    ...methodNotes(r).map((n) => `- ${n}`),
    '',
    '## Tables',
    '',
    ...tables.map(table),
    'Every raw measurement is in [results.json](results.json).',
    '',
  ].join('\n')
}

import type { Chart } from './charts.js'
import type { Figure } from './figures.js'
import { methodNotes, targetNotes } from './notes.js'
import type { Measured } from './quote.js'
import type { Finding } from './schema.js'
import { SECTIONS, summary } from './summary.js'
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
  const { measured, key } = summary(r, findings)
  const heading = (id: (typeof SECTIONS)[number]['id']) => [
    `## ${SECTIONS.find((s) => s.id === id)?.title ?? id}`,
    '',
  ]
  return [
    '# gradlab: forward mode, reverse mode and finite differences, measured',
    '',
    ...SECTIONS.map(
      (s, i) => `${i + 1}. [${s.title}](#${s.title.toLowerCase().replace(/ /g, '-')})`,
    ),
    '',
    ...heading('summary'),
    measured,
    '',
    ...key.map((k) => `- ${k}`),
    '',
    ...charts.filter((c) => c.name === 'gradient').flatMap(image),
    ...heading('the-backward-pass'),
    ...figures.flatMap((f) => [...image(f), f.caption, '']),
    ...heading('performance-targets'),
    ...targetNotes(r).flatMap((n) => [n, '']),
    ...findings.filter((f) => f.topic === 'targets').map((f) => `- ${f.text}`),
    '',
    ...charts.filter((c) => c.name === 'targets').flatMap(image),
    ...heading('findings'),
    ...findings.filter((f) => f.topic !== 'targets').map((f) => `- ${f.text}`),
    '',
    ...heading('charts'),
    ...charts.filter((c) => c.name !== 'targets' && c.name !== 'gradient').flatMap(image),
    ...heading('tables'),
    ...tables.map(table),
    'Every raw measurement is in [results.json](results.json).',
    '',
    ...heading('how-this-was-measured'),
    ...methodNotes(r).map((n) => `- ${n}`),
    '',
  ].join('\n')
}

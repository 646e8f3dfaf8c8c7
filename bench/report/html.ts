import type { Chart } from './charts.js'
import type { Figure } from './figures.js'
import { methodNotes, targetNotes } from './notes.js'
import type { Measured } from './quote.js'
import type { Finding } from './schema.js'
import { SECTIONS, summary } from './summary.js'
import type { Table } from './tables.js'

/*
 * index.html: one self-contained page. Charts are inline SVG without their
 * namespace attributes (HTML does not need them), so the page holds no URL
 * at all and opens offline.
 */

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

export function inlineSvg(svg: string): string {
  return svg.replace(/\s+xmlns(:xlink)?="[^"]*"/g, '')
}

const table = (t: Table) => `<details><summary>${escapeHtml(t.title)}</summary>
<table><thead><tr>${t.header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>
<tbody>${t.rows.map((row) => `<tr>${row.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n')}</tbody></table></details>`

const figure = (c: Chart) =>
  `<figure id="chart-${c.name}"><figcaption>${escapeHtml(c.title)}</figcaption>${inlineSvg(c.svg)}</figure>`

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}
figure{margin:1.5em 0}figcaption{font-weight:600;margin-bottom:.3em}table{border-collapse:collapse;margin:.5em 0}
td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}summary{cursor:pointer;margin:.4em 0}
li{margin:.3em 0}.notes li{color:#444;font-size:14px}figure svg{max-width:100%;height:auto}
nav{background:#f6f6f6;padding:.5em 1em;display:inline-block}nav ol{margin:.3em 0}.key li{font-size:16px}`

export function html(
  r: Measured,
  findings: readonly Finding[],
  charts: readonly Chart[],
  tables: readonly Table[],
  figures: readonly Figure[],
): string {
  const { measured, key } = summary(r, findings)
  const list = (items: readonly Finding[], cls: string) =>
    `<ul class="${cls}">${items.map((f) => `<li data-topic="${f.topic}">${escapeHtml(f.text)}</li>`).join('\n')}</ul>`
  const heading = (id: (typeof SECTIONS)[number]['id']) =>
    `<h2 id="${id}">${escapeHtml(SECTIONS.find((s) => s.id === id)?.title ?? id)}</h2>`
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>gradlab benchmark report</title>
<style>${STYLE}</style></head><body>
<h1>gradlab: forward mode, reverse mode and finite differences, measured</h1>
<nav><strong>Contents</strong><ol>${SECTIONS.map((s) => `<li><a href="#${s.id}">${escapeHtml(s.title)}</a></li>`).join('')}</ol></nav>
${heading('summary')}
<p>${escapeHtml(measured)}</p>
<ul class="key">${key.map((k) => `<li>${escapeHtml(k)}</li>`).join('\n')}</ul>
${charts
  .filter((c) => c.name === 'gradient')
  .map(figure)
  .join('\n')}
${heading('the-backward-pass')}
${figures
  .map(
    (f) =>
      // Graphviz numbers its elements' ids from 1 in each drawing: prefixed, two drawings in one page keep them apart.
      `<figure id="figure-${f.name}"><figcaption>${escapeHtml(f.title)}</figcaption>${inlineSvg(f.svg).replace(/ id="/g, ` id="${f.name}-`)}<p>${escapeHtml(f.caption)}</p></figure>`,
  )
  .join('\n')}
${heading('performance-targets')}
${targetNotes(r)
  .map((n) => `<p>${escapeHtml(n)}</p>`)
  .join('\n')}
${list(
  findings.filter((f) => f.topic === 'targets'),
  'targets',
)}
${charts
  .filter((c) => c.name === 'targets')
  .map(figure)
  .join('\n')}
${heading('findings')}
${list(
  findings.filter((f) => f.topic !== 'targets'),
  'findings',
)}
${heading('charts')}
${charts
  .filter((c) => c.name !== 'targets' && c.name !== 'gradient')
  .map(figure)
  .join('\n')}
${heading('tables')}
${tables.map(table).join('\n')}
<p>Every raw measurement is in results.json beside this page.</p>
${heading('how-this-was-measured')}
<ul class="notes">${methodNotes(r)
    .map((n) => `<li>${escapeHtml(n)}</li>`)
    .join('\n')}</ul>
</body></html>
`
}

import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { buildSync } from 'esbuild'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

/*
 * gradlab in a real browser: headless Chromium (Debian's package, driven by
 * playwright-core) opens the report page, rendered from the committed
 * results, and a page that loads the built package (both entry points)
 * bundled for the browser. Neither may log an error or request anything
 * from the network; every chart and figure must have a size; the page
 * computes the course example. Screenshots go to test-artifacts/.
 */

const root = path.resolve(import.meta.dirname, '..')
const artifacts = path.join(root, 'test-artifacts')
const executablePath = process.env.GRADLAB_CHROMIUM ?? '/usr/bin/chromium'

let browser: Browser
let dir = ''

beforeAll(async () => {
  if (!existsSync(executablePath)) {
    throw new Error(
      `test/browser.test.ts needs Chromium at ${executablePath}: apt-get install chromium (Debian), or set GRADLAB_CHROMIUM to its path.`,
    )
  }
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox'], headless: true })
  dir = await mkdtemp(path.join(tmpdir(), 'gradlab-browser-'))
  await mkdir(artifacts, { recursive: true })
}, 60_000)

afterAll(async () => {
  await browser?.close()
  if (dir !== '') await rm(dir, { recursive: true, force: true })
})

/** Opens `url` recording console errors, uncaught exceptions and every request the page makes. */
async function open(url: string): Promise<{ page: Page; errors: string[]; requests: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  const errors: string[] = []
  const requests: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text())
  })
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('request', (r) => requests.push(r.url()))
  await page.goto(url, { waitUntil: 'load' })
  return { page, errors, requests }
}

/** Width and height of every element matching `selector`, with its id. */
const sizes = (page: Page, selector: string) =>
  page.$$eval(selector, (els) =>
    els.map((e) => {
      const box = e.getBoundingClientRect()
      return { id: e.closest('figure')?.id ?? '', width: box.width, height: box.height }
    }),
  )

describe('in headless Chromium', () => {
  it('the report page renders every chart and figure, offline, with no errors', async () => {
    const out = path.join(dir, 'report')
    await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'bench/report.ts', '--from', 'report/results.json', '--out', out],
      { cwd: root },
    )
    const url = pathToFileURL(path.join(out, 'index.html')).href
    const { page, errors, requests } = await open(url)
    expect(errors).toEqual([])
    expect(requests).toEqual([url])
    const figures = await sizes(page, 'figure > svg')
    const ids = figures.map((f) => f.id)
    for (const id of [
      'chart-targets',
      'chart-gradient',
      'chart-hessian',
      'figure-backward-network',
      'figure-backward-c',
    ]) {
      expect(ids).toContain(id)
    }
    for (const f of figures) {
      expect(f.width, f.id).toBeGreaterThan(100)
      expect(f.height, f.id).toBeGreaterThan(100)
    }
    // Charts fit the page's width.
    const pageWidth = await page.evaluate(() => document.body.clientWidth)
    for (const f of figures) expect(f.width, f.id).toBeLessThanOrEqual(pageWidth)
    await page.screenshot({ path: path.join(artifacts, 'report.png'), fullPage: true })
  }, 120_000)

  it('a page loading the built package computes the course example and draws its trace', async () => {
    const entry = path.join(dir, 'entry.js')
    await writeFile(
      entry,
      [
        `import * as g from ${JSON.stringify(path.join(root, 'dist', 'index.js'))}`,
        `import { traceToSvg } from ${JSON.stringify(path.join(root, 'dist', 'draw', 'index.js'))}`,
        'const c = (m, [a, b]) => m.pow(m.sub(a, b), 2)',
        'const out = {}',
        'for (const s of [g.forward, g.reverse, g.numeric]) out[s.name] = Array.from(s.gradient(c, [2, 0]))',
        'out.compiled = Array.from(g.reverse.compile(c, [0, 0]).gradient([2, 0]))',
        "const t = g.reverse.trace(c, [2, 0], { names: ['a', 'b'] })",
        "traceToSvg(t).then((svg) => { document.getElementById('figure').innerHTML = svg; document.getElementById('out').textContent = JSON.stringify(out) })",
      ].join('\n'),
    )
    buildSync({
      entryPoints: [entry],
      outfile: path.join(dir, 'page', 'bundle.js'),
      bundle: true,
      platform: 'browser',
      format: 'iife',
      logLevel: 'warning',
    })
    await writeFile(
      path.join(dir, 'page', 'index.html'),
      '<!doctype html><meta charset="utf-8"><title>gradlab</title><pre id="out"></pre><div id="figure"></div><script src="bundle.js"></script>',
    )
    const url = pathToFileURL(path.join(dir, 'page', 'index.html')).href
    const { page, errors, requests } = await open(url)
    await page.waitForFunction(() => document.getElementById('out')?.textContent !== '', null, {
      timeout: 30_000,
    })
    expect(errors).toEqual([])
    expect(requests).toEqual([url, new URL('bundle.js', url).href])
    const out = JSON.parse((await page.textContent('#out')) ?? '{}') as Record<string, number[]>
    // dc/da = 2(a - b) = 4 and dc/db = -4, exactly in the exact modes, to 1e-6 by differences.
    expect(out.forward).toEqual([4, -4])
    expect(out.reverse).toEqual([4, -4])
    expect(out.compiled).toEqual([4, -4])
    expect(out.numeric?.map((v) => Math.round(v * 1e6) / 1e6)).toEqual([4, -4])
    const [figure] = await sizes(page, '#figure > svg')
    expect(figure?.width).toBeGreaterThan(50)
    expect(figure?.height).toBeGreaterThan(100)
    expect(await page.textContent('#figure')).toContain('adjoint -4')
    await page.screenshot({ path: path.join(artifacts, 'package-page.png'), fullPage: true })
  }, 120_000)
})

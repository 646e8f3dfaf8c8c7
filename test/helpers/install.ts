import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

/** The checkout's top folder. */
export const root = resolve(import.meta.dirname, '..', '..')

/** An empty project outside the source tree, as `npm init -y` makes it (CommonJS) or with "type": "module". */
export function newProject(type: 'module' | 'commonjs'): string {
  const project = mkdtempSync(join(tmpdir(), `gradlab-user-${type}-`))
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'user-project', version: '1.0.0', private: true, type }),
  )
  return project
}

/**
 * JavaScript that differentiates the course example c = (a - b)^2 at (2, 0)
 * with the strategies of a namespace `g` and prints the three gradients as
 * JSON, numeric's rounded to 6 places.
 */
export const courseCheck = [
  'const c = (m, [a, b]) => m.pow(m.sub(a, b), 2)',
  'const out = [g.forward, g.reverse, g.numeric].map((s) => Array.from(s.gradient(c, [2, 0]), (d) => +d.toFixed(6)))',
  'console.log(JSON.stringify(out))',
].join('\n')

/** dc/da = 2(a - b) = 4 and dc/db = -2(a - b) = -4 at (2, 0), from each strategy. */
export const course = [
  [4, -4],
  [4, -4],
  [4, -4],
]

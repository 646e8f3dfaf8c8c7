import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '..')

it("the README's example prints what the README says it prints", () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('## Example'))
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1]
  const printed = /```text\n([\s\S]*?)```/.exec(section)?.[1]
  if (code === undefined || printed === undefined)
    throw new Error('README has no example and output blocks')
  const file = join(mkdtempSync(join(tmpdir(), 'gradlab-readme-')), 'example.ts')
  writeFileSync(file, code.replace("from 'gradlab'", `from '${join(root, 'src', 'index.ts')}'`))
  const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs')
  expect(execFileSync('node', [tsx, file], { encoding: 'utf8' })).toBe(printed)
}, 30_000) // runs the example in a child process

import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { root } from '../helpers/install.js'

/*
 * Every ```ts block in README.md and docs/*.md is a program a reader may
 * paste: each is type-checked as a strict user's code (noUncheckedIndexedAccess
 * included) against the built package's declarations, and run; where a
 * ```text block follows it, the program must print exactly that text.
 */

interface Block {
  readonly file: string
  readonly line: number
  readonly code: string
  readonly printed: string | undefined
}

function blocksOf(file: string): Block[] {
  const text = readFileSync(join(root, file), 'utf8')
  const fence = /```(\w*)\n([\s\S]*?)```/g
  const found: { lang: string; body: string; start: number; end: number }[] = []
  for (let m = fence.exec(text); m !== null; m = fence.exec(text))
    found.push({ lang: m[1] ?? '', body: m[2] ?? '', start: m.index, end: fence.lastIndex })
  return found.flatMap((b, i) => {
    if (b.lang !== 'ts') return []
    const next = found[i + 1]
    const adjacent = next?.lang === 'text' && text.slice(b.end, next.start).trim() === ''
    const line = text.slice(0, b.start).split('\n').length
    return [{ file, line, code: b.body, printed: adjacent ? next.body : undefined }]
  })
}

const documents = [
  'README.md',
  ...(existsSync(join(root, 'docs'))
    ? readdirSync(join(root, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`)
    : []),
]
const blocks = documents.flatMap(blocksOf)
const dir = mkdtempSync(join(tmpdir(), 'gradlab-docs-'))
writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }))
const fileOf = (b: Block) => join(dir, `${b.file.replace(/\W/g, '_')}_${b.line}.ts`)
for (const b of blocks)
  writeFileSync(
    fileOf(b),
    b.code
      .replaceAll("from 'gradlab/draw'", `from '${join(root, 'dist', 'draw', 'index.js')}'`)
      .replaceAll("from 'gradlab'", `from '${join(root, 'dist', 'index.js')}'`),
  )

describe('the code in README.md and docs/', () => {
  it('has examples to check: README.md has at least one program with its printed output', () => {
    expect(blocks.some((b) => b.file === 'README.md' && b.printed !== undefined)).toBe(true)
  })

  it('type-checks as a strict TypeScript user would compile it, noUncheckedIndexedAccess included', () => {
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noUncheckedIndexedAccess: true,
          exactOptionalPropertyTypes: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          lib: ['es2022', 'dom'],
          noEmit: true,
          types: [],
          // Each block is its own module, so names may repeat between blocks.
          moduleDetection: 'force',
        },
        include: ['*.ts'],
      }),
    )
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
    let messages = ''
    try {
      execFileSync('node', [tsc, '-p', dir], { cwd: dir, encoding: 'utf8' })
    } catch (e) {
      messages = String((e as { stdout?: string }).stdout ?? e)
    }
    // Name the document and line of each failing block rather than the temporary file.
    for (const b of blocks)
      messages = messages.replaceAll(basename(fileOf(b)), `${b.file}:${b.line}`)
    expect(messages).toBe('')
  }, 60_000)

  const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs')
  for (const b of blocks) {
    const claim =
      b.printed === undefined ? 'runs without an error' : 'prints what the document says it prints'
    it(`${b.file}:${b.line} ${claim}`, () => {
      const printed = execFileSync('node', [tsx, fileOf(b)], { encoding: 'utf8' })
      if (b.printed !== undefined) expect(printed).toBe(b.printed)
    }, 30_000) // each block runs in a child process
  }
})

import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { promisify } from 'node:util'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { BINARY_OPS, binaryRules, UNARY_OPS, unaryRules } from '../../src/index.js'

/*
 * The API reference as its readers meet it: TypeDoc's site, built from
 * typedoc.json with warnings as errors (an undocumented, unexported or
 * wrongly linked symbol fails the build), an editor's hover over the
 * package's built declarations, and its go-to-definition through their maps.
 */

const root = resolve(import.meta.dirname, '../..')

describe('the API reference', () => {
  it('builds with TypeDoc without a warning or an error', async () => {
    const out = mkdtempSync(join(tmpdir(), 'gradlab-api-'))
    const typedoc = join(root, 'node_modules', 'typedoc', 'bin', 'typedoc')
    const { stdout, stderr } = await promisify(execFile)('node', [typedoc, '--out', out], {
      cwd: root,
    }).catch((e: { stdout: string; stderr: string }) => {
      throw new Error(`typedoc failed:\n${e.stdout}\n${e.stderr}`)
    })
    expect(`${stdout}${stderr}`).not.toMatch(/warning|error/i)
    const ops = readFileSync(join(out, 'interfaces', 'UnaryOps.html'), 'utf8')
    expect(ops).toContain('d/da tanh a = 1 - tanh^2 a')
    expect(existsSync(join(out, 'variables', 'reverse.html'))).toBe(true)
  }, 120_000) // TypeDoc compiles the project in a child process

  it('shows documentation in an editor hovering reverse, reverse.gradient and m.tanh', () => {
    const hover = hoverOver([
      'reverse.gradient',
      'forward.derivative',
      'export const f = <T>(m: Ops<T>, x: T) => m.tanh(x)',
    ])
    expect(hover('reverse.gradient')).toMatch(/^Reverse-mode automatic differentiation/)
    expect(hover('gradient\n')).toMatch(/^The gradient of f: R\^n -> R at x/)
    expect(hover('derivative\n')).toMatch(/^g'\(x\) for g: R -> R/)
    expect(hover('tanh(x)')).toMatch(/^The hyperbolic tangent/)
  }, 60_000) // the compiler loads the declarations and the standard library

  it("states each op's derivative as the op table's rule does, as an editor shows it on m.<op>", () => {
    const rules = [
      ...UNARY_OPS.map((op) => [op, unaryRules[op].math] as const),
      ...BINARY_OPS.map((op) => [op, binaryRules[op].math] as const),
    ]
    const hover = hoverOver([
      `export const f = <T>(m: Ops<T>) => [${rules.map(([op]) => `(m.${op})`).join(', ')}]`,
    ])
    const unstated = rules
      .filter(([op, math]) => !hover(`(m.${op})`, 3).replace(/\s+/g, ' ').includes(math))
      .map(([op, math]) => `${op}: ${math}`)
    expect(unstated).toEqual([])
  }, 60_000)

  it('maps every built declaration and module to its documented source in src/, which the package ships', () => {
    const dist = join(root, 'dist')
    const maps = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.map'),
    )
    expect(maps.length).toBeGreaterThan(40) // a .js.map and a .d.ts.map per module
    const unresolved = maps.flatMap((map) => {
      const { sources } = JSON.parse(readFileSync(join(dist, map), 'utf8')) as { sources: string[] }
      return sources
        .map((source) => resolve(dirname(join(dist, map)), source))
        .filter((source) => !relative(root, source).startsWith('src/') || !existsSync(source))
        .map((source) => `${map} -> ${relative(root, source)}`)
    })
    expect(unresolved).toEqual([])
  })
})

/**
 * What an editor shows hovering `offset` characters into the first `word` of
 * a file of `lines`, which imports gradlab's built declarations.
 */
function hoverOver(lines: string[]): (word: string, offset?: number) => string {
  const file = join(root, 'hover.ts')
  const text = [
    `import { forward, type Ops, reverse } from ${JSON.stringify(join(root, 'dist', 'index.js'))}`,
    ...lines,
  ].join('\n')
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => ({
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      types: [],
    }),
    getScriptFileNames: () => [file],
    getScriptVersion: () => '1',
    getScriptSnapshot: (name) => {
      const content = name === file ? text : ts.sys.readFile(name)
      return content === undefined ? undefined : ts.ScriptSnapshot.fromString(content)
    },
    getCurrentDirectory: () => root,
    getDefaultLibFileName: ts.getDefaultLibFilePath,
    fileExists: (name) => name === file || ts.sys.fileExists(name),
    readFile: (name) => (name === file ? text : ts.sys.readFile(name)),
  }
  const service = ts.createLanguageService(host)
  return (word, offset = 0) => {
    const at = text.indexOf(word)
    if (at < 0) throw new Error(`no ${word} in the file to hover over`)
    const info = service.getQuickInfoAtPosition(file, at + offset)
    return ts.displayPartsToString(info?.documentation)
  }
}

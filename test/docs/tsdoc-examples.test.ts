import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { promisify } from 'node:util'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

/*
 * The convention for examples in the API reference. An `@example` is a fenced
 * ```ts block inside a TSDoc comment in src/. It may use every name exported
 * from src/index.ts without importing it. A line `<expression> // => <text>`
 * asserts that Node's `util.inspect(<expression>)` prints exactly `<text>`,
 * on one line; every example has at least one, and a trailing comment on a
 * line of code is always such an assertion, so no printed result goes
 * unchecked. Each example runs in a child process via tsx, importing from
 * src/index.ts, and is one test named after the symbol it documents. Every
 * exported function and value, and every method of an exported interface,
 * class or object (every strategy method, `compile`, each op), must have one.
 */

const root = resolve(import.meta.dirname, '../..')
const src = join(root, 'src')
const index = join(src, 'index.ts')
const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs')
const ASSERTION = /^(\s*)(.*\S)\s*\/\/ => (.*)$/

interface Example {
  readonly symbol: string
  readonly where: string
  readonly code: string
}

const files = readdirSync(src, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts'))
  .map((f) => join(src, f))
const program = ts.createProgram(files, {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  noEmit: true,
  types: [],
})
const checker = program.getTypeChecker()
const entry = checker.getSymbolAtLocation(program.getSourceFile(index) as ts.SourceFile)
const exportsOfIndex = checker.getExportsOfModule(entry as ts.Symbol)
const resolved = (s: ts.Symbol) =>
  s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s
/** The name src/index.ts exports a declaration under, where it renames one (`unaryRules`). */
const publicName = new Map<ts.Node | undefined, string>(
  exportsOfIndex.map((e) => [resolved(e).declarations?.[0], e.name] as const),
)

/** The fenced ```ts code of each `@example` in a TSDoc comment; null for one without a fence. */
function examplesOf(doc: ts.JSDoc): (string | null)[] {
  const lines = doc
    .getSourceFile()
    .text.slice(doc.pos, doc.end)
    .replace(/^\/\*\*|\*\/$/g, '')
    .split('\n')
    .map((line) => line.replace(/^\s*\* ?/, ''))
  const examples: (string | null)[] = []
  let section: string[] | null = null
  let fenced = false
  const close = () => {
    if (section === null) return
    const code = /```ts\n([\s\S]*?)```/.exec(section.join('\n'))
    examples.push(code?.[1] ?? null)
  }
  for (const line of lines) {
    if (line.startsWith('```')) fenced = !fenced
    if (!fenced && line.startsWith('@')) {
      close()
      section = line.startsWith('@example') ? [] : null
    } else section?.push(line)
  }
  close()
  return examples
}

const docsOf = (node: ts.Node): ts.JSDoc[] => ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc)

/** `Strategy.gradient`, `forward`, `UnaryOps.tanh`: the declaration's name, qualified by its container's. */
function nameOf(node: ts.Node): string {
  const parts: string[] = []
  let n: ts.Node | undefined = ts.isVariableStatement(node)
    ? node.declarationList.declarations[0]
    : node
  for (; n !== undefined && !ts.isSourceFile(n); n = n.parent) {
    if (ts.isConstructorDeclaration(n)) parts.unshift('constructor')
    else if (ts.isExportDeclaration(n)) parts.unshift('gradlab')
    else if ('name' in n && n.name !== undefined && !ts.isParameter(n)) {
      parts.unshift(publicName.get(n) ?? (n.name as ts.Node).getText())
    }
  }
  return parts.join('.')
}

const examples: Example[] = []
const seen = new Set<ts.JSDoc>()
for (const file of program.getSourceFiles().filter((f) => f.fileName.startsWith(src))) {
  const visit = (node: ts.Node) => {
    for (const doc of docsOf(node)) {
      if (seen.has(doc)) continue
      seen.add(doc)
      const line = file.getLineAndCharacterOfPosition(doc.getStart()).line + 1
      for (const code of examplesOf(doc)) {
        const where = `${relative(root, file.fileName)}:${line}`
        if (code === null) throw new Error(`${where}: an @example without a fenced ts block`)
        examples.push({ symbol: nameOf(node), where, code })
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(file)
}

/** Every exported function and value, and every callable member declared in src/, by the name a user writes. */
function requiredSymbols(): Map<string, ts.Symbol> {
  const required = new Map<string, ts.Symbol>()
  for (const exported of exportsOfIndex) {
    const symbol = resolved(exported)
    const types: ts.Type[] = []
    if (symbol.flags & ts.SymbolFlags.Value) {
      required.set(exported.name, symbol)
      types.push(checker.getTypeOfSymbol(symbol))
    }
    if (symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.Class)) {
      types.push(checker.getDeclaredTypeOfSymbol(symbol))
    }
    for (const member of types.flatMap((t) => t.getProperties())) {
      const declarations = member.declarations ?? []
      const inSource = declarations.some((d) => d.getSourceFile().fileName.startsWith(src))
      const isPrivate = declarations.some(
        (d) => ts.getCombinedModifierFlags(d) & ts.ModifierFlags.Private,
      )
      const callable = checker.getTypeOfSymbol(member).getCallSignatures().length > 0
      const name = declarations[0] ? ts.getNameOfDeclaration(declarations[0])?.getText() : ''
      if (inSource && !isPrivate && callable) required.set(`${exported.name}.${name}`, member)
    }
  }
  return required
}

/** What every example module starts with: each export of src/index.ts imported, and `__show__`. */
const header = [
  `import { writeFileSync as __write__ } from 'node:fs'`,
  `import { inspect as __inspect__ } from 'node:util'`,
  `import { ${exportsOfIndex
    .map((e) => (resolved(e).flags & ts.SymbolFlags.Value ? e.name : `type ${e.name}`))
    .join(', ')} } from ${JSON.stringify(join(src, 'index.js'))}`,
  'const __printed__: string[] = []',
  'const __show__ = (value: unknown) => __printed__.push(__inspect__(value))',
]

/** The example as a module that writes what each `// =>` line's expression prints to `results`. */
function moduleOf(example: Example, results: string): string {
  // The header imports the main entry's exports; another entry (gradlab/draw) is imported from its source.
  const body = example.code
    .split('\n')
    .filter((line) => !/^import .* from 'gradlab'$/.test(line))
    .map((line) => {
      const assertion = ASSERTION.exec(line)
      return (assertion ? `${assertion[1]}__show__(${assertion[2]})` : line).replace(
        /from 'gradlab\/(\w+)'/,
        (_, entry: string) => `from ${JSON.stringify(join(src, entry, 'index.js'))}`,
      )
    })
  const footer = `__write__(${JSON.stringify(results)}, JSON.stringify(__printed__))`
  return [...header, ...body, footer].join('\n')
}

/** At most `limit` children at once, so that the examples share the machine with the other tests. */
function pool(limit: number) {
  let running = 0
  const waiting: (() => void)[] = []
  return async <R>(task: () => Promise<R>): Promise<R> => {
    if (running >= limit) await new Promise<void>((go) => waiting.push(go))
    running++
    try {
      return await task()
    } finally {
      running--
      waiting.shift()?.()
    }
  }
}

const run = pool(2)
const dir = mkdtempSync(join(tmpdir(), 'gradlab-tsdoc-'))
const titles = new Map<string, number>()
const titled = examples.map((example) => {
  const count = (titles.get(example.symbol) ?? 0) + 1
  titles.set(example.symbol, count)
  return { example, file: join(dir, `${example.symbol}.${count}.ts`) }
})
// ES modules, as in a user's project of "type": "module".
writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }))
for (const { example, file } of titled) writeFileSync(file, moduleOf(example, `${file}.json`))

describe('the API reference: every @example in src/', () => {
  it('finds the examples, and one for every exported function, value and method', () => {
    expect(examples.length).toBeGreaterThan(50)
    const missing = [...requiredSymbols()]
      .filter(([, symbol]) => !(symbol.declarations ?? []).some(hasExample))
      .map(([name]) => name)
    expect(missing).toEqual([])
  })

  it('every example asserts what it prints with // =>, and only with // =>', () => {
    const unchecked = examples.flatMap((e) =>
      e.code
        .split('\n')
        .filter((line) => /^\s*[^\s/].*\/\/(?! =>)/.test(line) || /\/\/ =>\s*$/.test(line))
        .map((line) => `${e.where} ${e.symbol}: ${line.trim()}`),
    )
    const silent = examples.filter((e) => !e.code.split('\n').some((l) => ASSERTION.test(l)))
    expect(unchecked).toEqual([])
    expect(silent.map((e) => `${e.where} ${e.symbol}`)).toEqual([])
  })

  it('every example type-checks against the declarations, as a strict user project would', () => {
    const options = { ...program.getCompilerOptions(), types: ['node'] }
    const examplesProgram = ts.createProgram(
      titled.map((t) => t.file),
      { ...options, noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true },
    )
    const errors = ts.getPreEmitDiagnostics(examplesProgram).flatMap((d) => {
      const example = titled.find((t) => t.file === d.file?.fileName)?.example
      if (example === undefined || d.file === undefined) return []
      const line = d.file.getLineAndCharacterOfPosition(d.start ?? 0).line - header.length + 1
      const message = ts.flattenDiagnosticMessageText(d.messageText, ' ')
      return [`${example.where} ${example.symbol}, line ${line} of its example: ${message}`]
    })
    expect(errors).toEqual([])
  }, 180_000) // the compiler checks every example and src/ in one program

  describe.concurrent('prints what it says it prints', () => {
    for (const { example, file } of titled) {
      const count = titles.get(example.symbol) ?? 1
      const title =
        count > 1 ? `${example.symbol} (example ${file.split('.').at(-2)})` : example.symbol
      it(title, async () => {
        await run(() => promisify(execFile)('node', [tsx, file], { cwd: root }))
        const printed = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as string[]
        const expected = example.code.split('\n').flatMap((l) => ASSERTION.exec(l)?.[3] ?? [])
        expect(printed, `${example.where}`).toEqual(expected.map((t) => t.trimEnd()))
      }, 120_000) // a child process each, two at a time, on a machine shared with other tests
    }
  })
})

/** Whether a declaration's TSDoc has an example; a variable's is on its statement. */
function hasExample(declaration: ts.Declaration): boolean {
  return docsOf(declaration).some((doc) => examplesOf(doc).length > 0)
}

import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'

/*
 * The package as a user's project meets it: built, packed, unpacked into the
 * node_modules of a project outside the source tree, imported by its name.
 * This proves the exports map, the files list and the type declarations.
 */

const root = resolve(import.meta.dirname, '..')
let project = ''
let packed: string[] = []

beforeAll(() => {
  const packDir = mkdtempSync(join(tmpdir(), 'gradlab-pack-'))
  const [info] = JSON.parse(
    execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', packDir], {
      cwd: root,
      encoding: 'utf8',
    }),
  ) as { filename: string; files: { path: string }[] }[]
  if (info === undefined) throw new Error('npm pack printed no package')
  packed = info.files.map((f) => f.path)
  project = mkdtempSync(join(tmpdir(), 'gradlab-user-'))
  const installed = join(project, 'node_modules', 'gradlab')
  mkdirSync(installed, { recursive: true })
  execFileSync('tar', [
    '-xzf',
    join(packDir, info.filename),
    '--strip-components=1',
    '-C',
    installed,
  ])
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'user-project', type: 'module' }),
  )
}, 120_000)

describe('the built package, installed in a project outside the source tree', () => {
  it('holds the compiled library, its declarations and the README, and no sources or tests', () => {
    expect(packed).toContain('dist/index.js')
    expect(packed).toContain('dist/index.d.ts')
    expect(packed).toContain('README.md')
    expect(packed.filter((p) => p.startsWith('src/') || p.startsWith('test/'))).toEqual([])
  })

  it('imports by name in Node and differentiates the course example c = (a - b)^2 in all three strategies', () => {
    writeFileSync(
      join(project, 'main.js'),
      [
        "import { forward, reverse, numeric } from 'gradlab'",
        'const c = (m, [a, b]) => m.pow(m.sub(a, b), 2)',
        'const out = [forward, reverse, numeric].map((s) => Array.from(s.gradient(c, [2, 0]), (g) => +g.toFixed(6)))',
        'console.log(JSON.stringify(out))',
      ].join('\n'),
    )
    const printed = execFileSync('node', ['main.js'], { cwd: project, encoding: 'utf8' })
    expect(JSON.parse(printed)).toEqual([
      [4, -4],
      [4, -4],
      [4, -4],
    ])
  }, 30_000)

  it("its type declarations check a user's TypeScript and reject wrong calls", () => {
    writeFileSync(
      join(project, 'consumer.ts'),
      [
        "import { forward, numeric, reverse, type Ops, type Strategy } from 'gradlab'",
        'const c = <T>(m: Ops<T>, [a, b]: readonly T[]) => m.pow(m.sub(a, b), 2)',
        'const strategies: Strategy[] = [forward, reverse, numeric]',
        'export const gradients: Float64Array[] = strategies.map((s) => s.gradient(c, [2, 0]))',
        '// @ts-expect-error x must hold numbers',
        "reverse.gradient(c, ['2', '0'])",
        '// @ts-expect-error there is no op named sine',
        'reverse.gradient((m, x) => m.sine(x[0]), [1])',
        "// @ts-expect-error numeric's scheme is 'central' or 'forward'",
        "numeric.gradient(c, [2, 0], { scheme: 'backward' })",
      ].join('\n'),
    )
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          noEmit: true,
          types: [],
          skipLibCheck: false,
        },
        files: ['consumer.ts'],
      }),
    )
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
    // Throws, with the compiler's messages, if the declarations are missing, wrong or too loose.
    execFileSync('node', [tsc, '-p', project], { cwd: project, encoding: 'utf8' })
  }, 60_000) // a compiler run in a child process, which takes seconds on a loaded machine

  it("hands f ops objects with a fixed shape, not V8's hash-table objects, in every strategy", () => {
    // An ops object whose methods were added by name in a loop can be left in
    // V8's dictionary mode, where no call like m.cos(x) is inlined (see
    // src/ops/shape.ts). %HasFastProperties is V8's own test of the shape.
    writeFileSync(
      join(project, 'shape.js'),
      [
        "import { countingOps, forward, numeric, plain, reverse } from 'gradlab'",
        "import { numbers } from './node_modules/gradlab/dist/ops/plain.js'",
        'const shapes = { plain: %HasFastProperties(plain), numbers: %HasFastProperties(numbers) }',
        'shapes.counting = %HasFastProperties(countingOps(plain, { ops: 0 }))',
        'const seen = (name) => (m, x) => { shapes[name] = %HasFastProperties(m); return m.sum(x) }',
        "forward.gradient(seen('forward'), [1, 2])",
        "reverse.gradient(seen('reverse'), [1, 2])",
        "reverse.compile(seen('compile'), [1, 2])",
        "numeric.gradient(seen('numeric'), [1, 2])",
        'console.log(JSON.stringify(shapes))',
      ].join('\n'),
    )
    const printed = execFileSync('node', ['--allow-natives-syntax', 'shape.js'], {
      cwd: project,
      encoding: 'utf8',
    })
    expect(JSON.parse(printed)).toEqual({
      plain: true,
      numbers: true,
      counting: true,
      forward: true,
      reverse: true,
      compile: true,
      numeric: true,
    })
  }, 30_000)

  it('uses nothing Node-specific, so it runs in browsers too', () => {
    const dist = join(project, 'node_modules', 'gradlab', 'dist')
    const files = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.js'),
    )
    expect(files.length).toBeGreaterThan(20) // every module, not only dist/index.js
    const code = files.map((f) => readFileSync(join(dist, f), 'utf8')).join('\n')
    expect(code).not.toMatch(/from ['"]node:|require\(|\bprocess\.|\bBuffer\b/)
  })
})

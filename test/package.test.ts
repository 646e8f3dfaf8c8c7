import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { runInNewContext } from 'node:vm'
import { beforeAll, describe, expect, it } from 'vitest'
import { course, courseCheck, newProject, root } from './helpers/install.js'

/*
 * The package as a user's project meets it: packed as `npm publish` would
 * pack it, installed with `npm install <tarball>` into projects outside the
 * source tree, and used there by name from ESM, CommonJS, TypeScript and a
 * browser bundle. (test/install-git.test.ts installs it from git.)
 */

let tarball = ''
let packed: string[] = []

beforeAll(() => {
  // dist/ was built by the global setup; --ignore-scripts keeps pack from building it again.
  const packDir = mkdtempSync(join(tmpdir(), 'gradlab-pack-'))
  const [info] = JSON.parse(
    execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', packDir], {
      cwd: root,
      encoding: 'utf8',
    }),
  ) as { filename: string; files: { path: string }[] }[]
  if (info === undefined) throw new Error('npm pack printed no package')
  tarball = join(packDir, info.filename)
  packed = info.files.map((f) => f.path)
}, 120_000)

/** A fresh project of the given module type with the tarball installed by npm. */
function installed(type: 'module' | 'commonjs'): string {
  const project = newProject(type)
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', tarball], {
    cwd: project,
    stdio: 'pipe',
  })
  return project
}

const node = (project: string, file: string, ...flags: string[]) =>
  execFileSync('node', [...flags, file], { cwd: project, encoding: 'utf8' })

const tsc = (project: string) =>
  // Throws, with the compiler's messages, if the declarations are missing, wrong or too loose.
  execFileSync('node', [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project], {
    cwd: project,
    encoding: 'utf8',
  })

describe('the packed package', () => {
  it('holds the compiled library, its declarations, its sources, README, CHANGELOG and LICENSE, and no tests or benchmarks', () => {
    for (const file of ['dist/index.js', 'dist/index.d.ts', 'src/index.ts'])
      expect(packed).toContain(file)
    for (const file of ['README.md', 'CHANGELOG.md', 'LICENSE', 'package.json'])
      expect(packed).toContain(file)
    expect(packed.filter((p) => /^(test|bench|examples|docs|report)\//.test(p))).toEqual([])
  })

  it('has source maps and declaration maps whose every source is a file in the package', () => {
    const maps = packed.filter((p) => p.endsWith('.map'))
    expect(maps.length).toBeGreaterThan(40) // a .js.map and a .d.ts.map for every module
    const missing = maps.flatMap((map) => {
      const { sources } = JSON.parse(readFileSync(join(root, map), 'utf8')) as { sources: string[] }
      return sources
        .map((s) => join(dirname(map), s))
        .filter((s) => !packed.includes(s.replaceAll('\\', '/')))
    })
    expect(missing).toEqual([])
  })
})

describe('installed from its tarball with npm install', () => {
  it('imports by name in an ES module and differentiates the course example in all three strategies', () => {
    const project = installed('module')
    writeFileSync(join(project, 'main.js'), `import * as g from 'gradlab'\n${courseCheck}`)
    expect(JSON.parse(node(project, 'main.js'))).toEqual(course)
  }, 60_000)

  it("is required by name from CommonJS (npm init's default) with require('gradlab')", () => {
    const project = installed('commonjs')
    writeFileSync(join(project, 'main.js'), `const g = require('gradlab')\n${courseCheck}`)
    expect(JSON.parse(node(project, 'main.js'))).toEqual(course)
  }, 60_000)

  it('draws a trace with gradlab/draw from ESM and CommonJS once @viz-js/viz is installed, and says to install it before', () => {
    const trace =
      "g.reverse.trace((m, [a, b]) => m.pow(m.sub(a, b), 2), [2, 0], { names: ['a', 'b'] })"
    const draw = () =>
      `draw.traceToSvg(${trace}).then((svg) => console.log(svg.slice(0, 4)), (e) => console.log(e.code))`
    const esm = installed('module')
    writeFileSync(
      join(esm, 'main.js'),
      `import * as g from 'gradlab'\nimport * as draw from 'gradlab/draw'\n${draw()}`,
    )
    expect(node(esm, 'main.js').trim()).toBe('ERR_GRADLAB_MISSING_DEPENDENCY')
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', '@viz-js/viz'], {
      cwd: esm,
      stdio: 'pipe',
    })
    expect(node(esm, 'main.js').trim()).toBe('<svg')
    const cjs = installed('commonjs')
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', '@viz-js/viz'], {
      cwd: cjs,
      stdio: 'pipe',
    })
    writeFileSync(
      join(cjs, 'main.js'),
      `const g = require('gradlab')\nconst draw = require('gradlab/draw')\n${draw()}`,
    )
    expect(node(cjs, 'main.js').trim()).toBe('<svg')
  }, 120_000)

  it('installs the gradlab command: gradlab explain prints the passes, and says how to get the SVG', () => {
    const project = installed('module')
    const bin = join(project, 'node_modules', '.bin', 'gradlab')
    const run = spawnSync(bin, ['explain', '(a - b)^2', '--at', 'a=2,b=0'], {
      cwd: project,
      encoding: 'utf8',
    })
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/\n {2}d\/da {2}4 {13}4 {13}3\.99\d+\n/)
    expect(run.stderr).toBe(
      'no SVG drawn: drawing needs the package @viz-js/viz (npm install @viz-js/viz)\n',
    )
    expect(execFileSync(bin, ['--version'], { encoding: 'utf8' })).toBe(
      `${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version}\n`,
    )
  }, 60_000)

  // The consumer a strict TypeScript user writes: tuple inputs, tuple points, and calls that must not compile.
  const consumer = [
    "import { forward, gradcheck, numeric, reverse, type Ops, type Strategy } from 'gradlab'",
    'const c = <T>(m: Ops<T>, [a, b]: readonly [T, T]) => m.pow(m.sub(a, b), 2)',
    'const strategies: Strategy[] = [forward, reverse, numeric]',
    'export const gradients: Float64Array[] = strategies.map((s) => s.gradient(c, [2, 0]))',
    'export const sum = reverse.gradient((m, x) => m.sum(x), new Float64Array(3))',
    'export const inline = forward.jacobian((m, [a, b]) => [m.mul(a, b), m.sin(a)], [1, 2])',
    'export const compiled = reverse.compile(c, [0, 0]).gradient([2, 0])',
    'export const ok: boolean = gradcheck(c, [2, 0]).ok',
    '// @ts-expect-error x must hold numbers',
    "reverse.gradient(c, ['2', '0'])",
    '// @ts-expect-error a function of two inputs given three',
    'reverse.gradient(c, [1, 2, 3])',
    '// @ts-expect-error a tuple function needs a point whose length is known',
    'reverse.gradient(c, new Float64Array(2))',
    '// @ts-expect-error there is no op named sine',
    'reverse.gradient((m, x: readonly unknown[]) => m.sine(x[0]), [1])',
    "// @ts-expect-error numeric's scheme is 'central', 'forward' or 'richardson'",
    "numeric.gradient(c, [2, 0], { scheme: 'backward' })",
  ].join('\n')

  for (const [name, type, options] of [
    ['node16', 'module', { module: 'node16', moduleResolution: 'node16' }],
    ['nodenext, from CommonJS', 'commonjs', { module: 'nodenext', moduleResolution: 'nodenext' }],
    ['bundler', 'module', { module: 'esnext', moduleResolution: 'bundler' }],
  ] as const) {
    it(`type-checks a strict TypeScript user's code with noUncheckedIndexedAccess and ${name} resolution`, () => {
      const project = installed(type)
      writeFileSync(join(project, 'consumer.ts'), consumer)
      writeFileSync(
        join(project, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            ...options,
            strict: true,
            noUncheckedIndexedAccess: true,
            exactOptionalPropertyTypes: true,
            target: 'es2022',
            noEmit: true,
            types: [],
            skipLibCheck: false,
          },
          files: ['consumer.ts'],
        }),
      )
      tsc(project)
    }, 60_000) // npm and a compiler run in child processes, which take seconds on a loaded machine
  }

  it('bundles with esbuild for the browser and runs where no Node globals exist', () => {
    const project = installed('module')
    writeFileSync(
      join(project, 'app.js'),
      `import * as g from 'gradlab'\nconst print = (s) => globalThis.printed.push(s)\n${courseCheck.replace('console.log', 'print')}`,
    )
    const out = join(project, 'bundle.js')
    execFileSync(
      join(root, 'node_modules', '.bin', 'esbuild'),
      ['app.js', '--bundle', '--platform=browser', '--format=iife', `--outfile=${out}`],
      { cwd: project, stdio: 'pipe' },
    )
    // A bare context: no require, process, Buffer or module, as in a browser page.
    const sandbox = { printed: [] as string[] }
    runInNewContext(readFileSync(out, 'utf8'), sandbox)
    expect(sandbox.printed.map((s) => JSON.parse(s))).toEqual([course])
  }, 60_000)

  it("hands f ops objects with a fixed shape, not V8's hash-table objects, in every strategy", () => {
    // An ops object whose methods were added by name in a loop can be left in
    // V8's dictionary mode, where no call like m.cos(x) is inlined (see
    // src/ops/shape.ts). %HasFastProperties is V8's own test of the shape.
    const project = installed('module')
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
    expect(JSON.parse(node(project, 'shape.js', '--allow-natives-syntax'))).toEqual({
      plain: true,
      numbers: true,
      counting: true,
      forward: true,
      reverse: true,
      compile: true,
      numeric: true,
    })
  }, 60_000)

  it('uses nothing Node-specific in its compiled code', () => {
    const dist = resolve(root, 'dist')
    // The gradlab command (dist/explain/cli.js) is Node's by nature; the library it runs is not.
    const files = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.js') && f !== join('explain', 'cli.js'),
    )
    expect(files.length).toBeGreaterThan(20) // every module, not only dist/index.js
    expect(existsSync(join(dist, 'index.js'))).toBe(true)
    const code = files.map((f) => readFileSync(join(dist, f), 'utf8')).join('\n')
    expect(code).not.toMatch(/from ['"]node:|require\(|\bprocess\.|\bBuffer\b/)
  })
})

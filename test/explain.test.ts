import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runExplain } from '../src/explain/index.js'
import { evaluator, parseExpression, variablesOf } from '../src/explain/parse.js'
import { isGradlabError, plain } from '../src/index.js'

/*
 * `gradlab explain`: its parser (precedence, associativity, functions from
 * the op table, errors with positions) and the command's output, which
 * docs/backward-pass.md shows and this test compares with what it prints.
 */

/** The expression evaluated with plain numbers at the named values. */
function evaluateAt(text: string, at: Record<string, number>): number {
  const tree = parseExpression(text)
  const names = Object.keys(at)
  return evaluator(tree, text, names)(plain, Object.values(at)) as number
}

/** The parse error's message, or null when it parses. */
function parseError(text: string): string | null {
  try {
    parseExpression(text)
    return null
  } catch (error) {
    expect(isGradlabError(error, 'ERR_GRADLAB_INVALID_EXPRESSION')).toBe(true)
    return (error as Error).message
  }
}

async function run(...args: string[]) {
  const out: string[] = []
  const err: string[] = []
  const files = new Map<string, string>()
  const code = await runExplain(args, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    writeFile: (path, text) => files.set(path, text),
  })
  return { code, out: out.join('\n'), err: err.join('\n'), files }
}

describe('the expression parser', () => {
  it('follows the usual precedence: unary minus below ^, * and / above + and -', () => {
    const at = { a: 2, b: 3, c: 0.5 }
    expect(evaluateAt('a + b * c', at)).toBe(2 + 3 * 0.5)
    expect(evaluateAt('(a + b) * c', at)).toBe((2 + 3) * 0.5)
    expect(evaluateAt('a - b - c', at)).toBe(2 - 3 - 0.5)
    expect(evaluateAt('a / b / c', at)).toBe(2 / 3 / 0.5)
    expect(evaluateAt('-a^2', at)).toBe(-4)
    expect(evaluateAt('a^b^c', at)).toBe(2 ** (3 ** 0.5))
    expect(evaluateAt('a ** -c', at)).toBe(2 ** -0.5)
    expect(evaluateAt('2 * -a', at)).toBe(-4)
    expect(evaluateAt('1.5e-3 * a + .5', at)).toBe(1.5e-3 * 2 + 0.5)
  })

  it("takes the op table's ops as functions, with their arity", () => {
    const at = { a: 0.3, b: -1.2 }
    expect(evaluateAt('tanh(a) + atan2(a, b)', at)).toBe(Math.tanh(0.3) + Math.atan2(0.3, -1.2))
    expect(evaluateAt('max(a, b) * relu(b)', at)).toBe(0.3 * 0)
    expect(evaluateAt('pow(a - b, 2)', at)).toBe((0.3 + 1.2) ** 2)
  })

  it('lists variables in order of first appearance', () => {
    expect(variablesOf(parseExpression('w * x + b + w'))).toEqual(['w', 'x', 'b'])
  })

  it('names the position of each kind of mistake, with a caret under it', () => {
    expect(parseError('(a - b')).toBe(
      "explain: expected ')', found end of the expression at position 7:\n  (a - b\n        ^",
    )
    expect(parseError('a + * b')).toBe(
      "explain: expected a number, a name or '(', found '*' at position 5:\n  a + * b\n      ^",
    )
    expect(parseError('a b')).toBe(
      "explain: expected an operator or the end, found 'b' at position 3:\n  a b\n    ^",
    )
    expect(parseError('a $ b')).toBe(
      "explain: unexpected character '$' at position 3:\n  a $ b\n    ^",
    )
    expect(parseError('sine(a)')).toMatch(
      /^explain: unknown function 'sine' \(functions: neg, abs, sqrt, .*, max\) at position 1:/,
    )
    expect(parseError('pow(a)')).toBe(
      'explain: pow takes 2 arguments, given 1 at position 1:\n  pow(a)\n  ^',
    )
    expect(parseError('sin + 1')).toBe(
      'explain: sin is a function: write sin(...) at position 1:\n  sin + 1\n  ^',
    )
    expect(parseError('  ')).toBe('explain: the expression is empty; give one such as "(a - b)^2".')
  })
})

describe('gradlab explain', () => {
  it('prints what docs/backward-pass.md shows for the course example, and writes the SVG', async () => {
    const doc = readFileSync(resolve(import.meta.dirname, '../docs/backward-pass.md'), 'utf8')
    const shown =
      /```sh\nnpx gradlab explain "\(a - b\)\^2" --at a=2,b=0\n```\n\n```text\n([\s\S]*?)```/.exec(
        doc,
      )?.[1]
    expect(shown).toBeDefined()
    const { code, out, files } = await run('explain', '(a - b)^2', '--at', 'a=2,b=0')
    expect(code).toBe(0)
    expect(`${out}\n`).toBe(shown)
    expect(files.get('explain.svg')?.startsWith('<svg')).toBe(true)
  })

  it('gives every variable in --at an input, used or not, and leaves out the SVG with --no-svg', async () => {
    const { code, out, files } = await run('explain', 'sin(x)', '--at', 'x=0,y=1', '--no-svg')
    expect(code).toBe(0)
    expect(out).toMatch(/\n {2}d\/dx +1 +1 +\S+\n {2}d\/dy +0 +0 +0$/)
    expect(files.size).toBe(0)
  })

  it('checks the syntax before the values, and needs no --at for a constant', async () => {
    const bad = await run('explain', 'sin(a')
    expect(bad.code).toBe(1)
    expect(bad.err).toMatch(/^gradlab explain: expected '\)' after the arguments/)
    const constant = await run('explain', '2 + 3', '--no-svg')
    expect(constant.code).toBe(0)
    expect(constant.out.split('\n')[0]).toBe(
      'f() = 2 + 3 (no variables: a constant, whose gradient is empty)',
    )
    expect(constant.out).toContain('gradient: f = 5')
  })

  it('adds up several --at, and notes a name the expression does not use', async () => {
    const { code, out, err } = await run(
      'explain',
      'a * b',
      '--at',
      'a=2',
      '--at',
      'b=3,c=1',
      '--no-svg',
    )
    expect(code).toBe(0)
    expect(out.split('\n')[0]).toBe('f(a, b, c) = a * b at a = 2, b = 3, c = 1')
    expect(out).toMatch(/\n {2}d\/da +3 +3 +\S+\n {2}d\/db +2 +2 +\S+\n {2}d\/dc +0 +0 +0$/)
    expect(err).toBe('gradlab explain: note: c is not in the expression, so its derivative is 0.')
  })

  it('says so when the SVG cannot be written, and exits with 1', async () => {
    const out: string[] = []
    const err: string[] = []
    const code = await runExplain(['explain', 'a', '--at', 'a=1', '--svg', '/no/such/dir/x.svg'], {
      out: (line) => out.push(line),
      err: (line) => err.push(line),
      writeFile: () => {
        throw new Error("ENOENT: no such file or directory, open '/no/such/dir/x.svg'")
      },
    })
    expect(code).toBe(1)
    expect(err).toEqual([
      "gradlab explain: could not write the SVG to /no/such/dir/x.svg: ENOENT: no such file or directory, open '/no/such/dir/x.svg'",
    ])
  })

  it('says which names have no value, and how to give them', async () => {
    const { code, err } = await run('explain', 'a * b + c', '--at', 'a=1')
    expect(code).toBe(2)
    expect(err).toBe(
      'gradlab explain: b, c have no value; give them with --at (for example --at b=1,c=1).',
    )
  })

  it('prints the parse error and exits with 1', async () => {
    const { code, err } = await run('explain', 'tanh(w*x + b', '--at', 'w=1,x=2,b=0')
    expect(code).toBe(1)
    expect(err).toBe(
      "gradlab explain: expected ')' after the arguments, found end of the expression at position 13:\n  tanh(w*x + b\n              ^",
    )
  })

  it('refuses bad arguments with the usage, and exits with 2', async () => {
    for (const [args, message] of [
      [[], 'no command given'],
      [['explian', 'a'], "unknown command 'explian'"],
      [['explain', 'a', '--at', 'a=x'], "--at: 'a=x' is not name=number"],
      [['explain', 'a', '--at', 'a=1,a=2'], '--at gives a twice'],
      [['explain', 'a', 'b', '--at', 'a=1'], "one expression only, but 'b' follows 'a'"],
      [['explain', 'a', '--at', 'a=1', '--color'], "unknown option '--color'"],
    ] as const) {
      const { code, err } = await run(...args)
      expect(code, args.join(' ')).toBe(2)
      expect(err.split('\n')[0]).toBe(`gradlab: ${message}`)
      expect(err).toContain('usage: gradlab explain')
    }
    expect((await run('--help')).out).toMatch(/^usage: gradlab explain/)
  })
})

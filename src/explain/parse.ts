import { gradlabError } from '../core/errors.js'
import { BINARY_OPS, type BinaryName, UNARY_OPS, type UnaryName } from '../ops/index.js'
import type { Ops } from '../ops/types.js'
import { named } from '../reverse/trace.js'

/*
 * Expressions for `gradlab explain`: arithmetic a learner types on the
 * command line, such as "(a - b)^2" or "tanh(w1 * x + b1)", parsed by
 * recursive descent into a tree that evaluates with any strategy's ops. The
 * functions are the op table's names, so the parser has no list of its own.
 *
 *   expression := term (('+' | '-') term)*
 *   term       := unary (('*' | '/') unary)*
 *   unary      := '-' unary | power
 *   power      := atom (('^' | '**') unary)?      (right-associative: a^b^c = a^(b^c))
 *   atom       := number | name | name '(' arguments ')' | '(' expression ')'
 */

/** A parsed expression: a number, a variable or an op applied to operands, with where it is in the text. */
export type Expression =
  | {
      readonly kind: 'number'
      readonly value: number
      readonly start: number
      readonly end: number
    }
  | {
      readonly kind: 'variable'
      readonly name: string
      readonly start: number
      readonly end: number
    }
  | {
      readonly kind: 'op'
      readonly op: UnaryName | BinaryName
      readonly operands: readonly Expression[]
      readonly start: number
      readonly end: number
    }

/** The infix operators of sums and products (a power is parsed apart: it binds tighter, to the right). */
const BINARY_SYMBOL: Readonly<Record<string, BinaryName>> = {
  '+': 'add',
  '-': 'sub',
  '*': 'mul',
  '/': 'div',
}

interface Token {
  readonly text: string
  readonly kind: 'number' | 'name' | 'symbol' | 'end'
  readonly start: number
}

/** A parse error: the message, the text, and a caret under the position. */
function syntaxError(text: string, at: number, what: string): Error {
  return gradlabError(
    Error,
    'ERR_GRADLAB_INVALID_EXPRESSION',
    `explain: ${what} at position ${at + 1}:\n  ${text}\n  ${' '.repeat(at)}^`,
  )
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  const pattern =
    /\s*(?:(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_]\w*)|(\*\*|[-+*/^(),]))/y
  let at = 0
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break
    pattern.lastIndex = at
    const m = pattern.exec(text)
    if (m === null) {
      const bad = at + (/^\s*/.exec(text.slice(at))?.[0].length ?? 0)
      throw syntaxError(text, bad, `unexpected character '${text[bad]}'`)
    }
    const start = m.index + m[0].length - (m[1] ?? m[2] ?? m[3] ?? '').length
    if (m[1] !== undefined) tokens.push({ text: m[1], kind: 'number', start })
    else if (m[2] !== undefined) tokens.push({ text: m[2], kind: 'name', start })
    else tokens.push({ text: m[3] as string, kind: 'symbol', start })
    at = pattern.lastIndex
  }
  tokens.push({ text: '', kind: 'end', start: text.length })
  return tokens
}

const describeToken = (t: Token) => (t.kind === 'end' ? 'end of the expression' : `'${t.text}'`)

/**
 * Parses an expression, or throws an Error (code
 * `ERR_GRADLAB_INVALID_EXPRESSION`) naming the position of the first
 * mistake, with the text and a caret under it.
 */
export function parseExpression(text: string): Expression {
  if (typeof text !== 'string' || text.trim() === '') {
    throw gradlabError(
      Error,
      'ERR_GRADLAB_INVALID_EXPRESSION',
      'explain: the expression is empty; give one such as "(a - b)^2".',
    )
  }
  const tokens = tokenize(text)
  let k = 0
  const peek = () => tokens[k] as Token
  const next = () => tokens[k++] as Token
  const expect = (symbol: string, what: string) => {
    const t = next()
    if (t.text !== symbol || t.kind !== 'symbol') {
      throw syntaxError(text, t.start, `expected ${what}, found ${describeToken(t)}`)
    }
    return t
  }
  const op = (
    name: UnaryName | BinaryName,
    operands: Expression[],
    start: number,
    end: number,
  ): Expression => ({ kind: 'op', op: name, operands, start, end })

  /** A left-associative chain of `operand`s joined by the infix `symbols` (one grammar level). */
  function chain(symbols: readonly string[], operand: () => Expression): Expression {
    let left = operand()
    while (peek().kind === 'symbol' && symbols.includes(peek().text)) {
      const symbol = next().text
      const right = operand()
      left = op(BINARY_SYMBOL[symbol] as BinaryName, [left, right], left.start, right.end)
    }
    return left
  }
  const expression = (): Expression => chain(['+', '-'], term)
  const term = (): Expression => chain(['*', '/'], unary)
  function unary(): Expression {
    if (peek().kind === 'symbol' && peek().text === '-') {
      const start = next().start
      const operand = unary()
      return op('neg', [operand], start, operand.end)
    }
    return power()
  }
  function power(): Expression {
    const base = atom()
    if (peek().kind === 'symbol' && (peek().text === '^' || peek().text === '**')) {
      next()
      const exponent = unary()
      return op('pow', [base, exponent], base.start, exponent.end)
    }
    return base
  }
  function atom(): Expression {
    const t = next()
    if (t.kind === 'number') {
      return { kind: 'number', value: Number(t.text), start: t.start, end: t.start + t.text.length }
    }
    if (t.kind === 'name') {
      const arity = (UNARY_OPS as readonly string[]).includes(t.text)
        ? 1
        : (BINARY_OPS as readonly string[]).includes(t.text)
          ? 2
          : 0
      if (!(peek().kind === 'symbol' && peek().text === '(')) {
        if (arity > 0) {
          throw syntaxError(text, t.start, `${t.text} is a function: write ${t.text}(...)`)
        }
        return { kind: 'variable', name: t.text, start: t.start, end: t.start + t.text.length }
      }
      if (arity === 0) {
        throw syntaxError(
          text,
          t.start,
          `unknown function '${t.text}' (functions: ${[...UNARY_OPS, ...BINARY_OPS].join(', ')})`,
        )
      }
      next()
      const operands = [expression()]
      while (peek().kind === 'symbol' && peek().text === ',') {
        next()
        operands.push(expression())
      }
      const close = expect(')', "')' after the arguments")
      if (operands.length !== arity) {
        throw syntaxError(
          text,
          t.start,
          `${t.text} takes ${arity} argument${arity === 1 ? '' : 's'}, given ${operands.length}`,
        )
      }
      return op(t.text as UnaryName | BinaryName, operands, t.start, close.start + 1)
    }
    if (t.kind === 'symbol' && t.text === '(') {
      const inner = expression()
      const close = expect(')', "')'")
      return { ...inner, start: t.start, end: close.start + 1 }
    }
    throw syntaxError(text, t.start, `expected a number, a name or '(', found ${describeToken(t)}`)
  }

  const tree = expression()
  if (peek().kind !== 'end') {
    const t = peek()
    throw syntaxError(text, t.start, `expected an operator or the end, found ${describeToken(t)}`)
  }
  return tree
}

/** The variables of an expression, in order of first appearance. */
export function variablesOf(tree: Expression): string[] {
  const seen: string[] = []
  const walk = (e: Expression) => {
    if (e.kind === 'variable' && !seen.includes(e.name)) seen.push(e.name)
    if (e.kind === 'op') for (const o of e.operands) walk(o)
  }
  walk(tree)
  return seen
}

/** Text without the parentheses that enclose all of it: "(a - b)" is "a - b", "(a) - (b)" stays. */
function unwrapped(text: string): string {
  let t = text.trim()
  while (t.startsWith('(') && t.endsWith(')')) {
    let depth = 0
    let closesAtEnd = true
    for (let i = 0; i < t.length - 1; i++) {
      if (t[i] === '(') depth++
      else if (t[i] === ')') depth--
      if (depth === 0) {
        closesAtEnd = false
        break
      }
    }
    if (!closesAtEnd) break
    t = t.slice(1, -1).trim()
  }
  return t
}

/**
 * The expression as a function of any ops, its variables in `variables`'
 * order; each op's value is named with its text (for reverse.trace).
 */
export function evaluator(
  tree: Expression,
  text: string,
  variables: readonly string[],
): <T>(m: Ops<T>, x: readonly T[]) => T {
  return <T>(m: Ops<T>, x: readonly T[]): T => {
    const evaluate = (e: Expression): T | number => {
      if (e.kind === 'number') return e.value
      if (e.kind === 'variable') return x[variables.indexOf(e.name)] as T
      const operands = e.operands.map(evaluate)
      const result = (m[e.op] as (...a: (T | number)[]) => T).call(m, ...operands)
      return named(result, unwrapped(text.slice(e.start, e.end)))
    }
    const out = evaluate(tree)
    return typeof out === 'number' ? m.constant(out) : out
  }
}

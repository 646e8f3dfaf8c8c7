import type { Reporter, TestCase, TestModule } from 'vitest/node'

/*
 * `npm run test:teach`: the property suite printed as an outline of what it
 * just verified, chapter by chapter in the order a reader learns them. Each
 * test's outermost describe block names its chapter; each line is the claim
 * a test's name states, marked with whether it held on this run.
 */

interface Chapter {
  readonly title: string
  readonly lesson: string
}

const CHAPTERS: readonly Chapter[] = [
  {
    title: 'The chain rule',
    lesson:
      'Every op knows its local derivatives (its partials). The derivative of a composition is the product of the local derivatives along each path from an input to the output, summed over the paths. First each partial is checked against values alone, then the laws that follow from them.',
  },
  {
    title: 'Forward mode',
    lesson:
      'Forward mode carries a tangent beside every value, tangent_out = sum of partial x tangent_in, with dual numbers. One pass along a direction v gives J v, a column combination of the Jacobian; a gradient of n inputs takes n passes.',
  },
  {
    title: 'Reverse mode',
    lesson:
      "Reverse mode records every op's partials on a tape, then walks it backwards from the output, adjoint_in += partial x adjoint_out. One backward pass gives u^T J, a row combination: a whole gradient at once. It multiplies the same partials as forward mode in another order, so the two agree to rounding.",
  },
  {
    title: 'Finite differences',
    lesson:
      "Central differences (f(x + h) - f(x - h)) / 2h use values only, no rules, so they check the other two independently. They are approximate: truncation h^2 f''' / 6 shrinks with h while rounding eps |f| / h grows, and h ~ eps^(1/3) balances them at about ten correct digits.",
  },
  {
    title: 'Why reverse wins',
    lesson:
      'For f: R^n -> R, forward mode costs n evaluations and central differences 2n + 1, while reverse mode costs at most 3 whatever n is, because factors shared by many parameters are multiplied once on the way back. Training a network with millions of weights is exactly this case.',
  },
  {
    title: 'Second derivatives and nesting',
    lesson:
      "A derivative taken inside another (within(m)) computes with the enclosing derivative's values, so the enclosing one differentiates it: forward over reverse gives a Hessian-vector product for a few gradients' cost. Each value belongs to one derivative, so two derivatives' perturbations are never confused (d/dx [x d/dy (x + y)] is 1, not 2). The four exact nestings multiply the same first and second partials in different orders and agree to rounding; Taylor jets built from the rules alone check them.",
  },
  {
    title: 'Conventions at kinks',
    lesson:
      'Where an op has no derivative (|a| at 0, max at a tie) every strategy uses the same documented convention, so they still agree; central differences see the average slope, which is not always the convention.',
  },
  {
    title: 'One interface, any order of calls',
    lesson: 'The strategies keep buffers between calls; no state leaks from one call into another.',
  },
  {
    title: 'Errors that say what to do',
    lesson:
      'Every error names the call, what was wrong with the value it got, and what to do instead, for any bad value of any kind.',
  },
  {
    title: 'Your own ops',
    lesson:
      "A primitive you define with its value and partials (defineUnary, defineBinary), or a block you give its own vector-Jacobian product (defineBlock), is read by every strategy as the table's ops are: copies of the table's ops rebuilt that way change no number anywhere.",
  },
  {
    title: 'Checking your own derivatives',
    lesson:
      'gradcheck compares forward and reverse mode with central differences on your function and names the worst entry; its fast mode checks one random projection u^T J v at a cost independent of n. Given a gradient, VJP or JVP you wrote by hand, it checks yours against all three strategies instead and names the entry you got wrong.',
  },
]

/** Files in reading order, so that within a chapter the rules come before the laws built on them. */
const FILES = [
  'op-rules',
  'domains',
  'laws',
  'agreement',
  'jacobian',
  'adjoint',
  'network',
  'finite-differences',
  'cost',
  'memory',
  'second-order',
  'kinks',
  'history',
  'interface',
  'contracts',
  'numeric-options',
  'options',
  'custom-ops',
  'gradcheck-examples',
  'gradcheck',
  'gradcheck-derivatives',
]

const rank = (module: TestModule) => {
  const name = module.moduleId.replace(/^.*\//, '').replace(/\.test\.ts$/, '')
  const i = FILES.indexOf(name)
  return i < 0 ? FILES.length : i
}

function chapterOf(test: TestCase): string {
  let suite = test.parent
  while (suite.type === 'suite' && suite.parent.type === 'suite') suite = suite.parent
  return suite.type === 'suite' ? suite.name : 'Other claims'
}

/** Wraps text to the width of a terminal: the first line at `indent`, the others at `hanging`. */
function wrap(text: string, indent: string, hanging = indent, width = 100): string {
  const lines: string[] = []
  let line = ''
  const prefix = () => (lines.length === 0 ? indent : hanging)
  for (const word of text.split(' ')) {
    if (line !== '' && prefix().length + line.length + word.length + 1 > width) {
      lines.push(prefix() + line)
      line = word
    } else line = line === '' ? word : `${line} ${word}`
  }
  if (line !== '') lines.push(prefix() + line)
  return lines.join('\n')
}

export default class TeachReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const claims = new Map<string, { name: string; state: string }[]>()
    for (const module of [...modules].sort((a, b) => rank(a) - rank(b))) {
      for (const test of module.children.allTests()) {
        const chapter = chapterOf(test)
        const list = claims.get(chapter) ?? []
        list.push({ name: test.name, state: test.result().state })
        claims.set(chapter, list)
      }
    }
    const known = CHAPTERS.map((c) => c.title)
    const order = [
      ...CHAPTERS,
      ...[...claims.keys()]
        .filter((t) => !known.includes(t))
        .map((title) => ({ title, lesson: '' })),
    ]
    const out: string[] = [
      '',
      "What gradlab's property suite just verified, in the order a reader learns it.",
      '',
    ]
    let passed = 0
    let total = 0
    order.forEach((chapter, i) => {
      const list = claims.get(chapter.title)
      if (list === undefined) return
      out.push(`${i + 1}. ${chapter.title}`)
      if (chapter.lesson !== '') out.push(wrap(chapter.lesson, '   '), '')
      for (const claim of list) {
        total++
        if (claim.state === 'passed') passed++
        const mark =
          claim.state === 'passed'
            ? '✓'
            : claim.state === 'failed'
              ? '✗ FAILED:'
              : `(${claim.state})`
        out.push(wrap(`${mark} ${claim.name}`, '   ', '     '))
      }
      out.push('')
    })
    out.push(`${passed} of ${total} claims held.`, '')
    process.stdout.write(out.join('\n'))
  }
}

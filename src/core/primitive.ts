import { gradlabError } from './errors.js'
/**
 * The `Symbol.toPrimitive` of gradlab's values. JavaScript would otherwise
 * turn a value into NaN in `x > 0` or `x + 1`, and the comparison would
 * silently take the wrong branch. In a string (`${x}`) it describes itself.
 */
export function refuseNumberConversion(hint: string, kind: string, fields: string): string {
  if (hint === 'string') return `${kind}(${fields})`
  throw gradlabError(
    TypeError,
    'ERR_GRADLAB_VALUE_AS_NUMBER',
    `gradlab: a ${kind} was used as a plain number (in a comparison or in arithmetic with + - * /). Read its value with m.value(x), or compute with the ops: m.add, m.mul, m.max, ...`,
  )
}

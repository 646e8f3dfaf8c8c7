import { accuracyFindings, countFindings, memoryFindings } from './findings-cost.js'
import { hessianFindings } from './findings-second.js'
import { gradientFindings, jacobianFindings, peerFindings } from './findings-speed.js'
import { targetFindings } from './findings-targets.js'
import type { Measured } from './quote.js'
import type { Finding } from './schema.js'

/*
 * The report's sentences, generated from the measurements: each quotes only
 * numbers the run produced (see Sentence), and a comparison is stated only
 * where both sides were measured.
 */

export function findings(r: Measured): Finding[] {
  return [
    ...targetFindings(r),
    ...gradientFindings(r),
    ...countFindings(r),
    ...jacobianFindings(r),
    ...hessianFindings(r),
    ...memoryFindings(r),
    ...accuracyFindings(r),
    ...peerFindings(r),
  ]
}

import { generate } from './src/reverse/codegen.js'
import { recordProgram } from './src/reverse/recording.js'
import type { Ops } from './src/index.js'
const f = <T,>(m: Ops<T>, x: readonly T[]) => {
      const u = m.mul(x[0] as T, x[0] as T)
      const w = m.value(u) >= 0 && m.gt(u, -1) ? m.exp(u) : u
      return m.add(w, x[1] as T)
}
const x = Float64Array.from({length: 3}, (_, i) => Math.sin(i+1))
const { program, output } = recordProgram('t', x, f as never)
console.log(program.reads, program.guards)
const s = generate(program, 3, output, Infinity)
console.log(typeof s === 'string' ? s : s.source.split('backward')[0])

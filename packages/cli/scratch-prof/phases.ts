import { readFileSync } from "node:fs"
import { checkDoc } from "../src/commands/validate/Check.ts"
import * as Reader from "../src/commands/validate/Reader.ts"
import { splitter } from "../src/commands/validate/Split.ts"
import { writer } from "../src/commands/validate/Output.ts"
const text = readFileSync(process.argv[2]!, "utf8")
for (let pass = 0; pass < Number(process.argv[3] ?? 5); pass++) {
  let tSplit = 0, tRead = 0, tCheck = 0, tWrite = 0
  const t0 = performance.now()
  const split = splitter()
  const pieces = [...split.push(text, []), ...split.end()]
  tSplit = performance.now() - t0
  const w = writer("json")
  let out = ""
  for (const p of pieces) {
    const a = performance.now()
    const docs = Reader.read(p)
    const b = performance.now()
    tRead += b - a
    for (const d of docs) {
      const o = checkDoc(d)
      const c = performance.now()
      tCheck += c - b
      out += w.document("f", o)
      tWrite += performance.now() - c
    }
  }
  console.log(`pass ${pass}: split ${tSplit.toFixed(1)} read ${tRead.toFixed(1)} check ${tCheck.toFixed(1)} write ${tWrite.toFixed(1)} total ${(performance.now() - t0).toFixed(1)} ms, ${pieces.length} pieces, out ${out.length}`)
}

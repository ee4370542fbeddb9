/**
 * Writes a recorder's fixture (lib.sh `write_fixture`): `{ upstreamCommit, ...extra, entries }`
 * with entry i made of case i and output i, shaped as SHAPE says:
 *   input   `{ input: case, ...output }`
 *   go      `{ input: case, go: output }`
 *   spread  `{ ...case, ...output }`
 * A cases file that is an object `{ cases, ...rest }` puts `rest` at the top level too.
 *
 *   node fixture.ts CASES OUTPUTS COMMIT TARGET SHAPE [EXTRA_JSON]
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { dirname } from "node:path"

const [casesFile, outputsFile, commit, target, shape, extraJson = "{}"] = process.argv.slice(2)
if (casesFile === undefined || outputsFile === undefined || commit === undefined || target === undefined || shape === undefined) {
  process.stderr.write("usage: fixture.ts CASES OUTPUTS COMMIT TARGET input|go|spread [EXTRA_JSON]\n")
  process.exit(2)
}
const read = (file: string): unknown => JSON.parse(readFileSync(file, "utf8"))
const parsed = read(casesFile)
const { cases, ...rest } = Array.isArray(parsed) ? { cases: parsed } : (parsed as { cases: ReadonlyArray<unknown> })
const outputs = read(outputsFile) as ReadonlyArray<Record<string, unknown>>
if (outputs.length !== cases.length) {
  process.stderr.write(`fixture.ts: ${cases.length} cases but ${outputs.length} outputs\n`)
  process.exit(1)
}
const entry = (input: unknown, output: Record<string, unknown> | undefined) => {
  switch (shape) {
    case "input": return { input, ...output }
    case "go": return { input, go: output }
    case "spread": return { ...(input as Record<string, unknown>), ...output }
    default: throw new Error(`unknown shape ${shape}`)
  }
}
const entries = cases.map((input, i) => entry(input, outputs[i]))
mkdirSync(dirname(target), { recursive: true })
writeFileSync(target, JSON.stringify({ upstreamCommit: commit, ...rest, ...JSON.parse(extraJson), entries }) + "\n")
console.log(`recorded ${entries.length} cases at ${commit}`)

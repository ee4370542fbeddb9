/**
 * Regenerates src/internal/dcgm/current.ts and legacy.ts, the DCGM field-name tables
 * that Csv checks user additions against, from go-dcgm's generated
 * `pkg/dcgm/const_fields.go` (its `dcgmFields` and `legacyDCGMFields` maps: exactly the
 * names dcgm-exporter's `dcgm.GetFieldID` accepts in a metrics CSV).
 *
 *   npx node packages/gpu/scripts/dcgm-fields.ts PATH/TO/const_fields.go "go-dcgm@COMMIT"
 */
import { readFileSync, writeFileSync } from "node:fs"

const [path, revision] = process.argv.slice(2)
if (path === undefined || revision === undefined) {
  process.stderr.write("usage: dcgm-fields.ts CONST_FIELDS_GO REVISION\n")
  process.exit(2)
}
const source = readFileSync(path, "utf8")

const block = (name: string): ReadonlyArray<readonly [string, number]> => {
  const start = source.indexOf(`var ${name} = map[string]Short{`)
  const end = source.indexOf("\n}\n", start)
  if (start === -1 || end === -1) throw new Error(`map ${name} not found in ${path}`)
  return [...source.slice(start, end).matchAll(/"([^"]+)":\s*(\d+)/g)]
    .map((m): readonly [string, number] => [m[1] ?? "", Number(m[2])])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}

const lines = (entries: ReadonlyArray<readonly [string, number]>): ReadonlyArray<string> => {
  const out: Array<string> = []
  let line = " "
  for (const [name, id] of entries) {
    const item = ` [${JSON.stringify(name)}, ${id}],`
    if (line.length + item.length > 150) {
      out.push(line)
      line = " "
    }
    line += item
  }
  if (line.trim() !== "") out.push(line)
  return out
}

const write = (file: string, map: string, what: string, entries: ReadonlyArray<readonly [string, number]>): void => {
  const text = [
    "/**",
    ` * ${what}: go-dcgm's \`${map}\` map as (field name, DCGM field id),`,
    ` * ${entries.length} entries, generated from ${revision}`,
    " * pkg/dcgm/const_fields.go by packages/gpu/scripts/dcgm-fields.ts; do not edit.",
    " */",
    `export const entries: ReadonlyArray<readonly [string, number]> = [`,
    ...lines(entries),
    "]",
    ""
  ].join("\n").replace(/,\n\]/, "\n]")
  writeFileSync(new URL(`../src/internal/dcgm/${file}`, import.meta.url), text)
}

write("current.ts", "dcgmFields", "DCGM field names of the current DCGM release", block("dcgmFields"))
write("legacy.ts", "legacyDCGMFields", "Earlier DCGM field names that dcgm-exporter still accepts", block("legacyDCGMFields"))

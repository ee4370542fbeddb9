/**
 * `whatapctl validate` on a generated 1,000-document file, process start included
 * (target >= 2,000 documents/s), plus the in-process validator alone for comparison.
 * A tenth of the documents carry errors so the reporting path is exercised too.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Validate } from "@whatap-operator/core"
import { parseAllDocuments } from "yaml"
import { documents } from "./_documents.ts"
import { bin, bundled, fmt, stats, time } from "./_whatapctl.ts"

const documentCount = Number(process.env["BENCH_DOCS"] ?? 1000)
const runs = Number(process.env["BENCH_RUNS"] ?? 7)

const text = documents(documentCount)

const dir = mkdtempSync(join(tmpdir(), "whatapctl-bench-"))
const file = join(dir, "resources.yaml")
writeFileSync(file, text)

const samples: Array<number> = []
let outputBytes = 0
for (let i = 0; i < runs + 1; i++) {
  const s = time([bin, "validate", "-o", "json", file])
  if (s.status !== 1) throw new Error(`expected exit 1 (errors present), got ${s.status}`)
  outputBytes = s.stdoutBytes
  if (i > 0) samples.push(s.ms)
}
rmSync(dir, { recursive: true, force: true })

// the validator alone, on already-parsed documents
const values = parseAllDocuments(text).map((d) => d.toJS() as unknown)
const start = performance.now()
let findings = 0
for (const value of values) findings += Validate.resource(value).length
const inProcessMs = performance.now() - start

const s = stats(samples)
console.log(`node ${process.version}, ${documentCount} documents (${(text.length / 1024).toFixed(0)} KiB), ${runs} runs, ${bundled ? "esbuild bundle" : "TypeScript source (no bundle built)"}`)
console.log(`whatapctl validate -o json   median ${fmt(s.median)}  min ${fmt(s.min)}  max ${fmt(s.max)}  (${outputBytes} bytes of findings)`)
console.log(`throughput incl. process start: ${Math.round(documentCount / (s.median / 1000))} documents/s (target >= 2,000)`)
console.log(`Validate.resource in-process:   ${Math.round(documentCount / (inProcessMs / 1000))} documents/s (${findings} findings, ${fmt(inProcessMs)}, one cold pass)`)

/**
 * `whatapctl validate` against kubeconform on the same files and the same schemas, in
 * the same run: wall time (process start included, as CI pays it) and peak resident
 * memory (the kernel's VmHWM, read until the process ends) at 1,500 and 15,000
 * documents (BENCH_SIZES to change). kubeconform is built from its Go module
 * (`Tools.kubeconform`, cached after the first build) and reads the CRDs of
 * `deploy/crds` as JSON schema files, converted here from their openAPIV3Schema. Without
 * Go the benchmark says so and exits 0.
 *
 * The documents are those of validate.ts: a tenth carry errors. kubeconform checks the
 * CRD schema only; whatapctl the schema and its semantic rules, so it reports more.
 */
import { spawn, spawnSync } from "node:child_process"
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { cpus, tmpdir } from "node:os"
import { join } from "node:path"
import { Tools } from "@whatap-operator/e2e"
import { Effect } from "effect"
import { parse } from "yaml"
import { documents } from "./_documents.ts"
import { bin, bundled, repoRoot } from "./_whatapctl.ts"

const sizes = (process.env["BENCH_SIZES"] ?? "1500,15000").split(",").map(Number)
const runs = Number(process.env["BENCH_RUNS"] ?? 7)

type Json = { readonly [key: string]: unknown }
const isRecord = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)

/**
 * An openAPIV3Schema as the JSON schema kubeconform reads (what its openapi2jsonschema
 * does): `x-kubernetes-int-or-string` becomes an integer-or-string union, `nullable`
 * adds null to the type; other `x-kubernetes-*` keys are unknown keywords, ignored.
 */
export const toJsonSchema = (schema: unknown): unknown => {
  if (Array.isArray(schema)) return schema.map(toJsonSchema)
  if (!isRecord(schema)) return schema
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(schema)) out[key] = toJsonSchema(value)
  if (out["x-kubernetes-int-or-string"] === true) {
    delete out["type"]
    out["anyOf"] = [{ type: "integer" }, { type: "string" }]
  }
  if (out["nullable"] === true && typeof out["type"] === "string") out["type"] = [out["type"], "null"]
  return out
}

/** `<kind>_<version>.json` for every version of every CRD, as `-schema-location` below expects. */
const writeSchemas = (dir: string): number => {
  let written = 0
  for (const file of readdirSync(join(repoRoot, "deploy/crds")).filter((f) => f.endsWith(".yaml"))) {
    const crd = parse(readFileSync(join(repoRoot, "deploy/crds", file), "utf8")) as {
      spec: { names: { kind: string }; versions: ReadonlyArray<{ name: string; schema: { openAPIV3Schema: unknown } }> }
    }
    for (const version of crd.spec.versions) {
      const name = `${crd.spec.names.kind.toLowerCase()}_${version.name}.json`
      writeFileSync(join(dir, name), JSON.stringify(toJsonSchema(version.schema.openAPIV3Schema)))
      written++
    }
  }
  return written
}

interface Sample {
  readonly ms: number
  readonly peakBytes: number
  readonly status: number | null
}

const hwm = (pid: number): number => {
  const status = readFileSync(`/proc/${pid}/status`, "utf8")
  return Number(/^VmHWM:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? "0") * 1024
}

/** One run, its output discarded; the high-water mark is polled until the process exits. */
const measure = (command: string, args: ReadonlyArray<string>): Promise<Sample> =>
  new Promise((resolve, reject) => {
    const start = performance.now()
    const child = spawn(command, args, { cwd: repoRoot, stdio: ["ignore", "ignore", "ignore"] })
    let peakBytes = 0
    const poll = setInterval(() => {
      if (child.pid === undefined) return
      try {
        peakBytes = Math.max(peakBytes, hwm(child.pid))
      } catch {
        // the process is gone; its last reading stands
      }
    }, 2)
    child.on("error", (error) => {
      clearInterval(poll)
      reject(error)
    })
    child.on("exit", (status) => {
      clearInterval(poll)
      resolve({ ms: performance.now() - start, peakBytes, status })
    })
  })

const median = (values: ReadonlyArray<number>): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN
const mib = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(0)} MiB`
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`

interface Series {
  readonly ms: number
  readonly peakBytes: number
}

const summary = (samples: ReadonlyArray<Sample>): Series =>
  ({ ms: median(samples.map((s) => s.ms)), peakBytes: Math.max(...samples.map((s) => s.peakBytes)) })

interface Tool {
  readonly command: string
  readonly args: ReadonlyArray<string>
  /** the exit status the file must give (whatapctl: 1, for the documents with errors) */
  readonly expect: number
}

/**
 * Both tools run in turn, one run each per round, so that a slower stretch of the
 * machine (it varies by about 20 % between series) falls on both alike. The first round
 * warms caches (the V8 compile cache, the page cache) for both and is not counted.
 */
const rounds = async (tools: ReadonlyArray<Tool>): Promise<ReadonlyArray<Series>> => {
  const samples: Array<Array<Sample>> = tools.map(() => [])
  for (let i = 0; i < runs + 1; i++) {
    for (const [t, tool] of tools.entries()) {
      const s = await measure(tool.command, tool.args)
      if (s.status !== tool.expect) throw new Error(`${tool.command} ${tool.args.join(" ")}: exit ${s.status}, expected ${tool.expect}`)
      if (i > 0) samples[t]?.push(s)
    }
  }
  return samples.map(summary)
}

const hasGo = spawnSync("go", ["version"], { encoding: "utf8" }).status === 0
if (!hasGo) {
  console.log("validate-kubeconform: skipped: no Go toolchain on PATH (kubeconform is built from its Go module)")
} else {
  const kubeconform = await Effect.runPromise(Tools.kubeconform)
  const dir = mkdtempSync(join(tmpdir(), "whatapctl-kubeconform-"))
  const schemas = join(dir, "schemas")
  mkdirSync(schemas)
  const count = writeSchemas(schemas)
  const location = join(schemas, "{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json")
  console.log(`node ${process.version}, ${cpus().length} CPUs, ${bundled ? "esbuild bundle" : "TypeScript source (no bundle built)"}; ${count} schemas from deploy/crds; median of ${runs} rounds (one run of each tool in turn) after a warm-up round`)
  console.log(`whatapctl:   node ${bin} validate -o json FILE`)
  console.log(`kubeconform: ${kubeconform} -summary -schema-location '${location}' FILE`)
  const rows: Array<string> = []
  for (const size of sizes) {
    const file = join(dir, `resources-${size}.yaml`)
    const text = documents(size)
    writeFileSync(file, text)
    const [ours, theirs] = await rounds([
      { command: process.execPath, args: [bin, "validate", "-o", "json", file], expect: 1 },
      { command: kubeconform, args: ["-summary", "-schema-location", location, file], expect: 0 }
    ])
    if (ours === undefined || theirs === undefined) throw new Error("no samples")
    const ahead = ours.ms < theirs.ms && ours.peakBytes <= Math.max(theirs.peakBytes, 120 * 1024 * 1024)
    rows.push(`${String(size).padStart(7)} docs (${(text.length / (1024 * 1024)).toFixed(1)} MiB)  whatapctl ${seconds(ours.ms)} ${mib(ours.peakBytes)}  kubeconform ${seconds(theirs.ms)} ${mib(theirs.peakBytes)}  ${ahead ? "ahead" : "BEHIND"}`)
    rmSync(file, { force: true })
  }
  rmSync(dir, { recursive: true, force: true })
  for (const row of rows) console.log(row)
  console.log("(ahead: faster than kubeconform, peak memory within 120 MiB; kubeconform checks the schema only)")
}

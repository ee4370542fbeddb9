/**
 * Strict decoding of one resource, per sample of deploy/samples: Effect Schema's own
 * decoder with the validator's options (`errors: "all"`, `onExcessProperty: "error"`,
 * the baseline) against the fast path that takes its place for well-formed resources
 * (packages/core/src/internal/exact.ts, ADR 0011), in the same process, on one core,
 * each after a warm-up. It also checks that the fast path took every sample, so the
 * figure is never that of a give-up. Run: `npx node bench/src/decode.ts`.
 */
import { readdirSync, readFileSync } from "node:fs"
import { Exit, Schema } from "effect"
import YAML from "yaml"
import { Monitors, WhatapAgent } from "@whatap-operator/core"
// the fast path is internal to the core (not exported); the benchmark loads it where it lives
import type * as ExactModule from "../../packages/core/src/internal/exact.ts"

const Exact: typeof ExactModule = await import(new URL("../../packages/core/src/internal/exact.ts", import.meta.url).href)

const samples = new URL("../../deploy/samples/", import.meta.url)
const strict = { errors: "all", onExcessProperty: "error" } as const

const schemas: Readonly<Record<string, Schema.Decoder<unknown>>> = {
  WhatapAgent: WhatapAgent.WhatapAgent,
  WhatapPodMonitor: Monitors.WhatapPodMonitor,
  WhatapServiceMonitor: Monitors.WhatapServiceMonitor,
  WhatapStaticEndpoint: Monitors.WhatapStaticEndpoint
}

/** µs per call of `f` over about 0.3 s, after as long a warm-up. */
const perCall = (f: () => unknown): number => {
  const timed = (ms: number): number => {
    let calls = 0
    const start = performance.now()
    while (performance.now() - start < ms) for (let i = 0; i < 100; i++, calls++) f()
    return ((performance.now() - start) * 1000) / calls
  }
  timed(300)
  return timed(300)
}

const rows: Array<string> = []
for (const file of readdirSync(samples).filter((f) => f.endsWith(".yaml")).sort()) {
  for (const doc of YAML.parseAllDocuments(readFileSync(new URL(file, samples), "utf8")).map((d): unknown => d.toJS())) {
    const kind = typeof doc === "object" && doc !== null ? (doc as { kind?: unknown }).kind : undefined
    const schema = typeof kind === "string" ? schemas[kind] : undefined
    if (schema === undefined) continue
    if (!Exit.isSuccess(Schema.decodeUnknownExit(schema)(doc, strict))) throw new Error(`${file}: the sample does not decode`)
    if (Exact.decode(schema, doc) === Exact.invalid) throw new Error(`${file}: the fast path gave up on a valid sample`)
    const effect = perCall(() => Schema.decodeUnknownExit(schema)(doc, strict))
    const fast = perCall(() => Exact.decode(schema, doc))
    rows.push(`${file.padEnd(36)} ${String(kind).padEnd(22)} ${effect.toFixed(1).padStart(7)} µs ${fast.toFixed(1).padStart(7)} µs ${(effect / fast).toFixed(1).padStart(5)}x`)
  }
}
console.log(`node ${process.version}, strict decoding of each sample, one core, after a warm-up`)
console.log(`${"sample".padEnd(36)} ${"kind".padEnd(22)} ${"Effect".padStart(10)} ${"fast path".padStart(10)} ${"ratio".padStart(6)}`)
for (const row of rows) console.log(row)

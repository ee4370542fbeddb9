/**
 * Builders of the APM injection tests: WhatapAgent CRs decoded as the webhook gets them
 * (CRD defaults applied), contexts with fixed operator credentials, pods, and golden
 * files (`UPDATE_GOLDEN=1 npx vitest run test/inject` rewrites them; review the diff).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { assert } from "@effect/vitest"
import { Decode, Finding, type Instrumentation, type WhatapAgent } from "@whatap-operator/core"
import { Option, Redacted, Result } from "effect"
import { Inject, JsonPatch } from "../../src/index.ts"

export const goldenDir = new URL("../golden/", import.meta.url)

/** The operator's env of spec 5.10: WHATAP_LICENSE=L, WHATAP_HOST=H, WHATAP_PORT=6600. */
export const credentials: Inject.Credentials = { license: Redacted.make("L"), host: "H", port: "6600" }

export const operatorNamespace = "whatap-monitoring"

/** A WhatapAgent named `whatap` with `instrumentation` (any JSON), decoded; a CR with errors fails the test. */
export const agent = (instrumentation: unknown): WhatapAgent.WhatapAgent => agentWithFeatures({ apm: { instrumentation } })

export const agentWithFeatures = (features: unknown): WhatapAgent.WhatapAgent => {
  const result = Decode.as("WhatapAgent", {
    apiVersion: "monitoring.whatap.com/v2alpha1",
    kind: "WhatapAgent",
    metadata: { name: "whatap" },
    spec: { features }
  })
  assert.deepStrictEqual(result.findings.filter((f) => f.severity === "error").map((f) => `${Finding.formatPath(f.path)}: ${f.message}`), [])
  return Option.getOrThrow(result.value)
}

/** One enabled target without selectors (it matches every pod). */
export const target = (language: string, extra: Record<string, unknown> = {}) => ({ name: `${language}-target`, enabled: true, language, ...extra })

export const targets = (...list: ReadonlyArray<unknown>) => agent({ targets: list })

export const namespace = (name = "apps", labels: Record<string, string> = {}): Inject.Namespace => ({ name, labels })

/** `"unknown"`: the namespace object could not be read. */
export const context = (a: WhatapAgent.WhatapAgent | undefined, ns: Inject.Namespace | "unknown" = namespace()): Inject.Context =>
  ({ agent: a, namespace: ns === "unknown" ? undefined : ns, operatorNamespace, credentials })

export interface PodOptions {
  readonly labels?: Record<string, string>
  readonly annotations?: Record<string, string>
  readonly namespace?: string
  readonly spec?: Record<string, unknown>
}

/** A pod with containers (JSON) and optional metadata/spec extras. */
export const pod = (containers: ReadonlyArray<unknown>, options: PodOptions = {}): unknown => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: {
    name: "app-0",
    namespace: options.namespace ?? "apps",
    ...(options.labels === undefined ? {} : { labels: options.labels }),
    ...(options.annotations === undefined ? {} : { annotations: options.annotations })
  },
  spec: { containers, ...options.spec }
})

export const container = (name: string, env?: ReadonlyArray<unknown>, extra: Record<string, unknown> = {}) => ({
  name,
  image: `registry.example/${name}:1`,
  ...(env === undefined ? {} : { env }),
  ...extra
})

type Json = { readonly [key: string]: unknown }
const isRecord = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)

/** The value at a path of plain keys/indices; fails the test when absent. */
export const at = (doc: unknown, ...path: ReadonlyArray<string | number>): unknown => {
  const value = JsonPatch.at(doc, JsonPatch.pointer(path))
  assert.isDefined(value, `nothing at ${path.join(".")}`)
  return value
}

/** The value at a path of plain keys/indices, undefined when absent. */
export const field = (doc: unknown, ...path: ReadonlyArray<string | number>): unknown => JsonPatch.at(doc, JsonPatch.pointer(path))

export const envOf = (doc: unknown, index = 0): ReadonlyArray<Json> => {
  const env = at(doc, "spec", "containers", index, "env")
  assert.isTrue(Array.isArray(env))
  return Array.isArray(env) ? env.filter(isRecord) : []
}

/** `name=value` (or `name<-from`) per entry, the order included; an entry without `value` reads as `name=`. */
export const envLines = (doc: unknown, index = 0): ReadonlyArray<string> =>
  envOf(doc, index).map((e) => (e["valueFrom"] === undefined ? `${String(e["name"])}=${String(e["value"] ?? "")}` : `${String(e["name"])}<-${JSON.stringify(e["valueFrom"])}`))

/**
 * The patch applied to the input gives the output: the same JSON value, and the same
 * text unless a subtree was replaced by an equal one with another key order (equal
 * values are never patched).
 */
export const assertPatchReproduces = (input: unknown, result: Inject.Mutated): void => {
  const applied = JsonPatch.apply(input, result.patch)
  assert.isTrue(Result.isSuccess(applied), Result.isFailure(applied) ? applied.failure : "")
  const value = Result.getOrUndefined(applied)
  assert.isTrue(JsonPatch.equal(value, result.pod), "patched input differs from the output")
  assert.deepStrictEqual(value, result.pod)
}

/** Byte-identical: for inputs whose entries the mutation does not replace by reordered equal ones. */
export const assertPatchReproducesText = (input: unknown, result: Inject.Mutated): void => {
  assertPatchReproduces(input, result)
  assert.strictEqual(JSON.stringify(Result.getOrUndefined(JsonPatch.apply(input, result.patch))), JSON.stringify(result.pod))
}

/** Mutates and checks the patch; the result for the test's own assertions. */
export const run = (input: unknown, ctx: Inject.Context): Inject.Mutated => {
  const before = JSON.stringify(input)
  const result = Inject.mutate(input, ctx)
  assert.strictEqual(JSON.stringify(input), before, "the input was changed")
  assertPatchReproducesText(input, result)
  return result
}

const lineWidth = 110

/** JSON, an object or array on one line when it fits in `lineWidth`, else one member per line. */
const format = (value: unknown, indent: string): string => {
  const flat = JSON.stringify(value)
  if (flat.length + indent.length <= lineWidth || value === null || typeof value !== "object") return flat
  const inner = `${indent}  `
  if (Array.isArray(value)) return `[\n${value.map((v) => `${inner}${format(v, inner)}`).join(",\n")}\n${indent}]`
  const members = Object.entries(value).map(([k, v]) => `${inner}${JSON.stringify(k)}: ${format(v, inner)}`)
  return `{\n${members.join(",\n")}\n${indent}}`
}

export const text = (value: unknown): string => `${format(value, "")}\n`

/** Compares with `test/golden/<name>.json`; `UPDATE_GOLDEN=1` writes it instead. */
export const expectGolden = (name: string, value: unknown): void => {
  const file = new URL(`${name}.json`, goldenDir)
  const actual = text(value)
  if (process.env["UPDATE_GOLDEN"] === "1") {
    mkdirSync(goldenDir, { recursive: true })
    writeFileSync(file, actual)
  }
  assert.isTrue(existsSync(file), `golden ${name}.json is missing; run with UPDATE_GOLDEN=1 and review it`)
  assert.strictEqual(actual, readFileSync(file, "utf8"), `golden ${name}.json differs; rerun with UPDATE_GOLDEN=1 and review the diff`)
}

export type TargetSpec = Instrumentation.TargetSpec

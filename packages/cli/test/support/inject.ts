/**
 * Helpers of the inject and explain suites: run the bin with the operator env of spec
 * 5.10 (WHATAP_LICENSE=L, WHATAP_HOST=H, WHATAP_PORT=6600) or another, read outputs
 * back as objects, and compute what the webhook's own `Inject.mutate` gives for the same
 * input, to compare the CLI with.
 */
import { readFileSync } from "node:fs"
import { assert } from "@effect/vitest"
import { Decode, Naming, type WhatapAgent } from "@whatap-operator/core"
import { Inject, JsonPatch } from "@whatap-operator/injector"
import { Option, Redacted, Result } from "effect"
import { parse, parseAllDocuments } from "yaml"
import { fixture, isolatedEnv, repoRoot, type Run, run } from "./run.ts"

export const agentFile = fixture("inject/agent.yaml")
export const javaPod = fixture("inject/java-pod.yaml")
export const pythonPod = fixture("inject/python-pod.yaml")
export const nodejsPod = fixture("inject/nodejs-pod.yaml")
export const noMatchPod = fixture("inject/nomatch-pod.yaml")
export const deployment = fixture("inject/deployment.yaml")
export const workloadsList = fixture("inject/workloads-list.yaml")

export type Json = { readonly [key: string]: unknown }

/** The env of spec 5.10, nothing pointing at a cluster. */
export const specEnv = (extra: Readonly<Record<string, string>> = {}) =>
  isolatedEnv({ WHATAP_LICENSE: "L", WHATAP_HOST: "H", WHATAP_PORT: "6600", ...extra })

/** `whatapctl <command> ...` with the spec env (or `env`), and stdin when given. */
export const cli = (args: ReadonlyArray<string>, options: { readonly env?: NodeJS.ProcessEnv; readonly stdin?: string } = {}): Run =>
  run(args, { env: options.env ?? specEnv(), ...(options.stdin === undefined ? {} : { stdin: options.stdin }) })

/** stdout of a run that must exit 0. */
export const ok = (args: ReadonlyArray<string>, options: { readonly env?: NodeJS.ProcessEnv; readonly stdin?: string } = {}): Run => {
  const r = cli(args, options)
  assert.strictEqual(r.status, 0, r.stderr)
  return r
}

export const read = (path: string): string => readFileSync(`${repoRoot}${path}`, "utf8")

export const documents = (yamlText: string): ReadonlyArray<Json> => parseAllDocuments(yamlText).map((d) => d.toJS() as Json)

/** The JSON patch lines of `-o patch`. */
export const patches = (text: string): ReadonlyArray<ReadonlyArray<JsonPatch.Operation>> =>
  text.trimEnd().split("\n").map((l) => JSON.parse(l) as ReadonlyArray<JsonPatch.Operation>)

export const apply = (doc: unknown, patch: ReadonlyArray<JsonPatch.Operation>): unknown => {
  const result = JsonPatch.apply(doc, patch)
  if (Result.isFailure(result)) return assert.fail(`the patch does not apply: ${result.failure}`)
  return result.success
}

/** The fixture agent, decoded as the webhook gets it. */
export const decodedAgent = (path = agentFile): WhatapAgent.WhatapAgent =>
  Option.getOrThrow(Decode.as("WhatapAgent", parse(read(path))).value)

/** What the webhook's `Inject.mutate` makes of `pod` in namespace `name`, with the spec env. */
export const webhook = (pod: unknown, name: string, labels: Readonly<Record<string, string>> = {}): Inject.Mutated =>
  Inject.mutate(pod, {
    agent: decodedAgent(),
    namespace: { name, labels: { ...labels, [Naming.labels.namespaceName]: name } },
    operatorNamespace: Naming.defaultNamespace,
    credentials: { license: Redacted.make("L"), host: "H", port: "6600" }
  })

/** The value at a path of keys and indices. */
export const at = (value: unknown, ...path: ReadonlyArray<string | number>): unknown => {
  const found = JsonPatch.at(value, JsonPatch.pointer(path))
  assert.isDefined(found, `nothing at ${path.join(".")}`)
  return found
}

/** `name -> value` (or valueFrom) of an env list. */
export const envMap = (env: unknown): Readonly<Record<string, unknown>> =>
  Object.fromEntries((env as ReadonlyArray<{ name: string; value?: unknown; valueFrom?: unknown }>).map((e) => [e.name, e.value ?? e.valueFrom]))

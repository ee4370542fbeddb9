/**
 * Decoding of untrusted input (a parsed YAML/JSON document, an admission request, an
 * informer object) into a typed WhaTap resource plus every finding at once.
 *
 * The decoded `value` is what the API server would store: `null` fields dropped,
 * unknown fields pruned, CRD defaults applied (`enabled: false`, `runtime: containerd`,
 * `hostNetwork: true`, `addNodeLabel: false`, ...). Code defaults (images, intervals)
 * are NOT applied; they belong to the reconciler. `value` is `None` as soon as there is
 * an error finding. `resource` never throws, whatever the input.
 */
import { Exit, Option, Result, Schema } from "effect"
import * as Finding from "./Finding.ts"
import * as Secrets from "./internal/secrets.ts"
import { WhatapPodMonitor, WhatapServiceMonitor, WhatapStaticEndpoint } from "./Monitors.ts"
import * as Resource from "./Resource.ts"
import * as SchemaFindings from "./SchemaFindings.ts"
import { WhatapAgent } from "./WhatapAgent.ts"

export const schemas = {
  WhatapAgent,
  WhatapPodMonitor,
  WhatapServiceMonitor,
  WhatapStaticEndpoint
} as const

export type AnyResource =
  | WhatapAgent
  | WhatapPodMonitor
  | WhatapServiceMonitor
  | WhatapStaticEndpoint

export interface DecodeResult {
  readonly kind: Option.Option<Resource.Kind>
  readonly name: Option.Option<string>
  readonly namespace: Option.Option<string>
  readonly value: Option.Option<AnyResource>
  readonly findings: ReadonlyArray<Finding.Finding>
}

type JsonRecord = { readonly [key: string]: unknown }

const isRecord = (u: unknown): u is JsonRecord => {
  if (typeof u !== "object" || u === null || Array.isArray(u)) return false
  const proto: unknown = Object.getPrototypeOf(u)
  return proto === Object.prototype || proto === null
}

/**
 * The API server prunes `null` (and a YAML `key:` with no value) before defaulting
 * and validation, so `gpuMonitoring:` counts as absent. Array items are kept.
 */
export const dropNulls = (u: unknown): unknown => {
  if (Array.isArray(u)) return u.map(dropNulls)
  if (!isRecord(u)) return u
  return Object.fromEntries(
    Object.entries(u).flatMap(([k, v]) => (v === null || v === undefined ? [] : [[k, dropNulls(v)]]))
  )
}

/** Far beyond any real CR (the deepest schema path is under 20 levels), well within the stack. */
const maxDepth = 256

/** Iterative, so hostile input cannot overflow the stack before the recursive decoder runs. */
const nestingExceeds = (input: unknown, limit: number): boolean => {
  const stack: Array<readonly [unknown, number]> = [[input, 0]]
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [value, depth] = top
    if (depth > limit) return true
    if (typeof value === "object" && value !== null) {
      for (const child of Object.values(value)) stack.push([child, depth + 1])
    }
  }
  return false
}

const stringAt = (record: JsonRecord | undefined, key: string): Option.Option<string> => {
  const value = record?.[key]
  return typeof value === "string" ? Option.some(value) : Option.none()
}

const redacted = (input: unknown, result: DecodeResult): DecodeResult =>
  ({ ...result, findings: Secrets.redact(result.findings, Secrets.values(input)) })

/** Decode one document. See the module comment for what `value` contains. License values never appear in a message. */
export const resource = (input: unknown): DecodeResult =>
  Result.match(Result.try(() => redacted(input, decodeDocument(input))), {
    onSuccess: (result) => result,
    onFailure: (cause) => ({
      kind: Option.none(),
      name: Option.none(),
      namespace: Option.none(),
      value: Option.none(),
      findings: [Finding.error([], `internal decoder failure: ${String(cause)}`)]
    })
  })

/**
 * The wire form of a decoded resource (what the API server stores): the inverse of the
 * decoding, e.g. the license `Redacted` back to its string. For tests and tools that
 * compare a decoded value with a stored object; never log its result.
 */
export const encode = (value: AnyResource): unknown => {
  switch (value.kind) {
    case "WhatapAgent": return Schema.encodeSync(WhatapAgent)(value)
    case "WhatapPodMonitor": return Schema.encodeSync(WhatapPodMonitor)(value)
    case "WhatapServiceMonitor": return Schema.encodeSync(WhatapServiceMonitor)(value)
    case "WhatapStaticEndpoint": return Schema.encodeSync(WhatapStaticEndpoint)(value)
  }
}

/** The decoded type of one kind. */
export type TypeOf<K extends Resource.Kind> = (typeof schemas)[K]["Type"]

export interface DecodeResultOf<K extends Resource.Kind> extends Omit<DecodeResult, "value"> {
  readonly value: Option.Option<TypeOf<K>>
}

/** Decode and require a particular kind (a WhatapAgent where a WhatapAgent is expected). */
export const as = <K extends Resource.Kind>(kind: K, input: unknown): DecodeResultOf<K> => {
  const result = resource(input)
  const value = Option.filter(result.value, (v): v is TypeOf<K> => v.kind === kind)
  if (Option.isNone(result.kind) || result.kind.value === kind) return { ...result, value }
  const mismatch = Finding.error(["kind"], `expected kind ${kind}, got ${result.kind.value}`)
  return { ...result, value, findings: [...result.findings, mismatch] }
}

const decodeDocument = (input: unknown): DecodeResult => {
  if (nestingExceeds(input, maxDepth)) {
    const findings = [Finding.error([], `document nests deeper than ${maxDepth} levels; no Kubernetes object does`)]
    return { kind: Option.none(), name: Option.none(), namespace: Option.none(), value: Option.none(), findings }
  }
  const doc = dropNulls(input)
  if (!isRecord(doc)) {
    const findings = [Finding.error([], `expected a Kubernetes object, got ${SchemaFindings.describe(doc)}`)]
    return { kind: Option.none(), name: Option.none(), namespace: Option.none(), value: Option.none(), findings }
  }
  const metadata = isRecord(doc["metadata"]) ? doc["metadata"] : undefined
  const kind = Resource.isKind(doc["kind"]) ? Option.some(doc["kind"]) : Option.none()
  const head = { kind, name: stringAt(metadata, "name"), namespace: stringAt(metadata, "namespace") }
  const identity = [...checkApiVersion(doc["apiVersion"]), ...checkKind(doc["kind"])]
  if (Option.isNone(kind)) return { ...head, value: Option.none(), findings: identity }
  const decoded = decodeAs(kind.value, doc)
  const findings = Finding.sort([...identity, ...checkName(metadata), ...decoded.findings])
  const value = Finding.hasErrors(findings) ? Option.none() : decoded.value
  return { ...head, value, findings }
}

const checkApiVersion = (apiVersion: unknown): ReadonlyArray<Finding.Finding> => {
  if (apiVersion === Resource.apiVersion) return []
  if (apiVersion === undefined) return [Finding.error(["apiVersion"], `missing required field "apiVersion" (expected ${Resource.apiVersion})`)]
  return [Finding.error(["apiVersion"], `unsupported apiVersion ${JSON.stringify(apiVersion)}; expected ${Resource.apiVersion}`)]
}

const checkKind = (kind: unknown): ReadonlyArray<Finding.Finding> => {
  if (Resource.isKind(kind)) return []
  const known = Resource.kinds.join(", ")
  if (kind === undefined) return [Finding.error(["kind"], `missing required field "kind" (one of: ${known})`)]
  return [Finding.error(["kind"], `unknown kind ${JSON.stringify(kind)}; expected one of: ${known}`)]
}

/**
 * The API server needs a name (or generateName) before it looks at the schema. A name
 * of the wrong type is the schema's finding ("expected string"), not a missing one.
 */
const checkName = (metadata: JsonRecord | undefined): ReadonlyArray<Finding.Finding> =>
  metadata === undefined || metadata["name"] !== undefined || typeof metadata["generateName"] === "string"
    ? []
    : [Finding.error(["metadata", "name"], `missing required field "name"`)]

const strict = { errors: "all", onExcessProperty: "error", reportInput: true } as const

/**
 * Two passes: a strict one that reports every problem (unknown keys included), then,
 * when only warnings remain, a lenient one that prunes unknown keys like the API server.
 */
const decodeAs = (kind: Resource.Kind, doc: JsonRecord) => {
  const schema: Schema.Decoder<AnyResource> = schemas[kind]
  const exit = Schema.decodeUnknownExit(schema)(doc, strict)
  if (Exit.isSuccess(exit)) return { value: Option.some(exit.value), findings: [] }
  const findings = Exit.findErrorOption(exit).pipe(
    Option.map((error) => SchemaFindings.fromIssue(error.issue).filter(relevant)),
    Option.getOrElse((): ReadonlyArray<Finding.Finding> => [Finding.error([], "decoding failed without a schema issue")])
  )
  if (Finding.hasErrors(findings)) return { value: Option.none(), findings }
  return { value: Schema.decodeUnknownOption(schema)(doc), findings }
}

/** apiVersion/kind are checked above with better messages; metadata is the API server's. */
const relevant = (finding: Finding.Finding): boolean => {
  const [first] = finding.path
  if (first === "apiVersion" || first === "kind") return false
  return !(first === "metadata" && finding.severity === "warning")
}

/**
 * One pass over an untrusted document, shared by `Decode` and `Validate`: identity
 * (apiVersion, kind, name), the strict schema decoding with every finding tagged by its
 * validator rule, and the input as the API server reads it, from which the validator
 * takes the lenient typed value its rules run on.
 *
 * Bounds: a document nesting deeper than `maxDepth`, or holding more than `maxValues`
 * values, is one error and nothing else is read, so no recursive step below (null pruning,
 * decoding) can exhaust the stack, and no document costs the validator more than a few
 * hundred milliseconds (it sits in the admission path, where a 3 MiB request of tiny
 * values would otherwise give hundreds of thousands of findings).
 */
import { Exit, Option, Schema } from "effect"
import * as Finding from "../Finding.ts"
import { WhatapPodMonitor, WhatapServiceMonitor, WhatapStaticEndpoint } from "../Monitors.ts"
import * as Resource from "../Resource.ts"
import * as SchemaFindings from "../SchemaFindings.ts"
import { WhatapAgent } from "../WhatapAgent.ts"
import * as Exact from "./exact.ts"
import * as Lenient from "./lenient.ts"
import { error, type Issue, warning } from "./validate/issue.ts"
import { putOwn } from "./validate/json.ts"

export const schemas = {
  WhatapAgent,
  WhatapPodMonitor,
  WhatapServiceMonitor,
  WhatapStaticEndpoint
} as const

export type AnyResource = WhatapAgent | WhatapPodMonitor | WhatapServiceMonitor | WhatapStaticEndpoint

/** The lenient value of each kind (see `lenient.ts`), what the validator's rules read. */
export type LenientOf<K extends Resource.Kind> = Lenient.Lenient<(typeof schemas)[K]["Type"]>

export type LenientResource = { readonly [K in Resource.Kind]: { readonly kind: K; readonly value: LenientOf<K> } }[Resource.Kind]

type JsonRecord = { readonly [key: string]: unknown }

export interface Document {
  readonly kind: Option.Option<Resource.Kind>
  readonly name: Option.Option<string>
  readonly namespace: Option.Option<string>
  /** `None` as soon as an issue is an error. */
  readonly value: Option.Option<AnyResource>
  /** Sorted; messages not yet redacted. */
  readonly issues: ReadonlyArray<Issue>
  /** The document with nulls pruned, when it is an object of a WhaTap kind. */
  readonly pruned: Option.Option<{ readonly kind: Resource.Kind; readonly record: JsonRecord }>
}

export const isRecord = (u: unknown): u is JsonRecord => {
  if (typeof u !== "object" || u === null || Array.isArray(u)) return false
  const proto: unknown = Object.getPrototypeOf(u)
  return proto === Object.prototype || proto === null
}

/**
 * The API server prunes `null` (and a YAML `key:` with no value) before defaulting and
 * validation, so `gpuMonitoring:` counts as absent. Array items are kept. Recursive:
 * call it on input whose depth is known to be bounded (`exceeds`).
 */
export const dropNulls = (u: unknown): unknown => {
  if (Array.isArray(u)) return dropNullsIn(u)
  if (!isRecord(u)) return u
  // Copies only what holds a null somewhere: most documents have none, and are returned as they are.
  let copy: Record<string, unknown> | undefined
  for (const key in u) {
    if (!Object.hasOwn(u, key)) continue
    const value = u[key]
    const dropped = value === null || value === undefined
    const kept = dropped ? undefined : dropNulls(value)
    if (copy === undefined && !dropped && kept === value) continue
    copy ??= copyBefore(u, key)
    if (kept !== undefined) putOwn(copy, key, kept)
  }
  return copy ?? u
}

/** Array items are kept (a null item is the schema's to judge); their own nulls are dropped. */
const dropNullsIn = (items: ReadonlyArray<unknown>): ReadonlyArray<unknown> => {
  let copy: Array<unknown> | undefined
  for (let i = 0; i < items.length; i++) {
    const item = items[i]
    const kept = dropNulls(item)
    if (copy === undefined && kept === item) continue
    copy ??= items.slice(0, i)
    copy.push(kept)
  }
  return copy ?? items
}

/** The own entries of `u` before `stop`, in order. */
const copyBefore = (u: JsonRecord, stop: string): Record<string, unknown> => {
  const copy: Record<string, unknown> = {}
  for (const key in u) {
    if (key === stop) break
    if (Object.hasOwn(u, key)) putOwn(copy, key, u[key])
  }
  return copy
}

/** Far beyond any real CR (the deepest schema path is under 20 levels), well within the stack. */
export const maxDepth = 256

/**
 * Values (objects, lists, scalars; a key counts with its value) a document may hold: about
 * 1 MB of YAML, ten times the largest real CRs, and what etcd's 1.5 MiB object limit
 * roughly allows.
 */
export const maxValues = 50_000

type Bound = "depth" | "values" | undefined

/**
 * Which bound the input breaks first, in one walk that stops there: a value deeper than
 * `maxDepth`, or more than `maxValues` values. Recursive, but never deeper than
 * `maxDepth + 2` frames whatever the input (a few hundred, well within the stack), so the
 * recursive steps after it are safe.
 */
const exceeds = (input: unknown): Bound => {
  let values = 0
  const walk = (value: unknown, limit: number): Bound => {
    if (limit < 0) return "depth"
    if (++values > maxValues) return "values"
    if (typeof value !== "object" || value === null) return undefined
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const found = walk(value[i], limit - 1)
        if (found !== undefined) return found
      }
      return undefined
    }
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue
      const found = walk((value as JsonRecord)[key], limit - 1)
      if (found !== undefined) return found
    }
    return undefined
  }
  return walk(input, maxDepth)
}

const stringAt = (record: JsonRecord | undefined, key: string): Option.Option<string> => {
  const value = record?.[key]
  return typeof value === "string" ? Option.some(value) : Option.none()
}

const rejected = (issue: Issue): Document =>
  ({ kind: Option.none(), name: Option.none(), namespace: Option.none(), value: Option.none(), issues: [issue], pruned: Option.none() })

export const decode = (input: unknown): Document => {
  const bound = exceeds(input)
  if (bound === "depth") return rejected(error("schema", [], `document nests deeper than ${maxDepth} levels; no Kubernetes object does`))
  if (bound === "values") {
    return rejected(error("schema", [], `document holds more than ${maxValues.toLocaleString("en-US")} values (keys, items and scalars); no WhaTap resource needs as many, and it is not checked further`))
  }
  const doc = dropNulls(input)
  if (!isRecord(doc)) return rejected(error("schema", [], `expected a Kubernetes object, got ${SchemaFindings.describe(doc)}`))
  const metadata = isRecord(doc["metadata"]) ? doc["metadata"] : undefined
  const kind = Resource.isKind(doc["kind"]) ? Option.some(doc["kind"]) : Option.none()
  const head = { kind, name: stringAt(metadata, "name"), namespace: stringAt(metadata, "namespace") }
  const identity = [...checkApiVersion(doc["apiVersion"]), ...checkKind(doc["kind"])]
  if (Option.isNone(kind)) return { ...head, value: Option.none(), issues: identity, pruned: Option.none() }
  const status = monitorStatus(kind.value, doc)
  const decoded = decodeAs(kind.value, status.doc)
  const issues = Finding.sort([...identity, ...checkName(metadata), ...checkSpec(kind.value, doc), ...status.issues, ...decoded.issues])
  const value = Finding.hasErrors(issues) ? Option.none() : decoded.value
  return { ...head, value, issues, pruned: Option.some({ kind: kind.value, record: doc }) }
}

/** A strictly decoded resource is its own lenient value (nothing was left out). */
const asLenient = (value: AnyResource): LenientResource => {
  switch (value.kind) {
    case "WhatapAgent": return { kind: value.kind, value }
    case "WhatapPodMonitor": return { kind: value.kind, value }
    case "WhatapServiceMonitor": return { kind: value.kind, value }
    case "WhatapStaticEndpoint": return { kind: value.kind, value }
  }
}

/**
 * The lenient typed value of a document (every valid part of it; see `lenient.ts`): the
 * strict value when there is one, else the walk over the pruned input.
 */
export const lenientOf = (document: Document): Option.Option<LenientResource> =>
  Option.isSome(document.value)
    ? Option.some(asLenient(document.value.value))
    : Option.flatMap(document.pruned, ({ kind, record }) => lenient(kind, record))

const lenient = (kind: Resource.Kind, record: JsonRecord): Option.Option<LenientResource> => {
  switch (kind) {
    case "WhatapAgent": return Option.map(Option.fromUndefinedOr(Lenient.decode(schemas[kind], record)), (value) => ({ kind, value }))
    case "WhatapPodMonitor": return Option.map(Option.fromUndefinedOr(Lenient.decode(schemas[kind], record)), (value) => ({ kind, value }))
    case "WhatapServiceMonitor": return Option.map(Option.fromUndefinedOr(Lenient.decode(schemas[kind], record)), (value) => ({ kind, value }))
    case "WhatapStaticEndpoint": return Option.map(Option.fromUndefinedOr(Lenient.decode(schemas[kind], record)), (value) => ({ kind, value }))
  }
}

const checkApiVersion = (apiVersion: unknown): ReadonlyArray<Issue> => {
  if (apiVersion === Resource.apiVersion) return []
  if (apiVersion === undefined) return [error("schema", ["apiVersion"], `missing required field "apiVersion" (expected ${Resource.apiVersion})`)]
  return [error("schema", ["apiVersion"], `unsupported apiVersion ${JSON.stringify(apiVersion)}; expected ${Resource.apiVersion}`)]
}

const checkKind = (kind: unknown): ReadonlyArray<Issue> => {
  if (Resource.isKind(kind)) return []
  const known = Resource.kinds.join(", ")
  if (kind === undefined) return [error("schema", ["kind"], `missing required field "kind" (one of: ${known})`)]
  return [error("schema", ["kind"], `unknown kind ${JSON.stringify(kind)}; expected one of: ${known}`)]
}

/**
 * The API server needs a name (or generateName) before it looks at the schema. A name
 * of the wrong type is the schema's finding ("expected string"), not a missing one.
 */
const checkName = (metadata: JsonRecord | undefined): ReadonlyArray<Issue> =>
  metadata === undefined || metadata["name"] !== undefined || typeof metadata["generateName"] === "string"
    ? []
    : [error("schema", ["metadata", "name"], `missing required field "name"`)]

const doesNothing: { readonly [K in Resource.Kind]: string } = {
  WhatapAgent: "it enables nothing",
  WhatapPodMonitor: "it has no endpoints, so nothing is scraped",
  WhatapServiceMonitor: "it has no endpoints, so nothing is scraped",
  WhatapStaticEndpoint: "it has no endpoints, so nothing is scraped"
}

/** The Go CRDs do not require `spec`; a missing one is usually a typo such as `-spec:`. */
const checkSpec = (kind: Resource.Kind, doc: JsonRecord): ReadonlyArray<Issue> =>
  doc["spec"] !== undefined
    ? []
    : [warning("empty-spec", ["spec"], `no spec: the API server accepts a ${kind} without one (the Go CRD does not require it), but ${doesNothing[kind]}; is the top-level "spec:" key misspelt?`)]

/**
 * A monitor's `status` is an object without properties in the CRD: the API server refuses
 * anything but an object and prunes every key of one. (The Schema's empty Struct accepts
 * any value, so this one rule lives here.)
 */
const monitorStatus = (kind: Resource.Kind, doc: JsonRecord): { readonly doc: JsonRecord; readonly issues: ReadonlyArray<Issue> } => {
  const status = doc["status"]
  if (kind === "WhatapAgent" || status === undefined) return { doc, issues: [] }
  if (!isRecord(status)) return { doc, issues: [error("schema", ["status"], `expected object, got ${SchemaFindings.describe(status)}`)] }
  const issues = Object.keys(status).map((key) => warning("unknown-field", ["status", key], `unknown field ${JSON.stringify(key)} is pruned by the API server`))
  return { doc: { ...doc, status: {} }, issues }
}

const strict = { errors: "all", onExcessProperty: "error", reportInput: true } as const

/**
 * A well-formed resource is decoded by `exact.ts` alone. Otherwise two passes: a strict
 * one that reports every problem (unknown keys included), then, when only warnings
 * remain, a lenient one that prunes unknown keys like the API server.
 */
const decodeAs = (kind: Resource.Kind, doc: JsonRecord): { readonly value: Option.Option<AnyResource>; readonly issues: ReadonlyArray<Issue> } => {
  const schema: Schema.Decoder<AnyResource> = schemas[kind]
  const fast = Exact.decode(schema, doc)
  if (fast !== Exact.invalid) return { value: Option.some(fast), issues: [] }
  const exit = Schema.decodeUnknownExit(schema)(doc, strict)
  if (Exit.isSuccess(exit)) return { value: Option.some(exit.value), issues: [] }
  const issues = Exit.findErrorOption(exit).pipe(
    Option.map((failure) => SchemaFindings.fromIssue(failure.issue).filter(relevant)),
    Option.getOrElse((): ReadonlyArray<Issue> => [error("schema", [], "decoding failed without a schema issue")])
  )
  if (Finding.hasErrors(issues)) return { value: Option.none(), issues }
  return { value: Schema.decodeUnknownOption(schema)(doc), issues }
}

/** apiVersion/kind are checked above with better messages; metadata is the API server's. */
const relevant = (issue: Issue): boolean => {
  const [first] = issue.path
  if (first === "apiVersion" || first === "kind") return false
  return !(first === "metadata" && issue.severity === "warning")
}

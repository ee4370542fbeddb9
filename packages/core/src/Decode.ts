/**
 * Decoding of untrusted input (a parsed YAML/JSON document, an admission request, an
 * informer object) into a typed WhaTap resource plus every finding at once.
 *
 * The decoded `value` is what the API server would store: `null` fields dropped,
 * unknown fields pruned, CRD defaults applied (`enabled: false`, `runtime: containerd`,
 * `hostNetwork: true`, `addNodeLabel: false`, ...). Code defaults (images, intervals)
 * are NOT applied; they belong to the reconciler. `value` is `None` as soon as there is
 * an error finding. Any JSON value gives findings, not an exception; a defect in the
 * decoder itself surfaces as one (the CLI, webhook and reconcile edges catch and log it).
 */
import { Option, Schema } from "effect"
import * as Finding from "./Finding.ts"
import * as Document from "./internal/document.ts"
import * as Secrets from "./internal/secrets.ts"
import { WhatapPodMonitor, WhatapServiceMonitor, WhatapStaticEndpoint } from "./Monitors.ts"
import type * as Resource from "./Resource.ts"
import { WhatapAgent } from "./WhatapAgent.ts"

export const schemas = Document.schemas

export type AnyResource = Document.AnyResource

export interface DecodeResult {
  readonly kind: Option.Option<Resource.Kind>
  readonly name: Option.Option<string>
  readonly namespace: Option.Option<string>
  readonly value: Option.Option<AnyResource>
  readonly findings: ReadonlyArray<Finding.Finding>
}

/**
 * Decode one document. See the module comment for what `value` contains. License values never appear in a message.
 *
 * @example
 * ```ts
 * import { Decode } from "@whatap-operator/core"
 *
 * const result = Decode.resource({
 *   apiVersion: "monitoring.whatap.com/v2alpha1",
 *   kind: "WhatapPodMonitor",
 *   metadata: { name: "web", namespace: "shop" },
 *   spec: { selector: { matchLabels: { app: "web" } }, endpoints: [{ port: "metrics" }] }
 * })
 * result.findings // => []
 * result.value._tag // => "Some"
 * ```
 */
export const resource = (input: unknown): DecodeResult => {
  const document = Document.decode(input)
  const findings = document.issues.map((i) => (i.severity === "error" ? Finding.error(i.path, i.message) : Finding.warning(i.path, i.message)))
  return {
    kind: document.kind,
    name: document.name,
    namespace: document.namespace,
    value: document.value,
    findings: Secrets.redactFrom(findings, input)
  }
}

/**
 * The wire form of a decoded resource (what the API server stores): the inverse of the
 * decoding, e.g. the license `Redacted` back to its string. For tests and tools that
 * compare a decoded value with a stored object; never log its result.
 *
 * @example
 * ```ts
 * import { Decode } from "@whatap-operator/core"
 * import { Option } from "effect"
 *
 * const agent = Decode.as("WhatapAgent", {
 *   apiVersion: "monitoring.whatap.com/v2alpha1",
 *   kind: "WhatapAgent",
 *   metadata: { name: "whatap" },
 *   spec: { license: "x-license", features: {} }
 * })
 * const wire = Decode.encode(Option.getOrThrow(agent.value)) as { spec: { license: string } }
 * wire.spec.license // => "x-license"
 * ```
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

/**
 * Decode and require a particular kind (a WhatapAgent where a WhatapAgent is expected).
 *
 * @example
 * ```ts
 * import { Decode } from "@whatap-operator/core"
 *
 * const result = Decode.as("WhatapAgent", { apiVersion: "monitoring.whatap.com/v2alpha1", kind: "WhatapPodMonitor", metadata: { name: "m" } })
 * result.findings.map((f) => f.message).includes("expected kind WhatapAgent, got WhatapPodMonitor") // => true
 * result.value._tag // => "None"
 * ```
 */
export const as = <K extends Resource.Kind>(kind: K, input: unknown): DecodeResultOf<K> => {
  const result = resource(input)
  const value = Option.filter(result.value, (v): v is TypeOf<K> => v.kind === kind)
  if (Option.isNone(result.kind) || result.kind.value === kind) return { ...result, value }
  const mismatch = Finding.error(["kind"], `expected kind ${kind}, got ${result.kind.value}`)
  return { ...result, value, findings: [...result.findings, mismatch] }
}

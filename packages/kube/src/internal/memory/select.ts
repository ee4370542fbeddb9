/**
 * List and watch filters: namespace, label selector (core's Selector engine, the
 * apimachinery `labels` semantics) and field selector. Field selectors support what the
 * API server supports for the kinds the operator reads: `metadata.name` and
 * `metadata.namespace` everywhere, plus a few per kind (Pod `spec.nodeName`,
 * `status.phase`, ...); `=`, `==` and `!=`, comma-separated. Anything else is refused
 * as the server refuses it.
 */
import { Selector } from "@whatap-operator/core"
import { Result } from "effect"
import type { KubeObject } from "../../KubeObject.ts"
import { isRecord } from "../ssa/json.ts"

export type Filter = (object: KubeObject) => boolean

const extraFields: Readonly<Record<string, ReadonlyArray<string>>> = {
  Pod: ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "status.phase", "status.podIP"],
  Secret: ["type"],
  Event: ["involvedObject.kind", "involvedObject.name", "involvedObject.namespace", "involvedObject.uid", "reason", "type"],
  Node: ["spec.unschedulable"],
  Namespace: ["status.phase"]
}

const fieldValue = (object: KubeObject, field: string): string => {
  const value = field.split(".").reduce<unknown>((node, name) => (isRecord(node) ? node[name] : undefined), object)
  return value === undefined || value === null ? "" : String(value)
}

interface Term {
  readonly field: string
  readonly equals: boolean
  readonly value: string
}

const parseTerm = (kind: string, text: string): Result.Result<Term, string> => {
  const match = /^([^=!]+)(==|=|!=)(.*)$/.exec(text.trim())
  if (match === null) return Result.fail(`invalid field selector: ${text}`)
  const [, field = "", op, value = ""] = match
  const supported = field === "metadata.name" || field === "metadata.namespace" || (extraFields[kind] ?? []).includes(field)
  if (!supported) return Result.fail(`field label not supported: ${field}`)
  return Result.succeed({ field, equals: op !== "!=", value })
}

export const fieldSelector = (kind: string, selector: string | undefined): Result.Result<Filter, string> => {
  if (selector === undefined || selector.trim() === "") return Result.succeed(() => true)
  const terms: Array<Term> = []
  for (const text of selector.split(",")) {
    const term = parseTerm(kind, text)
    if (Result.isFailure(term)) return Result.fail(term.failure)
    terms.push(term.success)
  }
  return Result.succeed((object) => terms.every((t) => (fieldValue(object, t.field) === t.value) === t.equals))
}

export const labelSelector = (selector: string | undefined): Result.Result<Filter, string> => {
  if (selector === undefined || selector.trim() === "") return Result.succeed(() => true)
  const parsed = Selector.parse(selector)
  if (Result.isFailure(parsed)) return Result.fail(`unable to parse requirement: ${parsed.failure.message}`)
  const compiled = Selector.compile(parsed.success)
  return Result.succeed((object) => Selector.matches(compiled, object.metadata.labels ?? {}))
}

export const namespaced = (namespace: string | undefined): Filter =>
  namespace === undefined || namespace === "" ? () => true : (object) => object.metadata.namespace === namespace

export interface Options {
  readonly namespace?: string | undefined
  readonly labelSelector?: string | undefined
  readonly fieldSelector?: string | undefined
}

/** One filter of all three; a selector that does not parse is the message of a 400. */
export const filterOf = (kind: string, options: Options): Result.Result<Filter, string> =>
  Result.flatMap(labelSelector(options.labelSelector), (labels) =>
    Result.map(fieldSelector(kind, options.fieldSelector), (fields) => {
      const inNamespace = namespaced(options.namespace)
      return (object: KubeObject) => inNamespace(object) && labels(object) && fields(object)
    }))

/** A PartialObjectMetadata, what a metadata-only list or watch returns per object. */
export const metadataOnly = (object: KubeObject): KubeObject => ({
  apiVersion: "meta.k8s.io/v1",
  kind: "PartialObjectMetadata",
  metadata: object.metadata
})

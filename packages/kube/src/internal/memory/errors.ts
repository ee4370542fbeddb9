/**
 * The failures of the memory layer, worded as the API server words them (so a test that
 * shows a message shows a real one) and carried as the same `KubeError` the live layer
 * returns: `deployments.apps "x" not found`, `Operation cannot be fulfilled on ...`.
 */
import * as ApiResource from "../../ApiResource.ts"
import type { Verb } from "../../KubeMemory.ts"
import { KubeError, type Reason } from "../../KubeError.ts"

export const statusOf: { readonly [R in Reason]: number } = {
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  Conflict: 409,
  AlreadyExists: 409,
  Gone: 410,
  Invalid: 422,
  TooManyRequests: 429,
  Internal: 500,
  Unavailable: 503,
  Timeout: 504,
  Protocol: 0,
  Unknown: 0
}

const methodOf: { readonly [V in Verb]: string } = {
  get: "GET",
  list: "GET",
  watch: "GET",
  create: "POST",
  update: "PUT",
  patch: "PATCH",
  apply: "PATCH",
  delete: "DELETE"
}

export interface Target {
  readonly verb: Verb
  readonly resource: ApiResource.ApiResource
  readonly namespace?: string | undefined
  readonly name?: string | undefined
  readonly subresource?: string | undefined
}

/** `PATCH /apis/apps/v1/namespaces/ns/deployments/x`, as the live layer names an operation. */
export const operation = (t: Target): string => {
  const path = ApiResource.path(t.resource, { namespace: t.namespace, name: t.verb === "create" ? undefined : t.name, subresource: t.subresource })
  return `${methodOf[t.verb]} ${path}${t.verb === "watch" ? "?watch=true" : ""}`
}

export const make = (t: Target, reason: Reason, message: string): KubeError =>
  new KubeError({ reason, operation: operation(t), message, status: statusOf[reason] })

const named = (t: Target): string => `${ApiResource.qualifiedName(t.resource)} "${t.name ?? ""}"`

export const notFound = (t: Target): KubeError => make(t, "NotFound", `${named(t)} not found`)

export const alreadyExists = (t: Target): KubeError => make(t, "AlreadyExists", `${named(t)} already exists`)

export const stale = (t: Target): KubeError =>
  make(
    t,
    "Conflict",
    `Operation cannot be fulfilled on ${named(t)}: the object has been modified; please apply your changes to the latest version and try again`
  )

export const invalid = (t: Target, detail: string): KubeError =>
  make(t, "Invalid", `${t.resource.kind} "${t.name ?? ""}" is invalid: ${detail}`)

export const badRequest = (t: Target, detail: string): KubeError => make(t, "BadRequest", detail)

export interface ApplyConflict {
  readonly manager: string
  readonly apiVersion: string
  /** Readable path with a leading dot, as the server prints it. */
  readonly path: string
}

/** `Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas` */
export const applyConflict = (t: Target, conflicts: ReadonlyArray<ApplyConflict>): KubeError => {
  const lines = conflicts.map((c) => `conflict with "${c.manager}" using ${c.apiVersion}: ${c.path}`)
  const message = conflicts.length === 1
    ? `Apply failed with 1 conflict: ${lines.join("")}`
    : `Apply failed with ${conflicts.length} conflicts: ${lines.join("\n")}`
  return make(t, "Conflict", message)
}

export const gone = (t: Target, resourceVersion: string): KubeError =>
  make(t, "Gone", `too old resource version: ${resourceVersion}`)

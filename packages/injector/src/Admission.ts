/**
 * The AdmissionReview as the API server sends and reads it (`admission.k8s.io/v1`, and
 * `v1beta1`, whose fields are the same: a review is answered in the version it came in,
 * as controller-runtime answers the Go operator's webhooks): the
 * request decoded at the edge (objects stay raw JSON, each handler decodes what it needs),
 * and the response built by `allow` / `deny`, which already respect what the API server
 * accepts (a patch only with `patchType: JSONPatch`, nothing when the patch is empty, as a
 * validating webhook may return no patch at all) and what it would silently drop or cut.
 *
 * Warnings: the API server copies each one into a `Warning: 299` header through its warning
 * recorder (k8s.io/apiserver `pkg/endpoints/filters/warning.go`), which drops a warning that
 * contains a control character, and once the warnings of a request pass 4096 runes in total
 * cuts every one to 256 runes. `boundWarnings` stays inside both limits, so what the webhook
 * says is what `kubectl` prints as `Warning: ...`.
 */
import type { JsonPatchOperation } from "@whatap-operator/kube"
import { Effect, Schema } from "effect"

export type { JsonPatchOperation }

export const apiVersion = "admission.k8s.io/v1"
export const apiVersionV1beta1 = "admission.k8s.io/v1beta1"
export const kind = "AdmissionReview"

/** The review versions served; the answer has the request's. */
export const ReviewVersion = Schema.Literals([apiVersion, apiVersionV1beta1])
export type ReviewVersion = typeof ReviewVersion.Type

export const Operation = Schema.Literals(["CREATE", "UPDATE", "DELETE", "CONNECT"])
export type Operation = typeof Operation.Type

export const GroupVersionKind = Schema.Struct({ group: Schema.String, version: Schema.String, kind: Schema.String })
export type GroupVersionKind = typeof GroupVersionKind.Type

export const GroupVersionResource = Schema.Struct({ group: Schema.String, version: Schema.String, resource: Schema.String })
export type GroupVersionResource = typeof GroupVersionResource.Type

export const UserInfo = Schema.Struct({
  username: Schema.optionalKey(Schema.String),
  uid: Schema.optionalKey(Schema.String),
  groups: Schema.optionalKey(Schema.Array(Schema.String)),
  extra: Schema.optionalKey(Schema.Record(Schema.String, Schema.Array(Schema.String)))
})
export type UserInfo = typeof UserInfo.Type

/**
 * `object`, `oldObject` and `options` are raw JSON (`null` where the operation has none).
 * As the server decodes it (AdmissionServer), a key that is missing or `null` has Go's zero
 * value (`""`, an empty kind, no user), as controller-runtime's decoding leaves it, so a
 * review the Go operator would answer is answered here too.
 */
export const AdmissionRequest = Schema.Struct({
  uid: Schema.String,
  kind: GroupVersionKind,
  resource: GroupVersionResource,
  subResource: Schema.optionalKey(Schema.String),
  requestKind: Schema.optionalKey(GroupVersionKind),
  requestResource: Schema.optionalKey(GroupVersionResource),
  requestSubResource: Schema.optionalKey(Schema.String),
  name: Schema.optionalKey(Schema.String),
  namespace: Schema.optionalKey(Schema.String),
  /** The API server sends one of `Operation`; a review sent by hand may hold anything, and each route decides. */
  operation: Schema.String,
  userInfo: UserInfo,
  object: Schema.optionalKey(Schema.Unknown),
  oldObject: Schema.optionalKey(Schema.Unknown),
  dryRun: Schema.optionalKey(Schema.Boolean),
  options: Schema.optionalKey(Schema.Unknown)
})
export type AdmissionRequest = typeof AdmissionRequest.Type

export const AdmissionReviewRequest = Schema.Struct({
  apiVersion: ReviewVersion,
  kind: Schema.Literal(kind),
  request: AdmissionRequest
})
export type AdmissionReviewRequest = typeof AdmissionReviewRequest.Type

/** metav1.StatusCause: kubectl prints `<field>: <message>` per cause of an `Invalid` status. */
export const StatusCause = Schema.Struct({
  reason: Schema.optionalKey(Schema.String),
  message: Schema.optionalKey(Schema.String),
  field: Schema.optionalKey(Schema.String)
})
export type StatusCause = typeof StatusCause.Type

export const StatusDetails = Schema.Struct({
  name: Schema.optionalKey(Schema.String),
  group: Schema.optionalKey(Schema.String),
  kind: Schema.optionalKey(Schema.String),
  causes: Schema.optionalKey(Schema.Array(StatusCause))
})
export type StatusDetails = typeof StatusDetails.Type

/** metav1.Status, the `status` of a denial; the API server prefixes the message with the webhook's name. */
export const Status = Schema.Struct({
  metadata: Schema.optionalKey(Schema.Record(Schema.String, Schema.Unknown)),
  status: Schema.optionalKey(Schema.Literals(["Success", "Failure"])),
  code: Schema.optionalKey(Schema.Int),
  reason: Schema.optionalKey(Schema.String),
  message: Schema.optionalKey(Schema.String),
  details: Schema.optionalKey(StatusDetails)
})
export type Status = typeof Status.Type

export const AdmissionResponse = Schema.Struct({
  uid: Schema.String,
  allowed: Schema.Boolean,
  status: Schema.optionalKey(Status),
  /** Base64 of the JSON Patch document. */
  patch: Schema.optionalKey(Schema.String),
  patchType: Schema.optionalKey(Schema.Literal("JSONPatch")),
  warnings: Schema.optionalKey(Schema.Array(Schema.String)),
  auditAnnotations: Schema.optionalKey(Schema.Record(Schema.String, Schema.String))
})
export type AdmissionResponse = typeof AdmissionResponse.Type

export const AdmissionReviewResponse = Schema.Struct({
  apiVersion: ReviewVersion,
  kind: Schema.Literal(kind),
  response: AdmissionResponse
})
export type AdmissionReviewResponse = typeof AdmissionReviewResponse.Type

/**
 * What a webhook path runs for one decoded request. A failure, a defect or running past
 * the server's time budget is not an answer: the server turns it into an HTTP error and
 * the webhook's failurePolicy decides (see AdmissionServer).
 */
/** What the server knows of a request besides its review. */
export interface Received {
  /** The size of the AdmissionReview body. */
  readonly bytes: number
}

export type Handler<R = never> = (request: AdmissionRequest, received: Received) => Effect.Effect<AdmissionResponse, unknown, R>

/** A handler that needs no services and cannot fail. */
export const handler = (review: (request: AdmissionRequest) => AdmissionResponse): Handler =>
  (request) => Effect.sync(() => review(request))

/** Runes (code points) of one warning before the API server would cut it. */
export const maxWarningRunes = 256
/** Runes of all warnings of one request before the API server starts cutting them. */
export const maxWarningsTotalRunes = 4096
/** Lines `kubectl` prints; the rest is summarised in the last one. */
export const maxWarnings = 32
/** Length of a denial message (the causes carry the detail). */
export const maxMessageLength = 4096

const runes = (text: string): number => [...text].length

/** Cut to `max` runes with a trailing `...` (never splits a surrogate pair). */
export const truncate = (text: string, max: number): string => {
  const chars = [...text]
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 3)).join("")}...`
}

/** Control characters (newlines included) make the API server drop a warning; spaces keep the text. */
const clean = (text: string): string => text.replace(/\p{Cc}/gu, " ").trim()

const summary = (omitted: number): string => `${omitted} more warning${omitted === 1 ? "" : "s"} not shown`

/**
 * Warnings as the API server will pass them on unchanged: control characters replaced,
 * empty and repeated ones dropped, each at most 256 runes, at most 32 and 4096 runes in
 * all; when some do not fit, the last line says how many were left out. Order is kept.
 */
export const boundWarnings = (warnings: ReadonlyArray<string>): ReadonlyArray<string> => {
  const all = [...new Set(warnings.map((w) => truncate(clean(w), maxWarningRunes)).filter((w) => w.length > 0))]
  const fits = (list: ReadonlyArray<string>, budget: number) => list.reduce((n, w) => n + runes(w), 0) <= budget
  if (all.length <= maxWarnings && fits(all, maxWarningsTotalRunes)) return all
  const kept: Array<string> = []
  let used = runes(summary(all.length))
  for (const warning of all) {
    if (kept.length === maxWarnings - 1 || used + runes(warning) > maxWarningsTotalRunes) break
    kept.push(warning)
    used += runes(warning)
  }
  return [...kept, summary(all.length - kept.length)]
}

export interface AllowOptions {
  readonly patch?: ReadonlyArray<JsonPatchOperation>
  readonly warnings?: ReadonlyArray<string>
  readonly auditAnnotations?: Readonly<Record<string, string>>
}

const warningsField = (warnings: ReadonlyArray<string> | undefined) => {
  const bounded = boundWarnings(warnings ?? [])
  return bounded.length === 0 ? {} : { warnings: bounded }
}

/** The status of an admission, as controller-runtime completes every response the Go operator sends. */
export const allowedStatus: Status = { metadata: {}, code: 200 }

/** Admit the request; a non-empty `patch` is sent base64-encoded with `patchType: JSONPatch`. */
export const allow = (uid: string, options: AllowOptions = {}): AdmissionResponse => ({
  uid,
  allowed: true,
  status: allowedStatus,
  ...(options.patch === undefined || options.patch.length === 0
    ? {}
    : { patchType: "JSONPatch" as const, patch: Buffer.from(JSON.stringify(options.patch), "utf8").toString("base64") }),
  ...warningsField(options.warnings),
  ...(options.auditAnnotations === undefined || Object.keys(options.auditAnnotations).length === 0
    ? {}
    : { auditAnnotations: { ...options.auditAnnotations } })
})

const reasons: Readonly<Record<number, string>> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  409: "Conflict",
  422: "Invalid",
  429: "TooManyRequests",
  500: "InternalError"
}

/**
 * controller-runtime's `Errored`: `allowed: false` with only a code and a message, no
 * reason: what the Go operator's webhooks answer a review they cannot read. Sent without
 * apiVersion and kind when the review itself could not be read (`unreadable`): the API
 * server then counts the call as failed, and the webhook's failurePolicy decides.
 */
export const errored = (uid: string, code: number, message: string): AdmissionResponse => ({
  uid,
  allowed: false,
  status: { metadata: {}, message: truncate(message, maxMessageLength), code }
})

/**
 * Reject the request. `code` is the HTTP status the API server answers its client with
 * (it raises anything below 400 to 400); 422 reads as `Invalid`, which kubectl prints as
 * `The <kind> "<name>" is invalid:` followed by one line per cause of `details`.
 */
export const deny = (
  uid: string,
  code: number,
  message: string,
  warnings?: ReadonlyArray<string>,
  details?: StatusDetails
): AdmissionResponse => {
  const reason = reasons[code]
  return {
    uid,
    allowed: false,
    status: {
      status: "Failure",
      code,
      ...(reason === undefined ? {} : { reason }),
      message: truncate(message, maxMessageLength),
      ...(details === undefined ? {} : { details })
    },
    ...warningsField(warnings)
  }
}

/** A field Go's JSON decoding leaves at its zero value, or a raw object it has no content for: missing, or `null`. */
export const isAbsent = (raw: unknown): raw is null | undefined => raw === undefined || raw === null

/** What controller-runtime's decoder says of a review without the object a handler needs (the API server always sends it). */
export const noObject = "there is no content to decode"

/** The body controller-runtime writes for a request it could not read: an untyped review (no apiVersion, no kind). */
export const unreadable = (code: number, message: string): { readonly response: AdmissionResponse } =>
  ({ response: errored("", code, message) })

/** The body the server writes for a handler's answer, in the version of the request. */
export const review = (response: AdmissionResponse, version: ReviewVersion = apiVersion): AdmissionReviewResponse =>
  ({ apiVersion: version, kind, response })

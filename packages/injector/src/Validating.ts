/**
 * The validating webhook of the four WhaTap kinds (PRODUCT D1, F6): core's
 * `Validate.document` verdict as an admission answer, so `kubectl apply` and
 * `whatapctl validate` judge a resource alike.
 *
 * - CREATE/UPDATE: errors deny with code 422 (`Invalid`): the message lists the field paths
 *   and messages (at most 20, then how many more), and `details.causes` carries the same
 *   list, which kubectl prints as `The WhatapAgent "x" is invalid:` and one `* path: message`
 *   line each. Warnings travel as admission warnings (`Warning: path: message`). A
 *   WhatapAgent not named `whatap` is one of those warnings (core's `agent-name` rule), where
 *   the Go operator denied it.
 * - An UPDATE that leaves `spec` as it was is never denied; its errors come back as warnings.
 *   An object stored while the webhook was not called (it was down, or not yet registered)
 *   must still take metadata updates: the operator adding or removing its finalizer, a
 *   label, the deletion itself. The same ratchet the API server applies to CRD validation.
 * - DELETE and CONNECT, and subresources (`status` is the operator's), are allowed as is.
 * - As controller-runtime answers the Go operator's validation: another operation, or a
 *   CREATE/UPDATE without the object (an UPDATE without the old one, a DELETE without the
 *   object it deletes), is `errored` with code 400; a review sent by hand without `kind` is
 *   judged by the object's own apiVersion and kind.
 * - Another kind (the webhook configuration routes only the four kinds here, so a
 *   hand-edited configuration) is allowed with a warning that it was not validated:
 *   blocking unrelated objects would be worse, saying nothing would hide the mistake.
 *
 * No text of the answer contains a secret value of the object: core redacts its messages,
 * and paths, names and kinds are redacted here with core's redaction (every spelling of
 * every secret, overlapping values merged, at any depth).
 */
import { Finding, Resource, Validate } from "@whatap-operator/core"
import { Option, Result } from "effect"
import * as Admission from "./Admission.ts"
import * as JsonPatch from "./JsonPatch.ts"

/** Errors listed in a denial's message and causes. */
export const maxListedErrors = 20

const unchangedNote = "this update leaves the spec unchanged and is admitted although the spec is invalid; fix the errors below"

const line = (issue: Validate.Issue): string => `${Finding.formatPath(issue.path)}: ${issue.message}`

const isWhatapKind = (gvk: Admission.GroupVersionKind): boolean =>
  gvk.group === Resource.group && gvk.version === Resource.version && Resource.isKind(gvk.kind)

const specOf = (object: unknown): unknown =>
  typeof object === "object" && object !== null && !Array.isArray(object) && Object.hasOwn(object, "spec")
    ? Reflect.get(object, "spec") as unknown
    : undefined

/** A nesting too deep to compare counts as a change, so the object is judged on its own. */
const specUnchanged = (request: Admission.AdmissionRequest): boolean =>
  request.operation === "UPDATE" &&
  Result.getOrElse(Result.try(() => JsonPatch.equal(specOf(request.object), specOf(request.oldObject))), () => false)

const notValidated = (gvk: Admission.GroupVersionKind): string =>
  `${gvk.group === "" ? "" : `${gvk.group}/`}${gvk.version} ${gvk.kind} is not validated by the WhaTap operator's webhook; ` +
  `its webhook configuration should route only ${Resource.kinds.join(", ")} here`

const denial = (request: Admission.AdmissionRequest, report: Validate.Report, errors: ReadonlyArray<Validate.Issue>, redact: (s: string) => string) => {
  const kind = Option.getOrElse(report.kind, () => kindOf(request).kind)
  const name = Option.getOrElse(report.name, () => request.name ?? "")
  const listed = errors.slice(0, maxListedErrors)
  const rest = errors.length - listed.length
  const more = rest === 0 ? [] : [`${rest} more error${rest === 1 ? "" : "s"} (whatapctl validate lists them)`]
  const message = redact(`${kind}${name === "" ? "" : ` ${JSON.stringify(name)}`} is invalid: ${[...listed.map(line), ...more].join("; ")}`)
  const causes = listed.map((issue): Admission.StatusCause => ({
    reason: "FieldValueInvalid",
    field: redact(Finding.formatPath(issue.path)),
    message: redact(issue.message)
  }))
  const moreCause = more.map((m): Admission.StatusCause => ({ reason: "FieldValueInvalid", field: "...", message: m }))
  return {
    message,
    details: { group: Resource.group, kind, ...(name === "" ? {} : { name: redact(name) }), causes: [...causes, ...moreCause] }
  }
}

const isEmptyKind = (gvk: Admission.GroupVersionKind): boolean => gvk.group === "" && gvk.version === "" && gvk.kind === ""

/** The request's kind, or when a hand-written review has none, the object's own (what Go's decoder reads). */
const kindOf = (request: Admission.AdmissionRequest): Admission.GroupVersionKind => {
  if (!isEmptyKind(request.kind)) return request.kind
  const object = typeof request.object === "object" && request.object !== null ? request.object : {}
  const apiVersion = Reflect.get(object, "apiVersion"), kind = Reflect.get(object, "kind")
  const [group, version] = typeof apiVersion === "string" && apiVersion.includes("/") ? apiVersion.split("/", 2) : ["", apiVersion]
  return { group: group ?? "", version: typeof version === "string" ? version : "", kind: typeof kind === "string" ? kind : "" }
}

/** What controller-runtime's validator refuses before validating: an unknown operation, an object it needs and did not get. */
const refusal = (request: Admission.AdmissionRequest): string | undefined => {
  switch (request.operation) {
    case "CONNECT":
      return undefined
    case "CREATE":
      return Admission.isAbsent(request.object) ? Admission.noObject : undefined
    case "UPDATE":
      return Admission.isAbsent(request.object) || Admission.isAbsent(request.oldObject) ? Admission.noObject : undefined
    case "DELETE":
      return Admission.isAbsent(request.oldObject) ? Admission.noObject : undefined
    default:
      return `unknown operation ${JSON.stringify(request.operation)}`
  }
}

/** The verdict on one request; pure, so the same request always gets the same answer. */
export const review = (request: Admission.AdmissionRequest): Admission.AdmissionResponse => {
  const { uid } = request
  const refused = refusal(request)
  if (refused !== undefined) return Admission.errored(uid, 400, refused)
  if (request.operation === "DELETE" || request.operation === "CONNECT") return Admission.allow(uid)
  if (request.subResource !== undefined && request.subResource !== "") return Admission.allow(uid)
  const gvk = kindOf(request)
  // the kind may be the object's own (a review without one): redacted like a path
  if (!isWhatapKind(gvk)) return Admission.allow(uid, { warnings: [Validate.redactor(request.object)(notValidated(gvk))] })
  const report = Validate.document(request.object)
  // a field path is made of the object's own keys, a name is its own: core's redaction of
  // its messages does not cover them
  const redact = Validate.redactor(request.object, request.oldObject)
  const errors = report.issues.filter((i) => i.severity === "error")
  const warnings = report.issues.filter((i) => i.severity === "warning").map((i) => redact(line(i)))
  if (errors.length === 0) return Admission.allow(uid, { warnings })
  if (specUnchanged(request)) {
    return Admission.allow(uid, { warnings: [unchangedNote, ...errors.map((i) => redact(line(i))), ...warnings] })
  }
  const { details, message } = denial(request, report, errors, redact)
  return Admission.deny(uid, 422, message, warnings, details)
}

/** `review` as a route of AdmissionServer. */
export const handler: Admission.Handler = Admission.handler(review)

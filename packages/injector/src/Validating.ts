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
 * - Another kind (the webhook configuration routes only the four kinds here, so a
 *   hand-edited configuration) is allowed with a warning that it was not validated:
 *   blocking unrelated objects would be worse, saying nothing would hide the mistake.
 *
 * No text of the answer contains a secret value of the object: core redacts its messages,
 * and paths and names are redacted here.
 */
import { Finding, Resource, Validate } from "@whatap-operator/core"
import { Option, Result } from "effect"
import * as Admission from "./Admission.ts"
import * as Secrets from "./internal/admission/Secrets.ts"
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
  const kind = Option.getOrElse(report.kind, () => request.kind.kind)
  const name = Option.getOrElse(report.name, () => request.name ?? "")
  const listed = errors.slice(0, maxListedErrors)
  const rest = errors.length - listed.length
  const more = rest === 0 ? [] : [`${rest} more error${rest === 1 ? "" : "s"} (whatapctl validate lists them all)`]
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

/** The verdict on one request; pure, so the same request always gets the same answer. */
export const review = (request: Admission.AdmissionRequest): Admission.AdmissionResponse => {
  const { uid } = request
  if (request.operation === "DELETE" || request.operation === "CONNECT") return Admission.allow(uid)
  if (request.subResource !== undefined && request.subResource !== "") return Admission.allow(uid)
  if (!isWhatapKind(request.kind)) return Admission.allow(uid, { warnings: [notValidated(request.kind)] })
  const report = Validate.document(request.object)
  const secrets = Secrets.values(request.object, request.oldObject)
  const redact = (text: string) => Secrets.redact(text, secrets)
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

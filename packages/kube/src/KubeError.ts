/**
 * The one error of the API boundary. Every failure of a call (an HTTP status, a refused
 * connection, a timeout, a body that is not what the API promises) becomes a `KubeError`
 * here, once, with a `reason` that callers branch on; the Status message from the server
 * is kept verbatim so it can be shown to a user.
 */
import { Schema } from "effect"

export const Reason = Schema.Literals([
  "BadRequest", // 400
  "Unauthorized", // 401
  "Forbidden", // 403
  "NotFound", // 404
  "Conflict", // 409 with reason Conflict: a stale resourceVersion or an apply conflict
  "AlreadyExists", // 409 with reason AlreadyExists
  "Gone", // 410: resourceVersion too old (relist)
  "Invalid", // 422
  "TooManyRequests", // 429
  "Internal", // 500
  "Unavailable", // 502/503, connection refused/reset, DNS: the server could not be reached or answered
  "Timeout", // 504, a client-side deadline
  "Protocol", // a response body that could not be decoded
  "Unknown"
])
export type Reason = typeof Reason.Type

export class KubeError extends Schema.TaggedError<KubeError>()("KubeError", {
  reason: Reason,
  /** What was attempted, e.g. `GET /apis/apps/v1/namespaces/x/deployments/y`. */
  operation: Schema.String,
  message: Schema.String,
  /** HTTP status; 0 when no response arrived. */
  status: Schema.Number,
  /** Seconds, from a Retry-After header or a Status' retryAfterSeconds. */
  retryAfterSeconds: Schema.optionalKey(Schema.Number)
}) {}

export const isReason = (error: unknown, reason: Reason): boolean =>
  error instanceof KubeError && error.reason === reason

/** Status code to reason; 409 depends on the Status body's reason. */
export const reasonFor = (status: number, statusReason?: string): Reason => {
  switch (status) {
    case 400: return "BadRequest"
    case 401: return "Unauthorized"
    case 403: return "Forbidden"
    case 404: return "NotFound"
    case 409: return statusReason === "AlreadyExists" ? "AlreadyExists" : "Conflict"
    case 410: return "Gone"
    case 422: return "Invalid"
    case 429: return "TooManyRequests"
    case 500: return "Internal"
    case 502:
    case 503: return "Unavailable"
    case 504: return "Timeout"
    default: return "Unknown"
  }
}

/**
 * Reading and decoding one AdmissionReview request body, with the bound on its size
 * enforced while reading: nothing past the limit is kept, the rest of an unwanted body is
 * read and discarded (bounded too) so the keep-alive connection can carry the next request.
 */
import type { IncomingMessage } from "node:http"
import { Effect, Schema } from "effect"
import * as Admission from "../../Admission.ts"

/** Why a request was not an AdmissionReview the server can hand to a route. */
export type Rejection =
  | { readonly _tag: "TooLarge"; readonly limit: number }
  | { readonly _tag: "Malformed"; readonly message: string }
  | { readonly _tag: "Unsupported"; readonly message: string }

export const malformed = (message: string): Rejection => ({ _tag: "Malformed", message })

/** Schema messages can be long (they describe the input); 1000 characters say what is wrong. */
const maxDetail = 1000

/** Exactly `application/json`, what the API server sends and all controller-runtime takes. */
export const isJson = (contentType: string | undefined): boolean => contentType === "application/json"

/**
 * A body over the limit is read on and thrown away up to this multiple of the limit, so
 * the connection can carry the next request (closing it with unread data would reset it,
 * and the client could lose the 413 itself); a body larger still closes the connection.
 */
export const drainFactor = 2

export const declaredLength = (req: IncomingMessage): number => {
  const declared = Number(req.headers["content-length"] ?? "0")
  return Number.isFinite(declared) ? declared : 0
}

/** Discard the rest of the body; past `limit * drainFactor` bytes in all, drop the connection. */
export const drain = (req: IncomingMessage, limit: number, received: number): void => {
  let total = received
  const onData = (chunk: Buffer) => {
    total += chunk.length
    if (total > limit * drainFactor) req.socket.destroy()
  }
  req.on("data", onData)
  req.once("close", () => req.off("data", onData))
  req.resume()
}

/** The whole body, or `TooLarge` as soon as more than `limit` bytes arrived; the rest is drained, never kept. */
export const read = (req: IncomingMessage, limit: number): Effect.Effect<Buffer, Rejection> =>
  Effect.callback<Buffer, Rejection>((resume) => {
    const chunks: Array<Buffer> = []
    let size = 0
    const detach = () => {
      req.off("data", onData)
      req.off("end", onEnd)
      req.off("error", onError)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size <= limit) return void chunks.push(chunk)
      detach()
      drain(req, limit, size)
      resume(Effect.fail({ _tag: "TooLarge", limit }))
    }
    const onEnd = () => {
      detach()
      resume(Effect.succeed(Buffer.concat(chunks)))
    }
    const onError = () => {
      detach()
      resume(Effect.fail(malformed("the request body could not be read")))
    }
    req.on("data", onData)
    req.on("end", onEnd)
    req.on("error", onError)
    return Effect.sync(detach)
  })

const utf8 = new TextDecoder("utf-8", { fatal: true })

/**
 * encoding/json's nesting limit, which controller-runtime's decoder inherits: a deeper
 * review is not read (an API server never sends one; handled, it would exhaust the stack
 * of whatever walks the pod).
 */
export const maxNesting = 10_000

/**
 * JSON values (array items, object entries, containers) a review may hold: an API
 * server's review of the largest pod (1 MiB, past which the pod webhook leaves a pod
 * alone) or WhatapAgent (the validator reads 50,000 values) holds far fewer. Past it, a
 * few megabytes of tiny values (400,000 `userInfo.extra` keys in 4 MB) would take more
 * heap than the operator is given while being read and decoded, and block every other
 * admission meanwhile.
 */
export const maxValues = 100_000

/**
 * What a JSON text holds that the parser must not be given: nesting deeper than
 * `maxNesting`, or more than `maxValues` values (counted as the separators and containers
 * outside strings). One scan, stopping at the first; undefined when neither.
 */
const excess = (text: string): "depth" | "values" | undefined => {
  let depth = 0
  let values = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c) i++
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x2c) {
      if (++values > maxValues) return "values"
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxNesting) return "depth"
      if (++values > maxValues) return "values"
    } else if (c === 0x7d || c === 0x5d) depth--
  }
  return undefined
}

/** Shorter texts can break neither bound: a level takes two characters, a value two with its separator. */
const scanFrom = Math.min(2 * maxNesting, 2 * maxValues)

const parse = (body: Buffer): Effect.Effect<unknown, Rejection> =>
  Effect.flatMap(
    Effect.try({ try: () => utf8.decode(body), catch: () => malformed("the request body is not UTF-8 JSON") }),
    (text) => {
      const over = text.length > scanFrom ? excess(text) : undefined
      if (over === "depth") return Effect.fail(malformed(`the request body nests arrays and objects deeper than ${maxNesting} levels`))
      if (over === "values") {
        return Effect.fail(malformed(`the request body holds more than ${maxValues.toLocaleString("en-US")} JSON values; no pod or WhatapAgent review needs as many, and it is not read`))
      }
      return Effect.try({ try: () => JSON.parse(text) as unknown, catch: () => malformed("the request body is not UTF-8 JSON") })
    }
  )

type Json = Readonly<Record<string, unknown>>
const isRecord = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value)

const field = (value: unknown, key: string): unknown =>
  isRecord(value) && Object.hasOwn(value, key) ? value[key] : undefined


/**
 * `value` without the keys whose value is `null` (Go leaves such a field at its zero
 * value), to the depth of the request's own fields (`userInfo.extra` values are the
 * deepest); what lies deeper is kept as sent, for the schema to judge.
 */
const withoutNulls = (value: unknown, depth = 3): unknown => {
  if (depth === 0 || !isRecord(value)) return value
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) if (item !== null) out[key] = withoutNulls(item, depth - 1)
  return out
}

/** A kind or resource with its missing parts as Go's empty strings. */
const withEmptyParts = (value: unknown, parts: ReadonlyArray<string>): unknown => {
  if (Admission.isAbsent(value)) return Object.fromEntries(parts.map((p) => [p, ""]))
  if (!isRecord(value)) return value
  const out: Record<string, unknown> = { ...value }
  for (const part of parts) if (Admission.isAbsent(out[part])) out[part] = ""
  return out
}

const kindParts = ["group", "version", "kind"]
const resourceParts = ["group", "version", "resource"]
/** Raw JSON the handlers read themselves: kept as sent, `null` included. */
const rawKeys = new Set(["object", "oldObject", "options"])

/**
 * The request as controller-runtime decodes it into Go's `AdmissionRequest`: a missing or
 * `null` field is its zero value (`""`, an empty kind or resource, no user), so a review
 * the Go operator answers is not refused here for what it leaves out.
 */
const withGoZeroValues = (request: unknown): unknown => {
  if (Admission.isAbsent(request)) return withGoZeroValues({})
  if (!isRecord(request)) return request
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(request)) {
    if (rawKeys.has(key)) out[key] = value
    else if (value !== null) out[key] = withoutNulls(value)
  }
  out["uid"] ??= ""
  out["operation"] ??= ""
  out["userInfo"] ??= {}
  out["kind"] = withEmptyParts(out["kind"], kindParts)
  out["resource"] = withEmptyParts(out["resource"], resourceParts)
  if (out["requestKind"] !== undefined) out["requestKind"] = withEmptyParts(out["requestKind"], kindParts)
  if (out["requestResource"] !== undefined) out["requestResource"] = withEmptyParts(out["requestResource"], resourceParts)
  return out
}

const describe = (value: unknown): string =>
  typeof value === "string" ? JSON.stringify(Admission.truncate(value, 100)) : value === undefined ? "nothing" : value === null ? "null" : typeof value

export interface Decoded {
  readonly request: Admission.AdmissionRequest
  /** The review's version, which the answer repeats. */
  readonly version: Admission.ReviewVersion
  readonly bytes: number
}

const isVersion = Schema.is(Admission.ReviewVersion)

/**
 * The request of an `admission.k8s.io/v1` or `v1beta1` AdmissionReview; other versions and
 * kinds are refused by name. As controller-runtime decodes it: a review without apiVersion
 * or kind is taken as a v1 AdmissionReview, missing request fields have Go's zero values.
 */
export const decode = (body: Buffer): Effect.Effect<Decoded, Rejection> =>
  Effect.gen(function*() {
    const parsed = yield* parse(body)
    if (!isRecord(parsed)) return yield* Effect.fail(malformed(`the request body is ${Array.isArray(parsed) ? "an array" : describe(parsed)}, not an AdmissionReview`))
    const given = field(parsed, "apiVersion"), givenKind = field(parsed, "kind")
    const apiVersion = Admission.isAbsent(given) ? Admission.apiVersion : given
    const kind = Admission.isAbsent(givenKind) ? Admission.kind : givenKind
    const json = { apiVersion, kind, request: withGoZeroValues(field(parsed, "request")) }
    if (!isVersion(apiVersion) || kind !== Admission.kind) {
      return yield* Effect.fail<Rejection>({
        _tag: "Unsupported",
        message: `expected apiVersion ${Admission.apiVersion} (or ${Admission.apiVersionV1beta1}) kind ${Admission.kind}, got apiVersion ${describe(apiVersion)} kind ${describe(kind)}`
      })
    }
    // the first problem only, as encoding/json reports it: listing every one of 300,000 wrong items took seconds and more heap than the operator has
    const review = yield* Schema.decodeUnknownEffect(Admission.AdmissionReviewRequest)(json).pipe(
      Effect.mapError((error) => malformed(`not a valid AdmissionReview request: ${Admission.truncate(error.message, maxDetail)}`))
    )
    return { request: review.request, version: review.apiVersion, bytes: body.length }
  })

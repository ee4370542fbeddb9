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

const malformed = (message: string): Rejection => ({ _tag: "Malformed", message })

/** Schema messages can be long (they describe the input); 1000 characters say what is wrong. */
const maxDetail = 1000

/** `application/json`, with or without parameters, is what the API server sends. */
export const isJson = (contentType: string | undefined): boolean =>
  contentType !== undefined && contentType.split(";")[0]?.trim().toLowerCase() === "application/json"

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

const parse = (body: Buffer): Effect.Effect<unknown, Rejection> =>
  Effect.try({
    try: () => JSON.parse(utf8.decode(body)) as unknown,
    catch: () => malformed("the request body is not UTF-8 JSON")
  })

const field = (value: unknown, key: string): unknown =>
  typeof value === "object" && value !== null && !Array.isArray(value) && Object.hasOwn(value, key) ? Reflect.get(value, key) as unknown : undefined

const describe = (value: unknown): string =>
  typeof value === "string" ? JSON.stringify(Admission.truncate(value, 100)) : value === undefined ? "nothing" : typeof value

export interface Decoded {
  readonly request: Admission.AdmissionRequest
  /** The review's version, which the answer repeats. */
  readonly version: Admission.ReviewVersion
  readonly bytes: number
}

const isVersion = Schema.is(Admission.ReviewVersion)

/** The request of an `admission.k8s.io/v1` or `v1beta1` AdmissionReview; other versions and kinds are refused by name. */
export const decode = (body: Buffer): Effect.Effect<Decoded, Rejection> =>
  Effect.gen(function*() {
    const json = yield* parse(body)
    const apiVersion = field(json, "apiVersion"), kind = field(json, "kind")
    if (!isVersion(apiVersion) || kind !== Admission.kind) {
      return yield* Effect.fail<Rejection>({
        _tag: "Unsupported",
        message: `expected apiVersion ${Admission.apiVersion} (or ${Admission.apiVersionV1beta1}) kind ${Admission.kind}, got apiVersion ${describe(apiVersion)} kind ${describe(kind)}`
      })
    }
    const review = yield* Schema.decodeUnknownEffect(Admission.AdmissionReviewRequest)(json, { errors: "all" }).pipe(
      Effect.mapError((error) => malformed(`not a valid AdmissionReview request: ${Admission.truncate(error.message, maxDetail)}`))
    )
    return { request: review.request, version: review.apiVersion, bytes: body.length }
  })

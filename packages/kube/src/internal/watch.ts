/**
 * A watch response body is newline-delimited JSON, one `{ type, object }` per line. This
 * module turns the body's bytes into `WatchEvent`s: BOOKMARK keeps only its resourceVersion,
 * an ERROR event (its object is a Status) fails the stream with the Status' reason (410
 * Gone: the resourceVersion is too old).
 */
import { Effect, Schema, Stream } from "effect"
import type { WatchEvent } from "../KubeClient.ts"
import type { KubeError } from "../KubeError.ts"
import { KubeObjectSchema } from "../KubeObject.ts"
import { protocolError, statusObjectError } from "./http.ts"

/**
 * The longest line accepted. etcd refuses objects over 1.5 MiB by default; a line this long
 * is not an object but a broken stream, and buffering it further would only cost memory.
 */
export const maxLineLength = 16 * 1024 * 1024

const Line = Schema.fromJsonString(Schema.Struct({ type: Schema.String, object: Schema.Unknown }))
const decodeLine = Schema.decodeUnknownEffect(Line)
const decodeObject = Schema.decodeUnknownEffect(KubeObjectSchema)
/** A bookmark's object is an empty object of the kind with only a resourceVersion. */
const decodeBookmark = Schema.decodeUnknownEffect(
  Schema.Struct({ metadata: Schema.Struct({ resourceVersion: Schema.String }) })
)

/** Text chunks to complete lines; the last line counts even without a trailing newline. */
const lines = <E>(self: Stream.Stream<string, E>, operation: string): Stream.Stream<string, E | KubeError> =>
  self.pipe(
    Stream.mapAccumEffect(
      () => "",
      (pending: string, chunk: string) => {
        const parts = (pending + chunk).split("\n")
        const rest = parts.pop() ?? ""
        if (rest.length > maxLineLength) {
          return Effect.fail(protocolError(operation, `watch line longer than ${maxLineLength} characters`))
        }
        return Effect.succeed([rest, parts] as const)
      },
      { onHalt: (rest) => [rest] }
    ),
    Stream.map((line) => line.trim()),
    Stream.filter((line) => line !== "")
  )

export const parseEvent = (operation: string, line: string): Effect.Effect<WatchEvent, KubeError> =>
  Effect.gen(function*() {
    const event = yield* decodeLine(line).pipe(
      Effect.mapError((e) => protocolError(operation, `watch event is not JSON of { type, object }: ${e.message}`))
    )
    switch (event.type) {
      case "ADDED":
      case "MODIFIED":
      case "DELETED": {
        const object = yield* decodeObject(event.object).pipe(
          Effect.mapError((e) => protocolError(operation, `watch ${event.type} object: ${e.message}`))
        )
        return { type: event.type, object }
      }
      case "BOOKMARK": {
        const object = yield* decodeBookmark(event.object).pipe(
          Effect.mapError((e) => protocolError(operation, `watch BOOKMARK object: ${e.message}`))
        )
        return { type: "BOOKMARK", resourceVersion: object.metadata.resourceVersion }
      }
      case "ERROR":
        return yield* statusObjectError(operation, event.object)
      default:
        return yield* protocolError(operation, `unknown watch event type "${event.type}"`)
    }
  })

/** A watch body's bytes as events; ends when the body ends. */
export const events = <E>(
  bytes: Stream.Stream<Uint8Array, E>,
  operation: string
): Stream.Stream<WatchEvent, E | KubeError> =>
  lines(Stream.decodeText(bytes), operation).pipe(Stream.mapEffect((line) => parseEvent(operation, line)))

/**
 * The reading verbs of the live layer: get, list (following `continue` page by page) and
 * watch (one call, its NDJSON body as a Stream of events).
 */
import { Duration, Effect, Stream } from "effect"
import { type ApiResource, path } from "../ApiResource.ts"
import type { ListOptions, Shape, WatchEvent, WatchOptions } from "../KubeClient.ts"
import { KubeError } from "../KubeError.ts"
import type { KubeObject, ObjectList } from "../KubeObject.ts"
import type { Caller } from "./call.ts"
import * as Decode from "./decode.ts"
import { bodyStream, operationOf } from "./http.ts"
import { accept, callOf, listQuery, object } from "./requests.ts"
import * as Watch from "./watch.ts"

/** A watch that stays silent this long past its own `timeoutSeconds` is dead; it fails with Timeout. */
export const watchIdleSlack = Duration.seconds(30)

const page = (caller: Caller, resource: ApiResource, options: ListOptions | undefined, next: string | undefined) => {
  const metadataOnly = options?.metadataOnly === true
  const call = callOf("list", "GET", resource, { namespace: options?.namespace }, {
    accept: metadataOnly ? accept.metadataList : accept.json,
    query: listQuery(options, {
      limit: options?.limit === undefined ? undefined : String(options.limit),
      continue: next,
      resourceVersion: options?.resourceVersion
    })
  })
  return Effect.flatMap(caller.perform(call), (response) =>
    Decode.list(operationOf(call.request), response.body, resource, metadataOnly)
  )
}

const list = (caller: Caller) =>
  Effect.fn("KubeClient.list")(function*(resource: ApiResource, options?: ListOptions) {
    const items: Array<KubeObject> = []
    let next: string | undefined = undefined
    let resourceVersion = ""
    do {
      const current: ObjectList = yield* page(caller, resource, options, next)
      items.push(...current.items)
      resourceVersion = current.resourceVersion
      // A server that hands back the token it was given would page forever.
      if (current.continue !== undefined && current.continue === next) {
        return yield* new KubeError({
          reason: "Protocol",
          operation: `GET ${path(resource, { namespace: options?.namespace })}`,
          message: "the server repeated a continue token",
          status: 0
        })
      }
      next = current.continue
    } while (next !== undefined)
    return { items, resourceVersion }
  })

/** Fails the stream with Timeout when nothing arrives for `timeoutSeconds` plus a slack. */
const idleBound = (operation: string, timeoutSeconds: number | undefined) =>
<E>(bytes: Stream.Stream<Uint8Array, E>): Stream.Stream<Uint8Array, E | KubeError> => {
  if (timeoutSeconds === undefined) return bytes
  const idle = Duration.sum(Duration.seconds(timeoutSeconds), watchIdleSlack)
  const timeout = new KubeError({
    reason: "Timeout",
    operation,
    message: `the watch stayed silent for ${Duration.format(idle)} past its timeoutSeconds`,
    status: 0
  })
  return Stream.timeoutOrElse(bytes, { duration: idle, orElse: () => Stream.fail(timeout) })
}

const watch = (caller: Caller, resource: ApiResource, options: WatchOptions): Stream.Stream<WatchEvent, KubeError> => {
  const call = callOf("watch", "GET", resource, { namespace: options.namespace }, {
    accept: options.metadataOnly === true ? accept.metadata : accept.json,
    query: listQuery(options, {
      watch: "1",
      resourceVersion: options.resourceVersion,
      allowWatchBookmarks: options.allowWatchBookmarks === false ? undefined : "true",
      timeoutSeconds: options.timeoutSeconds === undefined ? undefined : String(options.timeoutSeconds)
    })
  })
  const operation = operationOf(call.request)
  return Stream.unwrap(
    Effect.map(caller.openStream(call), (response) =>
      Watch.events(idleBound(operation, options.timeoutSeconds)(bodyStream(response, operation)), operation))
  )
}

export const reads = (caller: Caller): Pick<Shape, "get" | "list" | "watch"> => ({
  get: Effect.fn("KubeClient.get")(function*(resource, name, options) {
    return yield* object(caller, callOf("get", "GET", resource, { namespace: options?.namespace, name }, {}))
  }),
  list: list(caller),
  watch: (resource, options) => watch(caller, resource, options)
})

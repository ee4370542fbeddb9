/**
 * Watches of the memory layer: from resourceVersion `""`/`"0"` the current objects as
 * ADDED, from a number the changes after it (out of the bounded history: too old is
 * Gone), then every change as it happens. Selectors apply to both versions of a change, as
 * the API server's watch cache does: an object that starts matching arrives as ADDED, one
 * that stops matching as DELETED. The stream stays open until interrupted, or ends after
 * `timeoutSeconds` like a server-side timeout. No BOOKMARK events.
 */
import { Duration, Effect, Queue, Result, Stream } from "effect"
import type { ApiResource } from "../../ApiResource.ts"
import type { WatchEvent, WatchOptions } from "../../KubeClient.ts"
import type { KubeError } from "../../KubeError.ts"
import type { KubeObject } from "../../KubeObject.ts"
import * as Errors from "./errors.ts"
import * as Select from "./select.ts"
import type { Change, Store } from "./store.ts"

const eventOf = (change: Change, matches: Select.Filter): WatchEvent | undefined => {
  const now = matches(change.object)
  const before = change.previous !== undefined && matches(change.previous)
  switch (change.type) {
    case "ADDED": return now ? { type: "ADDED", object: change.object } : undefined
    case "DELETED": return before ? { type: "DELETED", object: change.object } : undefined
    case "MODIFIED": {
      if (now) return { type: before ? "MODIFIED" : "ADDED", object: change.object }
      if (!before || change.previous === undefined) return undefined
      const gone: KubeObject = {
        ...change.previous,
        metadata: { ...change.previous.metadata, resourceVersion: change.object.metadata.resourceVersion ?? "" }
      }
      return { type: "DELETED", object: gone }
    }
  }
}

const startOf = (resourceVersion: string): Result.Result<number | undefined, string> => {
  if (resourceVersion === "" || resourceVersion === "0") return Result.succeed(undefined)
  return /^[1-9][0-9]*$/.test(resourceVersion)
    ? Result.succeed(Number(resourceVersion))
    : Result.fail(`invalid resource version "${resourceVersion}"`)
}

export const watch = (
  store: Store,
  resource: ApiResource,
  options: WatchOptions,
  target: Errors.Target
): Stream.Stream<WatchEvent, KubeError> =>
  Stream.callback<WatchEvent, KubeError>((queue) =>
    Effect.gen(function*() {
      const matches = yield* Effect.fromResult(Select.filterOf(resource.kind, options)).pipe(
        Effect.mapError((message) => Errors.badRequest(target, message))
      )
      const from = yield* Effect.fromResult(startOf(options.resourceVersion)).pipe(
        Effect.mapError((message) => Errors.badRequest(target, message))
      )
      const shape = (event: WatchEvent): WatchEvent =>
        options.metadataOnly === true && event.type !== "BOOKMARK" ? { ...event, object: Select.metadataOnly(event.object) } : event
      const deliver = (change: Change) => {
        const event = eventOf(change, matches)
        if (event !== undefined) Queue.offerUnsafe(queue, shape(event))
      }
      const subscription = store.subscribe(resource, from, deliver)
      if (subscription === "gone") return yield* Effect.fail(Errors.gone(target, options.resourceVersion))
      yield* Effect.addFinalizer(() => Effect.sync(subscription.unsubscribe))
      for (const change of subscription.replay) deliver(change)
      if (options.timeoutSeconds !== undefined) {
        yield* Effect.sleep(Duration.seconds(options.timeoutSeconds)).pipe(Effect.andThen(Queue.end(queue)), Effect.forkScoped)
      }
    })
  )

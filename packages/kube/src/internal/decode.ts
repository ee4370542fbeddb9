/**
 * Response bodies to `KubeObject`s and `ObjectList`s, checked with `KubeObjectSchema` at
 * this edge. The API server leaves `apiVersion` and `kind` off the items of a list (they
 * are the list's), so they are filled in from the resource before the check.
 */
import { Effect, Schema } from "effect"
import { type ApiResource, apiVersionOf } from "../ApiResource.ts"
import type { KubeError } from "../KubeError.ts"
import { type KubeObject, KubeObjectSchema, type ObjectList } from "../KubeObject.ts"
import { protocolError } from "./http.ts"

const decodeObjectJson = Schema.decodeUnknownEffect(Schema.fromJsonString(KubeObjectSchema))

export const object = (operation: string, body: string): Effect.Effect<KubeObject, KubeError> =>
  decodeObjectJson(body).pipe(Effect.mapError((e) => protocolError(operation, `response is not an object: ${e.message}`)))

const ListBody = Schema.fromJsonString(
  Schema.Struct({
    metadata: Schema.optionalKey(
      Schema.Struct({
        resourceVersion: Schema.optionalKey(Schema.String),
        continue: Schema.optionalKey(Schema.String)
      })
    ),
    items: Schema.NullOr(Schema.Array(Schema.Record(Schema.String, Schema.Unknown)))
  })
)
const decodeListBody = Schema.decodeUnknownEffect(ListBody)
const decodeItems = Schema.decodeUnknownEffect(Schema.Array(KubeObjectSchema))

/** What list items are when they come as metadata only (`metadataOnly`). */
export const partialObjectMetadata = { apiVersion: "meta.k8s.io/v1", kind: "PartialObjectMetadata" } as const

/** One page of a list, `continue` included when the server paginated. */
export const list = (
  operation: string,
  body: string,
  resource: ApiResource,
  metadataOnly: boolean
): Effect.Effect<ObjectList, KubeError> =>
  Effect.gen(function*() {
    const page = yield* decodeListBody(body).pipe(
      Effect.mapError((e) => protocolError(operation, `response is not a list: ${e.message}`))
    )
    const defaults = metadataOnly ? partialObjectMetadata : { apiVersion: apiVersionOf(resource), kind: resource.kind }
    const items = yield* decodeItems((page.items ?? []).map((item) => ({ ...defaults, ...item }))).pipe(
      Effect.mapError((e) => protocolError(operation, `list item is not an object: ${e.message}`))
    )
    const resourceVersion = page.metadata?.resourceVersion ?? ""
    const next = page.metadata?.continue
    return next === undefined || next === "" ? { items, resourceVersion } : { items, resourceVersion, continue: next }
  })

/**
 * The writing verbs of the live layer: create (POST), update (PUT), server-side apply and
 * patches (PATCH with the patch type's content type) and delete, each with an optional
 * subresource, dry run and field manager.
 */
import { Effect } from "effect"
import type { ApiResource } from "../ApiResource.ts"
import type { DeleteOptions, Patch, Shape, WriteOptions } from "../KubeClient.ts"
import { KubeError } from "../KubeError.ts"
import type { KubeObject } from "../KubeObject.ts"
import type { Caller, Verb } from "./call.ts"
import type { Method } from "./http.ts"
import { callOf, contentType, object, type Target, writeQuery } from "./requests.ts"

const patchContentType = (patch: Patch): string =>
  patch.type === "merge" ? contentType.merge : patch.type === "json" ? contentType.jsonPatch : contentType.strategic

/** The name a write addresses: the object's own. */
const nameOf = (verb: Verb, resource: ApiResource, obj: KubeObject): Effect.Effect<string, KubeError> => {
  const name = obj.metadata.name
  if (name !== undefined && name !== "") return Effect.succeed(name)
  const operation = `${verb} ${resource.plural}`
  return Effect.fail(new KubeError({ reason: "Invalid", operation, message: "the object has no metadata.name", status: 0 }))
}

const namespaceOf = (options: { readonly namespace?: string | undefined } | undefined, obj: KubeObject) =>
  options?.namespace ?? obj.metadata.namespace

/** Where a write of `obj` goes: the options' namespace or the object's, the object's name. */
const targetOf = (verb: Verb, resource: ApiResource, obj: KubeObject, options: WriteOptions | undefined) =>
  Effect.map(nameOf(verb, resource, obj), (name): Target => ({
    namespace: namespaceOf(options, obj),
    name,
    subresource: options?.subresource
  }))

const deleteBody = (options: DeleteOptions | undefined): string | undefined =>
  options?.propagationPolicy === undefined && options?.preconditions === undefined
    ? undefined
    : JSON.stringify({
      apiVersion: "v1",
      kind: "DeleteOptions",
      propagationPolicy: options.propagationPolicy,
      preconditions: options.preconditions
    })

interface Payload {
  readonly body: unknown
  readonly contentType: string
  readonly query: URLSearchParams | undefined
}

const json = (obj: KubeObject, options: WriteOptions | undefined): Payload => ({
  body: obj,
  contentType: contentType.json,
  query: writeQuery(options)
})

export const writes = (caller: Caller): Pick<Shape, "create" | "update" | "apply" | "patch" | "delete"> => {
  const send = (verb: Verb, method: Method, resource: ApiResource, target: Target, payload: Payload) =>
    object(caller, callOf(verb, method, resource, target, { ...payload, body: JSON.stringify(payload.body) }))
  return {
    create: Effect.fn("KubeClient.create")(function*(resource, obj, options) {
      // A subresource of a collection is addressed through its parent (serviceaccounts/<name>/token).
      const name = options?.subresource === undefined ? undefined : yield* nameOf("create", resource, obj)
      const target = { namespace: namespaceOf(options, obj), name, subresource: options?.subresource }
      return yield* send("create", "POST", resource, target, json(obj, options))
    }),
    update: Effect.fn("KubeClient.update")(function*(resource, obj, options) {
      const target = yield* targetOf("update", resource, obj, options)
      return yield* send("update", "PUT", resource, target, json(obj, options))
    }),
    apply: Effect.fn("KubeClient.apply")(function*(resource, obj, options) {
      const target = yield* targetOf("apply", resource, obj, options)
      const query = writeQuery(options, { force: options.force ? "true" : "false" })
      // A JSON document is valid YAML, so the apply body is the object's JSON.
      return yield* send("apply", "PATCH", resource, target, { body: obj, contentType: contentType.apply, query })
    }),
    patch: Effect.fn("KubeClient.patch")(function*(resource, name, patch, options) {
      const target = { namespace: options?.namespace, name, subresource: options?.subresource }
      const payload = { body: patch.body, contentType: patchContentType(patch), query: writeQuery(options) }
      return yield* send("patch", "PATCH", resource, target, payload)
    }),
    delete: Effect.fn("KubeClient.delete")(function*(resource, name, options) {
      const body = deleteBody(options)
      const rest = body === undefined ? {} : { body, contentType: contentType.json }
      yield* caller.perform(callOf("delete", "DELETE", resource, { namespace: options?.namespace, name }, rest))
    })
  }
}

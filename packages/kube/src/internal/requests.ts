/**
 * How a verb becomes a request: the media types the API server speaks, the query of reads
 * and writes, and the `Call` record (verb, resource, target) that `call.ts` sends and
 * reports to `observe`.
 */
import { Effect } from "effect"
import { type ApiResource, path } from "../ApiResource.ts"
import { fieldManager, type ListOptions, type WriteOptions } from "../KubeClient.ts"
import type { KubeError } from "../KubeError.ts"
import type { KubeObject } from "../KubeObject.ts"
import type { Call, Caller, Verb } from "./call.ts"
import * as Decode from "./decode.ts"
import { type Method, operationOf, type Request } from "./http.ts"

export const accept = {
  json: "application/json",
  metadataList: "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json",
  metadata: "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json"
} as const

export const contentType = {
  json: "application/json",
  apply: "application/apply-patch+yaml",
  merge: "application/merge-patch+json",
  jsonPatch: "application/json-patch+json",
  strategic: "application/strategic-merge-patch+json"
} as const

/** Query parameters in the order given, leaving out the absent ones. */
export const query = (entries: Record<string, string | undefined>): URLSearchParams | undefined => {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(entries)) if (value !== undefined) params.set(name, value)
  return params.size === 0 ? undefined : params
}

/** Every write names its field manager (ours unless told otherwise), so managedFields say who wrote. */
export const writeQuery = (options: WriteOptions | undefined, extra: Record<string, string | undefined> = {}) =>
  query({
    ...extra,
    dryRun: options?.dryRun === true ? "All" : undefined,
    fieldManager: options?.fieldManager ?? fieldManager
  })

export const listQuery = (options: ListOptions | undefined, extra: Record<string, string | undefined>) =>
  query({ labelSelector: options?.labelSelector, fieldSelector: options?.fieldSelector, ...extra })

export interface Target {
  readonly namespace?: string | undefined
  readonly name?: string | undefined
  readonly subresource?: string | undefined
}

export const callOf = (
  verb: Verb,
  method: Method,
  resource: ApiResource,
  target: Target,
  rest: Omit<Request, "method" | "path">
): Call => ({
  verb,
  resource,
  namespace: target.namespace,
  name: target.name,
  subresource: target.subresource,
  request: { method, path: path(resource, target), ...rest }
})

/** Sends the call and decodes the object it answers with. */
export const object = (caller: Caller, call: Call): Effect.Effect<KubeObject, KubeError> =>
  Effect.flatMap(caller.perform(call), (response) => Decode.object(operationOf(call.request), response.body))

/**
 * Create, update and delete as the API server's registry does them, on the store:
 * server-owned metadata (uid, creationTimestamp, generation), 409 on a stale
 * resourceVersion, AlreadyExists and NotFound, the status subresource split, Update
 * entries in managedFields, finalizers holding a deleted object until they are emptied.
 * Each function is synchronous and returns the stored (or would-be stored) object.
 */
import { Option, Result } from "effect"
import type { ApiResource } from "../../ApiResource.ts"
import type { KubeError } from "../../KubeError.ts"
import type { KubeObject, ObjectMeta } from "../../KubeObject.ts"
import * as Errors from "./errors.ts"
import { hasGeneration, hasStatusSubresource } from "./kinds.ts"
import * as Managed from "./managed.ts"
import { nameSuffix, sameContent, serverMetadata, specOf, timestamp, uid, withMetadata } from "./objects.ts"
import type { Store } from "./store.ts"
import { omit } from "../ssa/json.ts"

export interface Context {
  readonly store: Store
  readonly resource: ApiResource
  readonly target: Errors.Target
  readonly now: number
  readonly manager: string
  readonly subresource: string
  readonly dryRun: boolean
}

const writer = (ctx: Context, apiVersion: string): Managed.Writer => ({
  manager: ctx.manager,
  subresource: ctx.subresource,
  apiVersion,
  time: timestamp(ctx.now)
})

/** Stores `next` (or not, for a dry run or when nothing changed), finishing a deletion whose finalizers are gone. */
export const commit = (ctx: Context, previous: KubeObject | undefined, next: KubeObject): KubeObject => {
  if (previous !== undefined && sameContent(previous, next)) return previous
  if (ctx.dryRun) return next
  const finished = next.metadata.deletionTimestamp !== undefined && (next.metadata.finalizers ?? []).length === 0
  return finished ? ctx.store.remove(ctx.resource, next) : ctx.store.put(ctx.resource, next)
}

/** A new object's metadata: server-owned fields set, client values for them ignored. */
export const born = (ctx: Context, object: KubeObject, name: string, namespace: string | undefined): KubeObject => {
  const n = ctx.store.nextCreated()
  const metadata: ObjectMeta = {
    ...omit(object.metadata, [...serverMetadata, "generateName", "namespace"]),
    ...(object.metadata.generateName === undefined ? {} : { generateName: object.metadata.generateName }),
    name,
    ...(namespace === undefined ? {} : { namespace }),
    uid: uid(n),
    creationTimestamp: timestamp(ctx.now),
    ...(hasGeneration(ctx.resource) ? { generation: 1 } : {})
  }
  const body = hasStatusSubresource(ctx.resource) ? omit(object, ["status"]) : object
  return { ...body, apiVersion: object.apiVersion, kind: object.kind, metadata }
}

export const create = (ctx: Context, object: KubeObject, namespace: string | undefined): Result.Result<KubeObject, KubeError> => {
  const generated = object.metadata.generateName
  const name = object.metadata.name ?? (generated === undefined ? undefined : `${generated}${nameSuffix(ctx.store.currentRevision + 1)}`)
  if (name === undefined || name === "") return Result.fail(Errors.invalid(ctx.target, "metadata.name: Required value: name or generateName is required"))
  const target = { ...ctx.target, name }
  if (ctx.store.get(ctx.resource, namespace, name) !== undefined) return Result.fail(Errors.alreadyExists(target))
  const fresh = born(ctx, object, name, namespace)
  const entries = Managed.recordUpdate(ctx.resource.kind, [], writer(ctx, object.apiVersion), emptyLike(fresh), fresh)
  return Result.succeed(commit(ctx, undefined, withMetadata(fresh, { ...fresh.metadata, managedFields: Managed.encode(entries) })))
}

// What a create is compared with: the zero value of the kind, whose top-level `spec` and
// `status` structs exist though empty (so they are not "added" as a whole, as on a server).
const emptyLike = (object: KubeObject): KubeObject => ({
  apiVersion: object.apiVersion,
  kind: object.kind,
  metadata: {},
  ...(object.spec === undefined ? {} : { spec: {} }),
  ...(object.status === undefined ? {} : { status: {} })
})

const addsFinalizers = (live: KubeObject, next: KubeObject): boolean =>
  live.metadata.deletionTimestamp !== undefined &&
  (next.metadata.finalizers ?? []).some((f) => !(live.metadata.finalizers ?? []).includes(f))

/** What an update of `live` to `incoming` stores: status or the rest, per the subresource. */
const updated = (ctx: Context, live: KubeObject, incoming: KubeObject): KubeObject => {
  if (ctx.subresource === "status") return { ...live, status: incoming.status }
  const kept = Object.fromEntries(serverMetadata.flatMap((k) => (live.metadata[k] === undefined ? [] : [[k, live.metadata[k]]])))
  const metadata: ObjectMeta = {
    ...omit(incoming.metadata, [...serverMetadata, "managedFields"]),
    ...kept,
    name: live.metadata.name ?? "",
    ...(live.metadata.namespace === undefined ? {} : { namespace: live.metadata.namespace })
  }
  const body = hasStatusSubresource(ctx.resource) ? { ...omit(incoming, ["status"]), ...statusOf(live) } : incoming
  return { ...body, apiVersion: incoming.apiVersion, kind: incoming.kind, metadata }
}

const statusOf = (object: KubeObject): { readonly status?: unknown } =>
  object.status === undefined ? {} : { status: object.status }

/**
 * Replaces `live` with `incoming` (PUT, or the result of a patch): generation counted,
 * ownership of changed fields given to the writer. A client-sent managedFields that
 * differs from the stored one replaces it, as on a real server.
 */
export const replace = (ctx: Context, live: KubeObject, incoming: KubeObject): Result.Result<KubeObject, KubeError> => {
  const sent = incoming.metadata.resourceVersion
  if (sent !== undefined && sent !== "" && sent !== live.metadata.resourceVersion) return Result.fail(Errors.stale(ctx.target))
  const base = updated(ctx, live, incoming)
  if (addsFinalizers(live, base)) {
    return Result.fail(Errors.invalid(ctx.target, "metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted"))
  }
  const generation = hasGeneration(ctx.resource) && specOf(base) !== specOf(live)
    ? { generation: (live.metadata.generation ?? 0) + 1 }
    : {}
  const next = withMetadata(base, { ...base.metadata, ...generation })
  const given = incoming.metadata.managedFields
  const from = given !== undefined && Managed.encode(Managed.decode(given)).length > 0 && !sameFields(given, live)
    ? given
    : live.metadata.managedFields
  const entries = Managed.recordUpdate(ctx.resource.kind, Managed.decode(from), writer(ctx, incoming.apiVersion), live, next)
  return Result.succeed(commit(ctx, live, withMetadata(next, { ...next.metadata, managedFields: Managed.encode(entries) })))
}

const sameFields = (given: KubeObject["metadata"]["managedFields"], live: KubeObject): boolean =>
  JSON.stringify(given) === JSON.stringify(live.metadata.managedFields)

export const existing = (ctx: Context, namespace: string | undefined, name: string): Result.Result<KubeObject, KubeError> =>
  Result.fromNullishOr(ctx.store.get(ctx.resource, namespace, name), () => Errors.notFound(ctx.target))

export interface Preconditions {
  readonly uid?: string
  readonly resourceVersion?: string
}

/** Deletes, or marks for deletion while finalizers remain (deletionTimestamp; the object stays). */
export const remove = (ctx: Context, live: KubeObject, preconditions: Preconditions | undefined): Result.Result<KubeObject, KubeError> => {
  if (preconditions?.uid !== undefined && preconditions.uid !== live.metadata.uid) {
    return Result.fail(Errors.make(ctx.target, "Conflict", `Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${live.metadata.uid ?? ""}`))
  }
  if (preconditions?.resourceVersion !== undefined && preconditions.resourceVersion !== live.metadata.resourceVersion) {
    return Result.fail(Errors.make(ctx.target, "Conflict", `Precondition failed: ResourceVersion in precondition: ${preconditions.resourceVersion}, ResourceVersion in object meta: ${live.metadata.resourceVersion ?? ""}`))
  }
  if ((live.metadata.finalizers ?? []).length === 0) return Result.succeed(ctx.dryRun ? live : ctx.store.remove(ctx.resource, live))
  if (live.metadata.deletionTimestamp !== undefined) return Result.succeed(live)
  const marked = withMetadata(live, { ...live.metadata, deletionTimestamp: timestamp(ctx.now), deletionGracePeriodSeconds: 0 })
  return Result.succeed(commit(ctx, live, marked))
}

export const decodeOrInvalid = (ctx: Context, computed: Option.Option<KubeObject>): Result.Result<KubeObject, KubeError> =>
  Result.fromOption(computed, () => Errors.invalid(ctx.target, "the result is not an object with apiVersion, kind and metadata"))

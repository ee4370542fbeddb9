/**
 * Server-side apply of one object against the store: checks the request (name, kind,
 * resourceVersion precondition), runs the field-ownership merge (`apply.ts`), and then
 * treats the result as the registry treats any write: a new object gets server metadata,
 * an existing one a counted generation, and nothing is stored when nothing changed.
 */
import { Result } from "effect"
import type { KubeError } from "../../KubeError.ts"
import type { KubeObject } from "../../KubeObject.ts"
import { apply } from "./apply.ts"
import { listProblem } from "./merge.ts"
import * as Errors from "./errors.ts"
import { hasGeneration, hasStatusSubresource } from "./kinds.ts"
import { specOf, timestamp, toObject, withMetadata } from "./objects.ts"
import * as Write from "./write.ts"

const check = (ctx: Write.Context, object: KubeObject, live: KubeObject | undefined): KubeError | undefined => {
  if (object.metadata.name === undefined || object.metadata.name === "") return Errors.badRequest(ctx.target, "metadata.name is required for apply")
  if (object.kind !== ctx.resource.kind) {
    return Errors.badRequest(ctx.target, `the kind of the object (${object.kind}) does not match the resource (${ctx.resource.kind})`)
  }
  const lists = listProblem(object.kind, [], object)
  if (lists !== undefined) {
    const gvk = `${object.apiVersion}, Kind=${object.kind}`
    return Errors.make(ctx.target, "Internal", `failed to create typed patch object (${ctx.target.namespace ?? ""}/${object.metadata.name}; ${gvk}): ${lists}`)
  }
  const sent = object.metadata.resourceVersion
  if (live !== undefined && sent !== undefined && sent !== "" && sent !== live.metadata.resourceVersion) return Errors.stale(ctx.target)
  if (live === undefined && ctx.subresource !== "") return Errors.notFound(ctx.target)
  return undefined
}

const finish = (ctx: Write.Context, live: KubeObject, next: KubeObject): Result.Result<KubeObject, KubeError> => {
  const added = (next.metadata.finalizers ?? []).some((f) => !(live.metadata.finalizers ?? []).includes(f))
  if (live.metadata.deletionTimestamp !== undefined && added) {
    return Result.fail(Errors.invalid(ctx.target, "metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted"))
  }
  const generation = hasGeneration(ctx.resource) && specOf(next) !== specOf(live)
    ? { generation: (live.metadata.generation ?? 0) + 1 }
    : {}
  return Result.succeed(Write.commit(ctx, live, withMetadata(next, { ...next.metadata, ...generation })))
}

export const applyTo = (
  ctx: Write.Context,
  object: KubeObject,
  namespace: string | undefined,
  force: boolean
): Result.Result<KubeObject, KubeError> => {
  const name = object.metadata.name ?? ""
  const live = ctx.store.get(ctx.resource, namespace, name)
  const refused = check(ctx, object, live)
  if (refused !== undefined) return Result.fail(refused)
  const applier = {
    manager: ctx.manager,
    force,
    subresource: ctx.subresource,
    time: timestamp(ctx.now),
    statusSubresource: hasStatusSubresource(ctx.resource)
  }
  const result = apply(live, object, applier)
  if (Result.isFailure(result)) return Result.fail(Errors.applyConflict(ctx.target, result.failure))
  return Result.flatMap(Write.decodeOrInvalid(ctx, toObject(result.success.object)), (merged) =>
    live === undefined
      ? Result.succeed(Write.commit(ctx, undefined, Write.born(ctx, merged, name, namespace)))
      : finish(ctx, live, merged))
}

/**
 * The `KubeClient` operations of the memory layer over a `Store`: each call is logged
 * (what an audit log would show), may be failed by an armed fault, and otherwise runs
 * synchronously against the store, with the time taken from the Effect `Clock` (so
 * TestClock decides creationTimestamp and managedFields times).
 */
import { Clock, Effect, Result, Stream } from "effect"
import * as ApiResource from "../../ApiResource.ts"
import type { ApplyOptions, DeleteOptions, ListOptions, Patch, ReadOptions, Shape, WriteOptions } from "../../KubeClient.ts"
import type { KubeError } from "../../KubeError.ts"
import type { Call } from "../../KubeMemory.ts"
import type { KubeObject } from "../../KubeObject.ts"
import { applyTo } from "./applyObject.ts"
import * as Errors from "./errors.ts"
import { toObject } from "./objects.ts"
import * as Patches from "./patch.ts"
import * as Select from "./select.ts"
import type { Store } from "./store.ts"
import { watch as watchStore } from "./watch.ts"
import * as Write from "./write.ts"

type Run<A> = (now: number) => Result.Result<A, KubeError>

const namespaceOf = (
  target: Errors.Target,
  option: string | undefined,
  fromObject: string | undefined
): Result.Result<string | undefined, KubeError> => {
  if (!target.resource.namespaced) return Result.succeed(undefined)
  if (option !== undefined && option !== "" && fromObject !== undefined && fromObject !== "" && option !== fromObject) {
    return Result.fail(Errors.badRequest(target, "the namespace of the provided object does not match the namespace sent on the request"))
  }
  const namespace = option !== undefined && option !== "" ? option : fromObject
  return namespace === undefined || namespace === ""
    ? Result.fail(Errors.badRequest(target, `a namespace is required for ${ApiResource.qualifiedName(target.resource)}`))
    : Result.succeed(namespace)
}

interface Env {
  readonly store: Store
  readonly defaultManager: string
}

/** Logs the call, fails it when a fault is armed for it, and otherwise runs it at the Clock's time. */
const call = <A>(env: Env, target: Errors.Target, extra: Partial<Call>, run: Run<A>): Effect.Effect<A, KubeError> =>
  Effect.flatMap(Clock.currentTimeMillis, (now) =>
    Effect.suspend(() => {
      const logged: Call = {
        verb: target.verb,
        resource: ApiResource.qualifiedName(target.resource),
        namespace: target.namespace,
        name: target.name,
        subresource: target.subresource,
        ...extra
      }
      env.store.log.push(logged)
      const fault = env.store.takeFault(logged, target.resource)
      if (fault !== undefined) return Effect.fail(Errors.make(target, fault.reason, fault.message ?? `injected ${fault.reason}`))
      return Effect.fromResult(run(now))
    }))

const context = (env: Env, target: Errors.Target, now: number, options: WriteOptions | undefined): Write.Context => ({
  store: env.store,
  resource: target.resource,
  target,
  now,
  manager: options?.fieldManager ?? env.defaultManager,
  subresource: options?.subresource ?? "",
  dryRun: options?.dryRun === true
})

const writeExtra = (env: Env, options: WriteOptions | undefined): Partial<Call> => ({
  fieldManager: options?.fieldManager ?? env.defaultManager,
  dryRun: options?.dryRun
})

const get = (env: Env) => (resource: ApiResource.ApiResource, name: string, options?: ReadOptions) => {
  const target: Errors.Target = { verb: "get", resource, namespace: options?.namespace, name }
  return call(env, target, {}, () =>
    Result.flatMap(namespaceOf(target, options?.namespace, undefined), (ns) =>
      Result.fromNullishOr(env.store.get(resource, ns, name), () => Errors.notFound(target))))
}

const list = (env: Env) => (resource: ApiResource.ApiResource, options?: ListOptions) => {
  const target: Errors.Target = { verb: "list", resource, namespace: options?.namespace }
  return call(env, target, {}, () =>
    Result.map(
      Result.mapError(Select.filterOf(resource.kind, options ?? {}), (message) => Errors.badRequest(target, message)),
      (matches) => {
        const items = env.store.list(resource).filter(matches)
        return {
          items: options?.metadataOnly === true ? items.map(Select.metadataOnly) : items,
          resourceVersion: String(env.store.currentRevision)
        }
      }
    ))
}

const create = (env: Env) => (resource: ApiResource.ApiResource, object: KubeObject, options?: WriteOptions) => {
  const namespace = options?.namespace ?? object.metadata.namespace
  const target: Errors.Target = { verb: "create", resource, namespace, name: object.metadata.name, subresource: options?.subresource }
  return call(env, target, writeExtra(env, options), (now) =>
    Result.flatMap(namespaceOf(target, options?.namespace, object.metadata.namespace), (ns) =>
      Write.create(context(env, target, now, options), object, ns)))
}

const update = (env: Env) => (resource: ApiResource.ApiResource, object: KubeObject, options?: WriteOptions) => {
  const namespace = options?.namespace ?? object.metadata.namespace
  const name = object.metadata.name ?? ""
  const target: Errors.Target = { verb: "update", resource, namespace, name, subresource: options?.subresource }
  return call(env, target, writeExtra(env, options), (now) => {
    const ctx = context(env, target, now, options)
    return Result.flatMap(namespaceOf(target, options?.namespace, object.metadata.namespace), (ns) =>
      Result.flatMap(Write.existing(ctx, ns, name), (live) => Write.replace(ctx, live, object)))
  })
}

const patched = (ctx: Write.Context, live: KubeObject, patch: Patch): Result.Result<KubeObject, KubeError> => {
  const body: Result.Result<unknown, string> = patch.type === "merge"
    ? Result.succeed(Patches.mergePatch(live, patch.body))
    : patch.type === "json"
    ? Patches.jsonPatch(live, patch.body)
    : Patches.strategicPatch(live.kind, live, patch.body)
  return Result.flatMap(
    Result.mapError(body, (message) => Errors.invalid(ctx.target, message)),
    (json) => Write.decodeOrInvalid(ctx, toObject(json))
  )
}

const patch = (env: Env) => (resource: ApiResource.ApiResource, name: string, body: Patch, options?: WriteOptions) => {
  const target: Errors.Target = { verb: "patch", resource, namespace: options?.namespace, name, subresource: options?.subresource }
  return call(env, target, writeExtra(env, options), (now) => {
    const ctx = context(env, target, now, options)
    return Result.flatMap(namespaceOf(target, options?.namespace, undefined), (ns) =>
      Result.flatMap(Write.existing(ctx, ns, name), (live) =>
        Result.flatMap(patched(ctx, live, body), (next) => Write.replace(ctx, live, next))))
  })
}

const apply = (env: Env) => (resource: ApiResource.ApiResource, object: KubeObject, options: ApplyOptions) => {
  const namespace = options.namespace ?? object.metadata.namespace
  const target: Errors.Target = { verb: "apply", resource, namespace, name: object.metadata.name, subresource: options.subresource }
  return call(env, target, writeExtra(env, options), (now) =>
    Result.flatMap(namespaceOf(target, options.namespace, object.metadata.namespace), (ns) =>
      applyTo(context(env, target, now, options), object, ns, options.force)))
}

const remove = (env: Env) => (resource: ApiResource.ApiResource, name: string, options?: DeleteOptions) => {
  const target: Errors.Target = { verb: "delete", resource, namespace: options?.namespace, name }
  return call(env, target, {}, (now) => {
    const ctx = context(env, target, now, undefined)
    return Result.flatMap(namespaceOf(target, options?.namespace, undefined), (ns) =>
      Result.flatMap(Write.existing(ctx, ns, name), (live) => Write.remove(ctx, live, options?.preconditions)))
  }).pipe(Effect.asVoid)
}

const watch = (env: Env): Shape["watch"] => (resource, options) => {
  const target: Errors.Target = { verb: "watch", resource, namespace: options.namespace }
  return Stream.unwrap(call(env, target, {}, () => Result.succeed(watchStore(env.store, resource, options, target))))
}

export const make = (store: Store, defaultManager: string): Shape => {
  const env: Env = { store, defaultManager }
  return {
    get: get(env),
    list: list(env),
    create: create(env),
    update: update(env),
    patch: patch(env),
    apply: apply(env),
    delete: remove(env),
    watch: watch(env)
  }
}

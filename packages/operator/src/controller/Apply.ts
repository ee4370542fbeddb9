/**
 * Brings the cluster to the rendered desired state for one WhatapAgent: server-side apply
 * (field manager `whatap-operator`, force) of each object that is not already up to date,
 * create-if-absent for the install-bundle objects (D9: never overwrite a user's own), and
 * deletion of the objects a disabled component rendered before. Nothing is written when
 * nothing changed: an object is applied only when `ServerSideApply.upToDate` says the live
 * object lacks part of the intent or still carries a field the intent dropped.
 * Objects controlled by another WhatapAgent are left alone and reported as conflicts.
 */
import { Effect, Option, Result } from "effect"
import { KubeClient, type ApiResource, type KubeError, type KubeObject, ServerSideApply } from "@whatap-operator/kube"
import { Naming } from "@whatap-operator/core"
import type * as Render from "../render/Render.ts"

export type Action = "created" | "updated" | "deleted"

export interface Ref {
  readonly resource: ApiResource.ApiResource
  readonly namespace?: string | undefined
  readonly name: string
}

export interface Change extends Ref {
  readonly action: Action
  /** For updates: the first field that differed (for the Event message). */
  readonly detail?: string | undefined
}

export interface Failure extends Ref {
  readonly action: "apply" | "create" | "delete"
  readonly error: KubeError
}

/** An object controlled by another WhatapAgent, left alone; `message` is `Kind namespace/name (why)`. */
export interface Conflict extends Ref {
  readonly message: string
}

export interface Outcome {
  readonly changes: ReadonlyArray<Change>
  readonly failures: ReadonlyArray<Failure>
  readonly conflicts: ReadonlyArray<Conflict>
}

/** Reads the freshest known live object (informer cache merged with this process' own writes). */
export type Lookup = (ref: Ref) => Effect.Effect<Option.Option<KubeObject.KubeObject>>
/** Records what a write returned (or that an object is gone), for `Lookup`. */
export interface Recorder {
  readonly written: (resource: ApiResource.ApiResource, object: KubeObject.KubeObject) => Effect.Effect<void>
  readonly deleted: (ref: Ref, resourceVersion: string | undefined) => Effect.Effect<void>
}

const controllerUid = (object: KubeObject.KubeObject): string | undefined =>
  object.metadata.ownerReferences?.find((o) => o.controller === true && o.kind === "WhatapAgent")?.uid

const controllerName = (object: KubeObject.KubeObject): string =>
  object.metadata.ownerReferences?.find((o) => o.controller === true && o.kind === "WhatapAgent")?.name ?? "?"

/**
 * Why an object another WhatapAgent controls is left alone. WhatapAgents are cluster-scoped,
 * so a controller with this CR's name but another uid is an earlier CR of the same name: its
 * object is being deleted (and waits for its finalizers) or waits for the garbage collector.
 */
const conflictOf = (ref: Ref, owner: KubeObject.KubeObject, live: KubeObject.KubeObject): Conflict => {
  const name = controllerName(live)
  const finalizers = live.metadata.finalizers ?? []
  const why = name !== owner.metadata.name
    ? `controlled by WhatapAgent ${name}`
    : live.metadata.deletionTimestamp !== undefined
    ? `controlled by an earlier WhatapAgent ${name} (uid ${controllerUid(live) ?? "?"}), being deleted${finalizers.length === 0 ? "" : ` once its finalizers are removed: ${finalizers.join(", ")}`}; it is created again when it is gone`
    : `controlled by an earlier WhatapAgent ${name} (uid ${controllerUid(live) ?? "?"}) that no longer exists; the garbage collector deletes it, or remove its ownerReference to let this one manage it`
  return { ...ref, message: `${describe(ref)} (${why})` }
}

/**
 * What the API server said about a refused write, and what to do where it is not obvious: a
 * field that cannot change (a Deployment's selector) on an object created before with other
 * values stays refused until the object is deleted.
 */
export const reasonOf = (failure: Failure): string =>
  failure.action !== "delete" && /field is immutable/.test(failure.error.message)
    ? `${failure.error.message} (the object holds another value of a field that cannot change: delete it, and the operator creates it again)`
    : failure.error.message

export const describe = (ref: Ref): string =>
  `${ref.resource.kind} ${ref.namespace === undefined || ref.namespace === "" ? "" : `${ref.namespace}/`}${ref.name}`

const refOf = (d: Render.Desired): Ref => ({
  resource: d.resource,
  namespace: d.resource.namespaced ? d.object.metadata.namespace : undefined,
  name: d.object.metadata.name ?? ""
})

const same = (a: Ref, b: Ref): boolean =>
  a.resource.kind === b.resource.kind && a.resource.group === b.resource.group && (a.namespace ?? "") === (b.namespace ?? "") && a.name === b.name

type Step = { readonly change?: Change; readonly failure?: Failure; readonly conflict?: Conflict }

/**
 * The field manager of the Go operator's writes: controller-runtime's client without a
 * FieldOwner, which the API server names after the binary (`/manager`) from its User-Agent.
 */
export const goFieldManagers: ReadonlyArray<string> = ["manager"]

/**
 * An object the Go operator wrote (client-side, `Update` entries of `manager`) and this
 * operator has never applied: its fields are handed to our manager first (client-go's
 * `csaupgrade`), so the apply that follows removes what the Go operator set and we no
 * longer want (the GPU sidecars of a switched-off GPU, an env dropped from the CR).
 * Without it both would own those fields and they would stay. Once, at the takeover: a
 * kubebuilder controller is called `manager` too, so fields another one wrote on these
 * objects before then are handed over as well.
 */
const takeOver = (desired: Render.Desired, cached: KubeObject.KubeObject, ref: Ref) =>
  Effect.gen(function*() {
    if (ServerSideApply.takeOver(cached, goFieldManagers, Naming.fieldManager) === undefined) return cached
    const kube = yield* KubeClient
    // the cache may be behind (a controller's status write): hand over what the server holds now
    const live = yield* kube.get(desired.resource, ref.name, { namespace: ref.namespace })
    const upgraded = ServerSideApply.takeOver(live, goFieldManagers, Naming.fieldManager)
    if (upgraded === undefined) return live
    // resourceVersion set in the patch makes it conditional (409 on a race), as csaupgrade does
    return yield* kube.patch(desired.resource, ref.name, {
      type: "json",
      body: [
        { op: "replace", path: "/metadata/resourceVersion", value: live.metadata.resourceVersion ?? "" },
        { op: "replace", path: "/metadata/managedFields", value: upgraded }
      ]
    }, { namespace: ref.namespace, fieldManager: Naming.fieldManager })
  })

const applyOne = (owner: KubeObject.KubeObject, desired: Render.Desired, lookup: Lookup, recorder: Recorder) =>
  Effect.gen(function*() {
    const kube = yield* KubeClient
    const ref = refOf(desired)
    let live = yield* lookup(ref)
    if (Option.isSome(live)) {
      const uid = controllerUid(live.value)
      if (uid !== undefined && uid !== owner.metadata.uid) {
        return { conflict: conflictOf(ref, owner, live.value) } satisfies Step
      }
      if (desired.policy === "createIfAbsent") return {} satisfies Step
      const taken = yield* Effect.result(takeOver(desired, live.value, ref))
      if (Result.isFailure(taken)) return { failure: { ...ref, action: "apply", error: taken.failure } } satisfies Step
      if (taken.success !== live.value) yield* recorder.written(desired.resource, taken.success)
      if (ServerSideApply.upToDate(desired.object, taken.success, Naming.fieldManager)) return {} satisfies Step
      live = Option.some(taken.success)
    }
    const action = desired.policy === "createIfAbsent" ? "create" : "apply"
    const write = action === "create"
      ? kube.create(desired.resource, desired.object, { namespace: ref.namespace })
      : kube.apply(desired.resource, desired.object, { namespace: ref.namespace, force: true, fieldManager: Naming.fieldManager })
    return yield* write.pipe(
      Effect.tap((stored) => recorder.written(desired.resource, stored)),
      Effect.map((): Step => ({
        change: {
          ...ref,
          action: Option.isSome(live) ? "updated" : "created",
          detail: Option.isSome(live)
            ? Option.getOrUndefined(Option.map(ServerSideApply.diff(desired.object, live.value, Naming.fieldManager), ServerSideApply.describe))
            : undefined
        }
      })),
      Effect.catch((error): Effect.Effect<Step> =>
        action === "create" && error.reason === "AlreadyExists" ? Effect.succeed({}) : Effect.succeed({ failure: { ...ref, action, error } }))
    )
  })

const pruneOne = (owner: KubeObject.KubeObject, ref: Ref, lookup: Lookup, recorder: Recorder) =>
  Effect.gen(function*() {
    const kube = yield* KubeClient
    const live = yield* lookup(ref)
    if (Option.isNone(live) || controllerUid(live.value) !== owner.metadata.uid) return {} satisfies Step
    const preconditions = live.value.metadata.uid === undefined ? undefined : { uid: live.value.metadata.uid }
    return yield* kube.delete(ref.resource, ref.name, { namespace: ref.namespace, propagationPolicy: "Background", preconditions }).pipe(
      Effect.andThen(recorder.deleted(ref, live.value.metadata.resourceVersion)),
      Effect.as<Step>({ change: { ...ref, action: "deleted" } }),
      Effect.catch((error): Effect.Effect<Step> =>
        error.reason === "NotFound"
          ? Effect.as(recorder.deleted(ref, live.value.metadata.resourceVersion), {})
          : Effect.succeed({ failure: { ...ref, action: "delete", error } }))
    )
  })

const collect = (steps: ReadonlyArray<Step>): Outcome => ({
  changes: steps.flatMap((s) => (s.change === undefined ? [] : [s.change])),
  failures: steps.flatMap((s) => (s.failure === undefined ? [] : [s.failure])),
  conflicts: steps.flatMap((s) => (s.conflict === undefined ? [] : [s.conflict]))
})

/**
 * Applies `desired` in order (a failure does not stop the others), then deletes every
 * object of `managed` that is no longer desired and is controlled by `owner`.
 */
export const sync = Effect.fn("Apply.sync")(function*(
  owner: KubeObject.KubeObject,
  desired: ReadonlyArray<Render.Desired>,
  managed: ReadonlyArray<Ref>,
  lookup: Lookup,
  recorder: Recorder
) {
  const applied = yield* Effect.forEach(desired, (d) => applyOne(owner, d, lookup, recorder))
  const wanted = desired.map(refOf)
  const stale = managed.filter((m) => !wanted.some((w) => same(w, m)))
  const pruned = yield* Effect.forEach(stale, (ref) => pruneOne(owner, ref, lookup, recorder))
  return collect([...applied, ...pruned])
})

/** Deletes every managed object controlled by `owner` (finalizer cleanup). */
export const cleanup = Effect.fn("Apply.cleanup")(function*(
  owner: KubeObject.KubeObject,
  managed: ReadonlyArray<Ref>,
  lookup: Lookup,
  recorder: Recorder
) {
  return collect(yield* Effect.forEach(managed, (ref) => pruneOne(owner, ref, lookup, recorder)))
})

/**
 * Adding and removing the operator's finalizer on a WhatapAgent with a metadata-only
 * merge patch guarded by the object's resourceVersion: never a write of the user's spec
 * (the Go operator's Update rewrote the whole object and materialised CRD defaults,
 * bumping `generation`), and a concurrent change of the finalizer list is a 409 that the
 * work queue retries rather than a lost update.
 */
import { Effect, Option } from "effect"
import { ApiResource, KubeClient, type KubeObject } from "@whatap-operator/kube"
import { Naming } from "@whatap-operator/core"

export const has = (object: KubeObject.KubeObject): boolean =>
  (object.metadata.finalizers ?? []).includes(Naming.finalizer)

/** The patched CR, or none when it is gone (deleted meanwhile: nothing left to do, not an error). */
const patchFinalizers = (object: KubeObject.KubeObject, finalizers: ReadonlyArray<string>) =>
  Effect.flatMap(Effect.service(KubeClient), (kube) =>
    kube.patch(ApiResource.WhatapAgent, object.metadata.name ?? "", {
      type: "merge",
      body: { metadata: { finalizers: finalizers.length === 0 ? null : finalizers, resourceVersion: object.metadata.resourceVersion } }
    })).pipe(
      Effect.map(Option.some),
      Effect.catchTag("KubeError", (error) => (error.reason === "NotFound" ? Effect.succeed(Option.none()) : Effect.fail(error)))
    )

/** Adds the finalizer (no request when it is already there); none when the CR is gone. */
export const add = (object: KubeObject.KubeObject) =>
  has(object) ? Effect.succeed(Option.some(object)) : patchFinalizers(object, [...(object.metadata.finalizers ?? []), Naming.finalizer])

/** Removes the finalizer, keeping any other finalizer in place; none when the CR is gone. */
export const remove = (object: KubeObject.KubeObject) =>
  has(object)
    ? patchFinalizers(object, (object.metadata.finalizers ?? []).filter((f) => f !== Naming.finalizer))
    : Effect.succeed(Option.some(object))

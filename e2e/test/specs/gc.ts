/**
 * The garbage collector deletes an object whose owner is gone: what the operator relies on
 * to clean up everything it rendered for a deleted WhatapAgent.
 */
import { layer } from "@effect/vitest"
import { ApiResource, KubeClient, type KubeObject } from "@whatap-operator/kube"
import { Effect, Layer, Schedule } from "effect"
import { describe } from "vitest"
import { kubeClientLayer, type TargetSource, useNamespace } from "./Target.ts"

export const gcSpecs = (source: TargetSource) =>
  describe("garbage collection", () => {
    const namespace = useNamespace(source, "gc")

    layer(Layer.suspend(() => kubeClientLayer(source())), { excludeTestServices: true })((it) => {
      it.effect("deletes an owned object after its owner is deleted", () =>
        Effect.gen(function*() {
          const kube = yield* KubeClient
          const ns = namespace()
          const owner = yield* kube.create(ApiResource.ConfigMap, {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: "owner", namespace: ns }
          })
          const owned: KubeObject.KubeObject = {
            apiVersion: "v1",
            kind: "Secret",
            metadata: {
              name: "owned",
              namespace: ns,
              ownerReferences: [{
                apiVersion: "v1",
                kind: "ConfigMap",
                name: "owner",
                uid: owner.metadata.uid ?? "",
                controller: true,
                blockOwnerDeletion: true
              }]
            },
            stringData: { k: "v" }
          }
          yield* kube.create(ApiResource.Secret, owned)
          yield* kube.delete(ApiResource.ConfigMap, "owner", { namespace: ns, propagationPolicy: "Background" })
          const gone = kube.get(ApiResource.Secret, "owned", { namespace: ns }).pipe(
            Effect.flatMap(() => Effect.fail("owned Secret still exists")),
            Effect.catchTag("KubeError", (e) => (e.reason === "NotFound" ? Effect.void : Effect.fail(e.message)))
          )
          // The garbage collector works asynchronously: the spec fails when the Secret outlives 90 s.
          yield* Effect.retry(gone, Schedule.spaced("250 millis").pipe(Schedule.upTo({ duration: "90 seconds" })))
        }), 120_000)
    })
  })

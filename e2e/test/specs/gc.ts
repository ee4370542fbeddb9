/**
 * The garbage collector deletes an object whose owner is gone: what the operator relies on
 * to clean up everything it rendered for a deleted WhatapAgent.
 */
import { CoreV1Api } from "@kubernetes/client-node"
import { assert, describe, it } from "vitest"
import { eventually, type TargetSource, useNamespace } from "./Target.ts"

export const gcSpecs = (source: TargetSource) =>
  describe("garbage collection", () => {
    const namespace = useNamespace(source, "gc")

    it("deletes an owned object after its owner is deleted", async () => {
      const core = source().kubeConfig.makeApiClient(CoreV1Api)
      const owner = await core.createNamespacedConfigMap({
        namespace: namespace(),
        body: { metadata: { name: "owner" } }
      })
      await core.createNamespacedSecret({
        namespace: namespace(),
        body: {
          metadata: {
            name: "owned",
            ownerReferences: [{
              apiVersion: "v1",
              kind: "ConfigMap",
              name: "owner",
              uid: owner.metadata?.uid ?? "",
              controller: true,
              blockOwnerDeletion: true
            }]
          },
          stringData: { k: "v" }
        }
      })
      await core.deleteNamespacedConfigMap({ name: "owner", namespace: namespace(), propagationPolicy: "Background" })
      await eventually(async () => {
        const gone = await core.readNamespacedSecret({ name: "owned", namespace: namespace() }).then(
          () => false,
          (error: unknown) => Reflect.get(Object(error), "code") === 404
        )
        assert.isTrue(gone, "owned Secret still exists")
      }, "90 seconds")
    })
  })

/**
 * A watch sees ADDED, MODIFIED and DELETED for objects it selects, in order.
 */
import { CoreV1Api, Watch } from "@kubernetes/client-node"
import { assert, describe, it } from "vitest"
import { eventually, type TargetSource, useNamespace } from "./Target.ts"

export const watchSpecs = (source: TargetSource) =>
  describe("watch", () => {
    const namespace = useNamespace(source, "watch")

    it("receives ADDED, MODIFIED and DELETED", async () => {
      const { kubeConfig } = source()
      const seen: Array<string> = []
      const controller = await new Watch(kubeConfig).watch(
        `/api/v1/namespaces/${namespace()}/configmaps`,
        { labelSelector: "e2e=watch" },
        (phase: string, object: { readonly metadata?: { readonly name?: string } }) => {
          if (object.metadata?.name === "watched") seen.push(phase)
        },
        () => undefined
      )
      try {
        const core = kubeConfig.makeApiClient(CoreV1Api)
        const metadata = { name: "watched", labels: { e2e: "watch" } }
        await core.createNamespacedConfigMap({ namespace: namespace(), body: { metadata, data: { v: "1" } } })
        await core.replaceNamespacedConfigMap({
          name: "watched",
          namespace: namespace(),
          body: { metadata, data: { v: "2" } }
        })
        await core.deleteNamespacedConfigMap({ name: "watched", namespace: namespace() })
        await eventually(async () => assert.deepStrictEqual(seen, ["ADDED", "MODIFIED", "DELETED"]), "20 seconds")
      } finally {
        controller.abort()
      }
    })
  })

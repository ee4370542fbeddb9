/**
 * The operator's CRDs install on a real API server (structural schema accepted, Established)
 * and a WhatapAgent passes its validation.
 */
import { CustomObjectsApi, type KubernetesObject } from "@kubernetes/client-node"
import { Effect } from "effect"
import { assert, describe, it } from "vitest"
import * as Manifests from "../../src/Manifests.ts"
import type { TargetSource } from "./Target.ts"

interface CrdView extends KubernetesObject {
  readonly spec?: {
    readonly group?: string
    readonly names?: { readonly kind?: string; readonly plural?: string }
    readonly versions?: ReadonlyArray<{ readonly name?: string; readonly storage?: boolean }>
  }
}

const sampleAgent = (crds: ReadonlyArray<KubernetesObject>): KubernetesObject | undefined => {
  const fromSamples = Manifests.loadDir(Manifests.samplesDir).find((o) => o.kind === "WhatapAgent")
  if (fromSamples !== undefined) return fromSamples
  const crd: CrdView | undefined = crds.find((c: CrdView) => c.spec?.names?.kind === "WhatapAgent")
  const version = crd?.spec?.versions?.find((v) => v.storage === true)?.name
  if (crd?.spec?.group === undefined || version === undefined) return undefined
  return {
    apiVersion: `${crd.spec.group}/${version}`,
    kind: "WhatapAgent",
    metadata: { name: "e2e-sample" },
    ...{ spec: { license: "e2e-license", host: "127.0.0.1", port: "6600", features: {} } }
  }
}

export const crdSpecs = (source: TargetSource) =>
  describe("CRDs", () => {
    it("install, become Established and accept a WhatapAgent", async (ctx) => {
      const { kubeConfig } = source()
      const crds = await Effect.runPromise(Manifests.crds)
      if (crds.objects.length === 0) ctx.skip(`no CRDs yet (core Crd.generateAll() / ${crds.source})`)
      await Effect.runPromise(Manifests.apply(kubeConfig, crds.objects))
      await Effect.runPromise(Manifests.waitEstablished(kubeConfig, crds.objects.map((o) => o.metadata?.name ?? "")))
      const agent = sampleAgent(crds.objects)
      assert.isDefined(agent, "no WhatapAgent CRD or sample")
      if (agent === undefined) return
      const [applied] = await Effect.runPromise(Manifests.apply(kubeConfig, [agent]))
      assert.strictEqual(applied?.kind, "WhatapAgent")
      const [group, version] = agent.apiVersion?.split("/") ?? []
      const crd: CrdView | undefined = crds.objects.find((c: CrdView) => c.spec?.names?.kind === "WhatapAgent")
      const list = await kubeConfig.makeApiClient(CustomObjectsApi).listClusterCustomObject({
        group: group ?? "",
        version: version ?? "",
        plural: crd?.spec?.names?.plural ?? ""
      })
      const items: unknown = Reflect.get(list, "items")
      assert.isTrue(Array.isArray(items) && items.length >= 1)
    })
  })

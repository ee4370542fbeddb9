/**
 * Every spec removes the cluster-scoped objects it created: the cluster-scoped objects
 * that exist after all specs (and their own cleanup) must be the ones that existed before.
 * Objects on their way out (a namespace still Terminating) count as removed. The WhaTap
 * CRDs are shared by the suite (the CRD specs install them for everyone) and may stay.
 */
import { Resource } from "@whatap-operator/core"
import { ApiResource, KubeClient } from "@whatap-operator/kube"
import { Effect } from "effect"
import { afterAll, assert, beforeAll } from "vitest"
import { kubeClientLayer, type Target, type TargetSource } from "./Target.ts"

/** The cluster-scoped kinds a spec could create. */
const watched: ReadonlyArray<ApiResource.ApiResource> = [
  ApiResource.Namespace,
  ApiResource.Node,
  ApiResource.ClusterRole,
  ApiResource.ClusterRoleBinding,
  ApiResource.MutatingWebhookConfiguration,
  ApiResource.ValidatingWebhookConfiguration,
  ApiResource.CustomResourceDefinition,
  ApiResource.WhatapAgent
]

const shared = (resource: ApiResource.ApiResource, name: string): boolean =>
  resource === ApiResource.CustomResourceDefinition && name.endsWith(`.${Resource.group}`)

/** `Kind/name` of every live cluster-scoped object of the watched kinds. */
const snapshot = (target: Target): Promise<ReadonlyArray<string>> =>
  Effect.runPromise(
    Effect.gen(function*() {
      const kube = yield* KubeClient
      const lists = yield* Effect.forEach(watched, (resource) =>
        kube.list(resource).pipe(
          // WhatapAgents are not served before the CRD specs install their CRD.
          Effect.catchTag("KubeError", (e) => (e.reason === "NotFound" ? Effect.succeed({ items: [] }) : Effect.fail(e))),
          Effect.map((list) =>
            list.items
              .filter((o) => o.metadata.deletionTimestamp === undefined && !shared(resource, o.metadata.name ?? ""))
              .map((o) => `${resource.kind}/${o.metadata.name ?? ""}`)
          )
        ))
      return lists.flat().sort()
    }).pipe(Effect.provide(kubeClientLayer(target)))
  )

/**
 * Registers, in the enclosing describe block, a snapshot before its specs and the
 * comparison after them (after their own afterAll hooks).
 */
export const clusterScopedLeakCheck = (source: TargetSource): void => {
  let before: ReadonlySet<string> = new Set()
  beforeAll(async () => {
    before = new Set(await snapshot(source()))
  })
  afterAll(async () => {
    const left = (await snapshot(source())).filter((key) => !before.has(key))
    assert.deepStrictEqual(left, [], "cluster-scoped objects the specs created and did not delete")
  })
}

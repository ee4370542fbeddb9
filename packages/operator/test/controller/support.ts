/**
 * The controller on the in-memory API server: the layers a reconcile needs (caches,
 * cluster view, events, config) over `KubeClient.layerMemory`, the all-options sample as
 * a stored CR, and a helper that waits until the caches have seen every write so the
 * next pass reads what a real informer would.
 */
import { readFileSync } from "node:fs"
import { Duration, Effect, Layer, Option, Schedule } from "effect"
import YAML from "yaml"
import { Naming } from "@whatap-operator/core"
import { ApiResource, KubeClient, KubeMemory, type KubeObject } from "@whatap-operator/kube"
import * as Config from "../../src/Config.ts"
import { Caches } from "../../src/controller/Caches.ts"
import { Cluster } from "../../src/controller/Cluster.ts"
import { EventRecorder } from "../../src/controller/Events.ts"
import { RolloutMemory } from "../../src/controller/RolloutMemory.ts"
import { Redactor } from "../../src/runtime/Redactor.ts"

export const namespace = Naming.defaultNamespace
export const license = "unit-LICENSE-5e1f"

export const config = Config.defaults(namespace, "unit-test")

/** Everything a reconcile needs, on a fresh in-memory API server. */
export const layer = Layer.mergeAll(Cluster.layer, RolloutMemory.layer).pipe(
  Layer.provideMerge(Caches.layer),
  Layer.provideMerge(EventRecorder.layer("unit-test")),
  Layer.provideMerge(Layer.mergeAll(Config.OperatorConfig.layer({ ...config, webhook: { mode: "url", baseUrl: "https://127.0.0.1:9443" } }), Redactor.layer)),
  Layer.provideMerge(KubeClient.layerMemory)
)

const sampleUrl = new URL("../../../../deploy/samples/whatap-agent-all-options.yaml", import.meta.url)

/** The all-options sample with a literal license, as the API server would store it. */
export const allOptions = (): KubeObject.KubeObject => {
  const object = YAML.parse(readFileSync(sampleUrl, "utf8")) as KubeObject.KubeObject & { spec: Record<string, unknown> }
  return { ...object, spec: { ...object.spec, license } }
}

export const agent = Effect.flatMap(Effect.service(KubeClient), (kube) => kube.get(ApiResource.WhatapAgent, Naming.agentName))

/** Writes since the last `clearCalls`, as `verb resource namespace/name[/subresource]`; Events left out (see `events`). */
export const writes = Effect.map(Effect.flatMap(Effect.service(KubeMemory), (m) => m.writes), (calls) =>
  calls.filter((c) => c.resource !== "events").map((c) => `${c.verb} ${c.resource} ${c.namespace ?? ""}/${c.name ?? ""}${c.subresource === undefined ? "" : `/${c.subresource}`}`))

/** Event writes since the last `clearCalls`. */
export const eventWrites = Effect.map(Effect.flatMap(Effect.service(KubeMemory), (m) => m.writes), (calls) =>
  calls.filter((c) => c.resource === "events").map((c): string => c.verb))

export const clearWrites = Effect.flatMap(Effect.service(KubeMemory), (m) => m.clearCalls)

/** Waits until every informer holds the stored version of every object it watches. */
export const settled = Effect.gen(function*() {
  const caches = yield* Caches
  const memory = yield* KubeMemory
  yield* Effect.forEach(caches.all, (w) => w.informer.synced, { discard: true })
  const check = Effect.gen(function*() {
    for (const w of caches.all) {
      const stored = yield* memory.snapshot(w.informer.resource)
      const cached = yield* w.informer.list
      const versions = new Map(cached.map((o) => [`${o.metadata.namespace ?? ""}/${o.metadata.name ?? ""}`, o.metadata.resourceVersion]))
      const present = new Set(stored.map((o) => `${o.metadata.namespace ?? ""}/${o.metadata.name ?? ""}`))
      for (const key of versions.keys()) if (!present.has(key)) return yield* Effect.fail(`deleted ${w.name} ${key} still cached`)
      for (const o of stored) {
        const key = `${o.metadata.namespace ?? ""}/${o.metadata.name ?? ""}`
        // Informers scoped by namespace/name/label see a subset: compare only what they hold or should.
        if (versions.has(key) && versions.get(key) !== o.metadata.resourceVersion) return yield* Effect.fail(`stale ${w.name} ${key}`)
      }
    }
  })
  yield* check.pipe(Effect.retry(Schedule.spaced(Duration.millis(10)).pipe(Schedule.upTo({ duration: "5 seconds" }))))
})

export const stored = (resource: ApiResource.ApiResource, name: string, ns?: string) =>
  Effect.flatMap(Effect.service(KubeClient), (kube) =>
    kube.get(resource, name, { namespace: ns }).pipe(Effect.map(Option.some), Effect.catchTag("KubeError", () => Effect.succeed(Option.none()))))

/**
 * The reconciler's read and write access to the cluster in one service: cached reads
 * merged with this process' own recent writes (`Written`), so a pass never acts on a
 * cache that has not caught up with the previous pass yet.
 */
import { Context, Effect, Layer, type Option, Stream } from "effect"
import { ApiResource, type KubeObject } from "@whatap-operator/kube"
import type * as Apply from "./Apply.ts"
import { Caches } from "./Caches.ts"
import * as Written from "./Written.ts"

export interface Shape {
  readonly lookup: Apply.Lookup
  readonly recorder: Apply.Recorder
  readonly agent: (name: string) => Effect.Effect<Option.Option<KubeObject.KubeObject>>
  readonly agentWritten: (object: KubeObject.KubeObject) => Effect.Effect<void>
  /** Counts a failed finalizer cleanup of the CR with this uid; returns the attempts so far. */
  readonly failedCleanup: (uid: string) => Effect.Effect<number>
  readonly cleanupDone: (uid: string) => Effect.Effect<void>
}

export class Cluster extends Context.Service<Cluster, Shape>()("@whatap-operator/operator/Cluster") {
  static readonly layer = Layer.effect(Cluster, Effect.gen(function*() {
    const caches = yield* Caches
    const written = Written.make()
    // Every change an informer reports retires the overlay entries it has caught up with.
    for (const watched of [caches.agents, ...caches.dependents.map((w) => w.informer)]) {
      const changes = yield* watched.subscribe
      yield* changes.pipe(Stream.runForEach((change) => written.observe(watched.resource, change.object)), Effect.forkScoped)
    }
    const attempts = new Map<string, number>()
    const lookup: Apply.Lookup = (ref) =>
      Effect.flatMap(caches.lookup(ref), (cached) => written.read(ref.resource, ref.resource.namespaced ? ref.namespace : undefined, ref.name, cached))
    return Cluster.of({
      lookup,
      recorder: {
        written: (resource, object) => written.put(resource, object),
        deleted: (ref, resourceVersion) => written.deleted(ref.resource, ref.resource.namespaced ? ref.namespace : undefined, ref.name, resourceVersion)
      },
      agent: (name) => Effect.flatMap(caches.agents.get(name), (cached) => written.read(ApiResource.WhatapAgent, undefined, name, cached)),
      agentWritten: (object) => written.put(ApiResource.WhatapAgent, object),
      failedCleanup: (uid) => Effect.sync(() => {
        const tried = (attempts.get(uid) ?? 0) + 1
        attempts.set(uid, tried)
        return tried
      }),
      cleanupDone: (uid) => Effect.sync(() => void attempts.delete(uid))
    })
  }))
}

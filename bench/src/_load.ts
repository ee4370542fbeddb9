/**
 * Load for the operator benchmarks, made with the admin credentials over loopback:
 * namespaces, pods created directly (no Deployments: kube-controller-manager's 20
 * requests/s would make 10,000 replicas take about 10 minutes), and WhatapPodMonitors,
 * each with a bounded number of requests in flight. Pods only need to exist and be
 * scheduled; kwok, managing the fake nodes, also marks them Running.
 */
import { Effect, Schedule } from "effect"
import { Naming } from "@whatap-operator/core"
import { ApiResource, KubeClient, type KubeObject } from "@whatap-operator/kube"
import * as World from "./_world.ts"

export const createNamespaces = (names: ReadonlyArray<string>, concurrency: number) =>
  Effect.flatMap(Effect.service(KubeClient), (kube) =>
    Effect.forEach(names, (name) =>
      kube.apply(ApiResource.Namespace, { apiVersion: "v1", kind: "Namespace", metadata: { name } }, { force: true, fieldManager: World.fieldManager }),
    { concurrency, discard: true }))

/**
 * A pod shaped like a Deployment's replica (generated name, `pod-template-hash`, a few
 * labels and an annotation), without the owner reference: the garbage collector deletes
 * pods whose owner does not exist.
 */
export const pod = (namespace: string, app: string, replica: number): KubeObject.KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: {
    name: `${app}-7d9c8b6f5-${String(replica).padStart(5, "0")}`,
    namespace,
    labels: { app, "app.kubernetes.io/name": app, "app.kubernetes.io/part-of": "bench", "pod-template-hash": "7d9c8b6f5", tier: "backend" },
    annotations: { "kubectl.kubernetes.io/restartedAt": "2024-01-01T00:00:00Z" }
  },
  spec: {
    containers: [{ name: app, image: "registry.example.com/bench/app:1.0.0", ports: [{ name: "metrics", containerPort: 9090 }] }],
    terminationGracePeriodSeconds: 0
  }
})

export const createObjects = (resource: ApiResource.ApiResource, objects: ReadonlyArray<KubeObject.KubeObject>, concurrency: number) =>
  Effect.flatMap(Effect.service(KubeClient), (kube) =>
    Effect.forEach(objects, (o) => kube.create(resource, o, { namespace: o.metadata.namespace }), { concurrency, discard: true }))

/** How many pods are not Running yet (all namespaces). */
export const podsNotRunning = Effect.flatMap(Effect.service(KubeClient), (kube) =>
  Effect.map(kube.list(ApiResource.Pod, { fieldSelector: "status.phase!=Running", metadataOnly: true, limit: 2000 }), (l) => l.items.length))

/** A WhatapPodMonitor scraping the `metrics` port of the pods labelled `app: <app>`. */
export const podMonitor = (namespace: string, name: string, app: string, i: number): KubeObject.KubeObject => ({
  apiVersion: "monitoring.whatap.com/v2alpha1",
  kind: "WhatapPodMonitor",
  metadata: { name, namespace },
  spec: {
    selector: { matchLabels: { app } },
    endpoints: [{ port: "metrics", path: "/metrics", interval: `${15 + (i % 4) * 15}s` }]
  }
})

const scrapeConfig = Effect.flatMap(Effect.service(KubeClient), (kube) =>
  Effect.map(kube.get(ApiResource.ConfigMap, Naming.openAgent.configMap, { namespace: World.namespace }), (cm) =>
    (cm["data"] as Record<string, string> | undefined)?.[Naming.openAgent.configKey] ?? ""))

/** Applies the monitors and waits until the OpenAgent's scrape config lists every one of them. */
export const createMonitors = (monitors: ReadonlyArray<KubeObject.KubeObject>, concurrency: number) =>
  Effect.gen(function*() {
    const kube = yield* KubeClient
    yield* Effect.forEach(monitors, (m) =>
      kube.apply(ApiResource.WhatapPodMonitor, m, { force: true, fieldManager: World.fieldManager, namespace: m.metadata.namespace }), { concurrency, discard: true })
    yield* scrapeConfig.pipe(
      Effect.filterOrFail(
        (text) => monitors.every((m) => text.includes(`${m.metadata.namespace}/${m.metadata.name}`)),
        () => new Error("the scrape config does not list every monitor yet")
      ),
      Effect.retry(Schedule.spaced("500 millis").pipe(Schedule.upTo({ duration: "180 seconds" })))
    )
  })

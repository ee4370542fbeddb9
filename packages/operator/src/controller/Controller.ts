/**
 * The WhatapAgent controller: waits for the caches, feeds the work queue from the watches
 * (a WhatapAgent's own changes enqueue it; a change of an owned object or a monitor CR
 * enqueues every WhatapAgent; pod and namespace changes refresh the status counts, a
 * change of a node's GPU labels the GPU status and node selection, and a dcgm-exporter
 * pod's readiness or node the GPU status, a little later, batched) and runs the
 * reconciler on it. Lives as long as its scope (the leadership term).
 */
import { Duration, Effect, Metric, Schedule, Stream } from "effect"
import { KubeObject } from "@whatap-operator/kube"
import { OperatorConfig } from "../Config.ts"
import * as Metrics from "../runtime/Metrics.ts"
import * as WorkQueue from "../runtime/WorkQueue.ts"
import { Caches, dependentChanges, synced } from "./Caches.ts"
import * as ExporterPods from "./ExporterPods.ts"
import * as GpuNodes from "./GpuNodes.ts"
import * as Reconciler from "./Reconciler.ts"

const agentKeys = Effect.flatMap(Effect.service(Caches), (caches) =>
  Effect.map(caches.agents.list, (agents) => agents.map((a) => KubeObject.key(a))))

const onRun = (event: WorkQueue.RunEvent) =>
  Effect.all([
    Metric.update(Metric.withAttributes(Metrics.reconcileTotal, { result: event.outcome }), 1),
    event.outcome === "error" || event.outcome === "defect" ? Metric.update(Metrics.reconcileErrorsTotal, 1) : Effect.void,
    Metric.update(Metrics.reconcileDurationSeconds, event.durationMs / 1000)
  ], { discard: true })

const publishStats = (queue: WorkQueue.WorkQueue) =>
  Effect.flatMap(queue.stats, (stats) =>
    Effect.all([Metric.update(Metrics.workqueueDepth, stats.depth), Metric.update(Metrics.workqueueInFlight, stats.inFlight)], { discard: true }))

/** Starts the controller in the current scope; returns once the caches are synced and the workers run. */
export const start = Effect.gen(function*() {
  const config = yield* OperatorConfig
  const caches = yield* Caches
  yield* Effect.logInfo("waiting for the caches to sync")
  yield* synced
  const queue = yield* WorkQueue.make({
    name: "whatapagent",
    concurrency: config.concurrency,
    resync: { period: config.resyncPeriod, keys: agentKeys.pipe(Effect.provideService(Caches, caches)) },
    onRun
  })
  const addAll = (delay?: Duration.Duration) =>
    Effect.flatMap(agentKeys.pipe(Effect.provideService(Caches, caches)), (keys) =>
      Effect.forEach(keys, (key) => (delay === undefined ? queue.add(key) : queue.addAfter(key, delay)), { discard: true }))
  // Subscribed before the first addAll: no change between the sync and the workers is missed.
  yield* (yield* caches.agents.subscribe).pipe(Stream.runForEach((change) => queue.add(change.key)), Effect.forkScoped)
  yield* (yield* dependentChanges).pipe(Stream.runForEach(() => addAll()), Effect.forkScoped)
  const nodeChanges = (yield* caches.nodes.subscribe).pipe(Stream.filter(GpuNodes.relevant))
  const exporterChanges = (yield* caches.exporterPods.subscribe).pipe(Stream.filter(ExporterPods.relevant))
  const statusChanges = [yield* caches.pods.subscribe, yield* caches.namespaces.subscribe, nodeChanges, exporterChanges]
  yield* Stream.mergeAll(statusChanges, { concurrency: "unbounded" }).pipe(
    Stream.runForEach(() => addAll(config.statusDelay)),
    Effect.forkScoped
  )
  yield* publishStats(queue).pipe(Effect.repeat(Schedule.spaced("1 second")), Effect.forkScoped)
  yield* addAll()
  yield* queue.run(Reconciler.reconcile)
  yield* Effect.logInfo("controller started")
})

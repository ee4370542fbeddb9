/**
 * From a WhatapAgent change to the applied object (target: p50 < 40 ms), on the local
 * control plane with the operator running as in `npm start` (its ServiceAccount, leader
 * election on). About 1 minute in all (control plane start included).
 *
 * Method: this process watches the Deployments of whatap-monitoring (an informer of
 * @whatap-operator/kube with the admin credentials). Each change is a JSON merge patch of
 * the CR; the clock starts when the patch response arrives (the change is stored) and
 * stops when the watch delivers the Deployment that carries it. That is a lower bound
 * (this process may handle the response after the event already arrived); the time from
 * sending the patch, also printed, is an upper bound: it includes the API server's write
 * and its call of the operator's validating webhook. Changes are sequential,
 * with a pause between them (`BENCH_GAP_MS`, default 300) so that the rollout each one
 * starts (kube-controller-manager, kwok) does not queue behind the next.
 *
 * - A: `BENCH_CHANGES` (default 100) toggles of an env var in
 *   `spec.features.k8sAgent.masterAgent.envs`, seen as the `whatap-master-agent` Deployment's
 *   container env.
 * - B: `BENCH_FLIPS` (default 40) flips of `spec.features.openAgent.enabled`, seen as the
 *   `whatap-open-agent` Deployment deleted or created: the shape of the Go operator's figure.
 */
import { Deferred, Duration, Effect, Option, Ref, Stream } from "effect"
import { Naming } from "@whatap-operator/core"
import { ApiResource, Informer, type KubeObject } from "@whatap-operator/kube"
import { envNumber, ms, progress, runMain, type Summary, summarize, table } from "./_main.ts"
import * as World from "./_world.ts"

const changes = envNumber("BENCH_CHANGES", 100)
const flips = Math.round(envNumber("BENCH_FLIPS", 40))
const gap = Duration.millis(envNumber("BENCH_GAP_MS", 300))
const timeout = Duration.seconds(15)

const masterKey = `${World.namespace}/${Naming.masterAgent.deployment}`
const openKey = `${World.namespace}/${Naming.openAgent.deployment}`
const envName = "BENCH_CHANGE"

interface Sample {
  readonly fromResponse: number
  readonly fromRequest: number
}

interface Waiter {
  readonly matches: (change: Informer.Change) => boolean
  readonly seen: Deferred.Deferred<number>
}

const containerEnv = (deployment: KubeObject.KubeObject): ReadonlyArray<{ name?: string; value?: string }> => {
  const spec = deployment["spec"] as { template?: { spec?: { containers?: ReadonlyArray<{ env?: ReadonlyArray<{ name?: string; value?: string }> }> } } } | undefined
  return spec?.template?.spec?.containers?.flatMap((c) => c.env ?? []) ?? []
}

const carriesEnv = (value: string) => (change: Informer.Change) =>
  change.key === masterKey && change.type === "upsert" && containerEnv(change.object).some((e) => e.name === envName && e.value === value)

const openAgentGone = (change: Informer.Change) =>
  change.key === openKey && (change.type === "delete" || change.object.metadata.deletionTimestamp !== undefined)

const openAgentBack = (change: Informer.Change) =>
  change.key === openKey && change.type === "upsert" && change.object.metadata.deletionTimestamp === undefined && change.previous === undefined

/** Watches the operator namespace's Deployments; `measure` times one change. */
const watcher = Effect.gen(function*() {
  const informer = yield* Informer.make(ApiResource.Deployment, { namespace: World.namespace })
  yield* informer.synced
  const waiting = yield* Ref.make(Option.none<Waiter>())
  const stream = yield* informer.subscribe
  yield* stream.pipe(
    Stream.runForEach((change) =>
      Effect.flatMap(Ref.get(waiting), (w) => {
        const at = performance.now()
        return Option.isSome(w) && w.value.matches(change) ? Deferred.succeed(w.value.seen, at) : Effect.void
      })),
    Effect.forkScoped
  )
  /** Milliseconds from the patch response, and from the request, to the matching watch event. */
  const measure = <E, R>(matches: Waiter["matches"], patch: Effect.Effect<unknown, E, R>) =>
    Effect.gen(function*() {
      const seen = yield* Deferred.make<number>()
      yield* Ref.set(waiting, Option.some({ matches, seen }))
      const sent = performance.now()
      yield* patch
      const stored = performance.now()
      const at = yield* Deferred.await(seen).pipe(
        Effect.timeoutOrElse({ duration: timeout, orElse: () => Effect.fail(new Error(`no matching Deployment event within ${Duration.format(timeout)}`)) })
      )
      yield* Ref.set(waiting, Option.none())
      return { fromResponse: at - stored, fromRequest: at - sent }
    })
  return { informer, measure }
})

const row = (label: string, s: Summary): ReadonlyArray<string> =>
  [label, String(s.count), ms(s.p50), ms(s.p95), ms(s.p99), ms(s.max), ms(s.min)]

const report = (envLatencies: ReadonlyArray<Sample>, flipLatencies: ReadonlyArray<Sample>, deployments: number) => {
  const header = ["change -> applied object", "n", "p50", "p95", "p99", "max", "min"]
  const response = (samples: ReadonlyArray<Sample>) => summarize(samples.map((s) => s.fromResponse))
  const request = (samples: ReadonlyArray<Sample>) => summarize(samples.map((s) => s.fromRequest))
  console.log(`\n${table([
    header,
    row("A: masterAgent env toggle -> whatap-master-agent Deployment, from the patch response", response(envLatencies)),
    row("A: the same, from the patch request (includes the API server's write and admission)", request(envLatencies)),
    row("B: openAgent.enabled flip -> whatap-open-agent deleted/created, from the patch response", response(flipLatencies)),
    row("B: the same, from the patch request", request(flipLatencies))
  ])}`)
  console.log(`watch: informer on Deployments in ${World.namespace} (${deployments} cached), admin credentials; pause between changes ${Duration.format(gap)}`)
  console.log(`target: p50 < 40 ms. Go operator (commit a7e2ace, same control plane): openAgent.enabled flip to visible change median 52 ms (24-100 ms)`)
}

const entry = World.entryFromEnv()

const program = Effect.gen(function*() {
  const log = progress(performance.now())
  const kubeconfig = yield* World.install
  const operator = yield* World.startOperator(kubeconfig, "5m", entry)
  yield* World.applyAgent
  yield* World.waitAgentReady
  yield* log(`operator ready (pid ${operator.pid}), WhatapAgent/whatap Ready; settled after ${ms(yield* World.settle(operator))}`)
  const { informer, measure } = yield* watcher

  const envLatencies: Array<Sample> = []
  for (let i = 1; i <= changes; i++) {
    const value = String(i)
    const patch = World.mergePatchAgent({ spec: { features: { k8sAgent: { masterAgent: { envs: [{ name: envName, value }] } } } } })
    envLatencies.push(yield* measure(carriesEnv(value), patch))
    yield* Effect.sleep(gap)
  }
  yield* log(`A: ${changes} env changes done`)

  const flipLatencies: Array<Sample> = []
  for (let i = 0; i < flips; i++) {
    const enable = i % 2 === 1
    const patch = World.mergePatchAgent({ spec: { features: { openAgent: { enabled: enable } } } })
    flipLatencies.push(yield* measure(enable ? openAgentBack : openAgentGone, patch))
    yield* Effect.sleep(gap)
  }
  // Leave the OpenAgent as the sample has it.
  if (flips % 2 === 1) yield* World.mergePatchAgent({ spec: { features: { openAgent: { enabled: true } } } })
  yield* log(`B: ${flips} openAgent flips done`)
  const deployments = (yield* informer.list).length

  report(envLatencies, flipLatencies, deployments)
  const final = yield* World.counters(operator)
  console.log(`operator: ${final.reconciles} reconciles, ${final.objectWrites} object writes in all (its /metrics)`)
})

runMain(program.pipe(Effect.scoped, Effect.provide(World.layer())))

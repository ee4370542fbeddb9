/**
 * B3, the opt-in rollout restart, one step per reconcile pass: workloads whose pods need
 * a restart (`Rollout.plan`) are restarted the way `kubectl rollout restart` does it, a
 * pod-template annotation, at most `maxConcurrent` rolling at once. Before a restart the
 * PodDisruptionBudgets of the namespace are read and a workload whose pods one of them
 * protects with no disruption allowed now waits. While a restarted workload rolls, its new
 * pods are read: a crash loop or a container that cannot start, a Deployment past its
 * progress deadline, or new pods that are still not instrumented stop the whole rollout
 * for this instrumentation (nothing else is restarted until the instrumentation changes),
 * with the reason in the `RolloutRestart` condition and a Warning Event.
 *
 * What is rolling is kept in memory for the leadership term (`RolloutMemory`); a new
 * leader finds it again from the workloads, whose pod templates record the hash they
 * were restarted for, so no workload is restarted twice for the same instrumentation.
 * The API calls are few and bounded per pass: a ReplicaSet read once per ReplicaSet to
 * find its Deployment, a read of each rolling workload and of at most
 * `maxConcurrent + candidateReads` candidates, the budgets of their namespaces, and the
 * pods of each rolling workload.
 */
import { Clock, Context, Effect, Layer, Result } from "effect"
import { Conditions, RolloutRestart, Selector, type WhatapAgent } from "@whatap-operator/core"
import { ApiResource, KubeClient, type KubeError, type KubeObject } from "@whatap-operator/kube"
import { EventRecorder } from "./Events.ts"
import * as Rollout from "./Rollout.ts"

/** Candidates read per pass beyond the free slots (those a budget holds back, or already restarted). */
export const candidateReads = 20

/** While workloads roll, look again this soon. */
export const requeueSeconds = 5

interface AgentMemory {
  hash: string | undefined
  /** Rolling workloads, by `Rollout.key`. */
  readonly rolling: Map<string, Rollout.Owner>
  /** Restarted and rolled out for `hash`. */
  readonly done: Set<string>
  halted: string | undefined
}

export interface Memory {
  readonly agents: Map<string, AgentMemory>
  /** A ReplicaSet's uid to its Deployment, or null when none controls it. */
  readonly replicaSets: Map<string, Rollout.Owner | null>
}

export class RolloutMemory extends Context.Service<RolloutMemory, Memory>()("@whatap-operator/operator/RolloutMemory") {
  static readonly layer = Layer.sync(RolloutMemory, (): Memory => ({ agents: new Map(), replicaSets: new Map() }))
}

const resources: Readonly<Record<Exclude<Rollout.OwnerKind, "ReplicaSet">, ApiResource.ApiResource>> = {
  Deployment: ApiResource.Deployment,
  StatefulSet: ApiResource.StatefulSet,
  DaemonSet: ApiResource.DaemonSet
}

const resourceOf = (owner: Rollout.Owner): ApiResource.ApiResource =>
  owner.kind === "ReplicaSet" ? ApiResource.ReplicaSet : resources[owner.kind]

export interface Input {
  readonly raw: KubeObject.KubeObject
  readonly agent: WhatapAgent.WhatapAgent
  readonly operatorNamespace: string
  readonly pods: ReadonlyArray<KubeObject.KubeObject>
  readonly namespaceLabels: (name: string) => Readonly<Record<string, string>> | undefined
  /** The webhook is installed and its certificate trusted: restarted pods can be injected. */
  readonly webhookReady: boolean
}

export interface Step {
  /** The RolloutRestart condition; undefined: the restart is off, the condition goes. */
  readonly update: Conditions.Update | undefined
  readonly rolling: boolean
}

const notFound = (e: KubeError) => e.reason === "NotFound"

const shown = (items: ReadonlyArray<string>, max = 5): string =>
  items.length <= max ? items.join(", ") : `${items.slice(0, max).join(", ")} and ${items.length - max} more`

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`

/** One pass of the rollout restart for one WhatapAgent. */
export const step = Effect.fn("Restarts.step")(function*(input: Input) {
  const memory = yield* RolloutMemory
  const uid = input.raw.metadata.uid ?? input.raw.metadata.name ?? ""
  const settings = RolloutRestart.settings(input.raw.metadata.annotations)
  if (!settings.enabled) {
    memory.agents.delete(uid)
    return { update: undefined, rolling: false } satisfies Step
  }
  const generation = input.raw.metadata.generation ?? 0
  const condition = (status: Conditions.Status, reason: Conditions.Reason, message: string): Conditions.Update => ({
    type: "RolloutRestart",
    status,
    reason,
    message: [message, ...settings.problems.map((p) => `annotation ${p.annotation}: ${p.message}`)].join("; "),
    observedGeneration: generation
  })
  const instrumentation = input.agent.spec.features.apm?.instrumentation
  if (instrumentation === undefined || !instrumentation.enabled) {
    memory.agents.delete(uid)
    return { update: condition("True", "Completed", "APM instrumentation is off: no workload needs a restart"), rolling: false } satisfies Step
  }
  const hash = Rollout.hash(input.raw)
  const mine = memory.agents.get(uid) ?? { hash, rolling: new Map(), done: new Set(), halted: undefined }
  memory.agents.set(uid, mine)
  if (mine.hash !== hash) {
    // a new instrumentation: what was done or halted was for the old one; what rolls still counts against the limit
    mine.hash = hash
    mine.done.clear()
    mine.halted = undefined
  }
  const halted = (message: string) => condition("False", "Halted", `stopped (instrumentation ${hash}): ${message}; nothing more is restarted until the instrumentation changes`)
  if (mine.halted !== undefined) return { update: halted(mine.halted), rolling: false } satisfies Step
  if (!input.webhookReady) {
    return { update: condition("False", "Restarting", "waiting for the webhook (configuration installed, certificate trusted) before restarting workloads"), rolling: true } satisfies Step
  }

  const kube = yield* KubeClient
  const events = yield* EventRecorder
  const halt = Effect.fn("Restarts.halt")(function*(message: string) {
    mine.halted = message
    yield* events.record(input.raw, "Warning", "RolloutRestartHalted", `rollout restart stopped: ${message}`)
    yield* Effect.logWarning(`rollout restart stopped: ${message}`)
    return { update: halted(message), rolling: false } satisfies Step
  })
  const read = (owner: Rollout.Owner) =>
    kube.get(resourceOf(owner), owner.name, { namespace: owner.namespace }).pipe(
      Effect.map(Result.succeed),
      Effect.catchTag("KubeError", (e) => Effect.succeed(Result.fail(e)))
    )
  const notes: Array<string> = []

  // 1. the workloads rolling now: finished, still rolling, or failing
  for (const [k, owner] of [...mine.rolling]) {
    const live = yield* read(owner)
    if (Result.isFailure(live)) {
      if (notFound(live.failure)) mine.rolling.delete(k)
      else notes.push(`${k} could not be read: ${live.failure.message}`)
      continue
    }
    const progress = Rollout.progress(owner.kind, live.success)
    if (progress._tag === "Failed") return yield* halt(`${k}: ${progress.message}`)
    const crash = yield* crashOf(kube, owner, live.success, hash)
    if (crash !== undefined) return yield* halt(`${k}: ${crash}`)
    if (progress._tag === "Done") {
      mine.rolling.delete(k)
      if (Rollout.restartedFor(live.success) === hash) mine.done.add(k)
    } else notes.push(`${k}: ${progress.message}`)
  }

  // 2. the pods that need a restart, by workload (a ReplicaSet resolved to its Deployment)
  const plan = Rollout.plan(input.agent, input.operatorNamespace, input.pods, input.namespaceLabels, hash)
  const unrestartable = [...plan.unrestartable]
  const candidates = new Map<string, { owner: Rollout.Owner; pods: Array<string>; restartedPod: string | undefined; stale: boolean }>()
  for (const candidate of plan.candidates) {
    const owner = candidate.owner.kind === "ReplicaSet" ? yield* deploymentOf(kube, memory, candidate.owner) : candidate.owner
    if (owner === undefined) {
      for (const pod of candidate.pods) unrestartable.push(`${pod}: owned by ReplicaSet ${candidate.owner.name}, which no Deployment controls`)
      continue
    }
    if (owner === "unread") {
      notes.push(`ReplicaSet ${candidate.owner.namespace}/${candidate.owner.name} could not be read`)
      continue
    }
    const k = Rollout.key(owner)
    const group = candidates.get(k) ?? { owner, pods: [], restartedPod: undefined, stale: false }
    group.pods.push(...candidate.pods)
    group.restartedPod ??= candidate.restartedPod
    group.stale ||= candidate.stale
    candidates.set(k, group)
  }
  for (const [k, group] of candidates) {
    // new pods of a restart for this instrumentation that are still not instrumented: the webhook did not inject them
    if (group.restartedPod !== undefined && !mine.rolling.has(k)) {
      return yield* halt(`${k} was restarted, but its pod ${group.restartedPod} is still not instrumented as the targets say (see \`whatapctl explain --pod\` and \`whatapctl doctor\`)`)
    }
  }

  // 3. restart the next ones while slots are free
  const waiting: Array<string> = []
  const budgets = new Map<string, ReadonlyArray<KubeObject.KubeObject>>()
  let reads = 0
  const now = Conditions.formatTime(yield* Clock.currentTimeMillis)
  for (const [k, group] of candidates) {
    if (mine.rolling.has(k) || mine.done.has(k)) continue
    if (mine.rolling.size >= settings.maxConcurrent || reads >= settings.maxConcurrent + candidateReads) {
      waiting.push(k)
      continue
    }
    reads++
    const live = yield* read(group.owner)
    if (Result.isFailure(live)) {
      if (!notFound(live.failure)) notes.push(`${k} could not be read: ${live.failure.message}`)
      continue
    }
    if (Rollout.restartedFor(live.success) === hash) {
      // restarted for this instrumentation already (by an earlier leader): follow it
      mine.rolling.set(k, group.owner)
      continue
    }
    const why = Rollout.notRestartable(group.owner.kind, live.success)
    if (why !== undefined) {
      for (const pod of group.pods) unrestartable.push(`${pod}: ${k} is not restarted, ${why}`)
      continue
    }
    const inNamespace = budgets.get(group.owner.namespace) ?? (yield* kube.list(ApiResource.PodDisruptionBudget, { namespace: group.owner.namespace }).pipe(
      Effect.map((l) => l.items),
      Effect.catchTag("KubeError", (e) => Effect.as(Effect.sync(() => notes.push(`the PodDisruptionBudgets of ${group.owner.namespace} could not be read: ${e.message}`)), undefined))
    ))
    if (inNamespace === undefined) {
      waiting.push(k)
      continue
    }
    budgets.set(group.owner.namespace, inNamespace)
    const blocking = Rollout.blockingBudget(inNamespace, Rollout.templateLabels(live.success))
    if (blocking !== undefined) {
      waiting.push(`${k} (${blocking})`)
      continue
    }
    const patched = yield* kube.patch(resourceOf(group.owner), group.owner.name, { type: "strategic", body: Rollout.restartPatch(hash, now) }, { namespace: group.owner.namespace }).pipe(
      Effect.map(Result.succeed),
      Effect.catchTag("KubeError", (e) => Effect.succeed(Result.fail(e)))
    )
    if (Result.isFailure(patched)) {
      if (patched.failure.reason === "Forbidden") {
        return yield* halt(`the operator may not patch ${resourceOf(group.owner).plural} (${k}): install it with the chart value rolloutRestart.enabled=true, which grants that`)
      }
      if (!notFound(patched.failure)) notes.push(`${k} could not be restarted: ${patched.failure.message}`)
      continue
    }
    mine.rolling.set(k, group.owner)
    const what = group.stale ? "were instrumented with another language or agent version than the targets now give" : "were not instrumented"
    yield* events.record(input.raw, "Normal", "RolloutRestart", `restarted ${k}: ${plural(group.pods.length, "pod", "pods")} ${what} (${shown(group.pods)})`)
    yield* Effect.logInfo(`rollout restart: restarted ${k}`)
  }

  const tail = [
    ...(notes.length > 0 ? [`; ${notes.join("; ")}`] : []),
    ...(unrestartable.length > 0 ? [`; not restarted: ${shown(unrestartable.sort())}`] : [])
  ].join("")
  const done = plural(mine.done.size, "workload", "workloads")
  if (mine.rolling.size > 0 || waiting.length > 0) {
    const rolling = mine.rolling.size > 0 ? `; rolling: ${shown([...mine.rolling.keys()].sort())}` : ""
    const queued = waiting.length > 0 ? `; waiting: ${shown(waiting)}` : ""
    return {
      update: condition("False", "Restarting", `restarting workloads whose pods need instrumenting, at most ${settings.maxConcurrent} at once: ${done} restarted and rolled out${rolling}${queued}${tail}`),
      rolling: true
    } satisfies Step
  }
  return {
    update: condition("True", "Completed", `${done} restarted and rolled out for this instrumentation; no pod waits for a restart${tail}`),
    rolling: notes.length > 0
  } satisfies Step
})

/** The Deployment of a ReplicaSet (remembered by uid), undefined when none controls it, "unread" on an API error. */
const deploymentOf = (kube: KubeClient["Service"], memory: Memory, replicaSet: Rollout.Owner) =>
  Effect.gen(function*() {
    const remembered = replicaSet.uid === undefined ? undefined : memory.replicaSets.get(replicaSet.uid)
    if (remembered !== undefined) return remembered ?? undefined
    const live = yield* kube.get(ApiResource.ReplicaSet, replicaSet.name, { namespace: replicaSet.namespace }).pipe(
      Effect.map(Result.succeed),
      Effect.catchTag("KubeError", (e) => Effect.succeed(Result.fail(e)))
    )
    if (Result.isFailure(live)) return notFound(live.failure) ? undefined : "unread" as const
    const owner = Rollout.deploymentOf(live.success)
    // a ReplicaSet's controller does not change; a replaced one has a new uid
    if (live.success.metadata.uid !== undefined) memory.replicaSets.set(live.success.metadata.uid, owner ?? null)
    return owner
  })

/** A crash of the workload's pods made for this hash, read from its pods (by its selector). */
const crashOf = (kube: KubeClient["Service"], owner: Rollout.Owner, workload: KubeObject.KubeObject, hash: string) =>
  Effect.gen(function*() {
    const selector = Selector.fromLabelSelector((workload["spec"] as { selector?: unknown } | undefined)?.selector)
    // apps/v1 workloads always have a selector; one that selects nothing has no pods to read
    if (Result.isFailure(selector) || selector.success._tag === "Nothing") return undefined
    const pods = yield* kube.list(ApiResource.Pod, { namespace: owner.namespace, labelSelector: Selector.format(selector.success) }).pipe(
      Effect.map((l) => l.items),
      Effect.orElseSucceed((): ReadonlyArray<KubeObject.KubeObject> => [])
    )
    return Rollout.crashOf(pods, hash)
  })

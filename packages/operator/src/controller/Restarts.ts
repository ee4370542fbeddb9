/**
 * B3, the opt-in rollout restart, one step per reconcile pass: workloads whose pods need
 * a restart (`Rollout.plan`) are restarted the way `kubectl rollout restart` does it, a
 * pod-template annotation, at most `maxConcurrent` rolling at once. Before a restart the
 * PodDisruptionBudgets of the namespace are read and a workload whose pods one of them
 * protects with no disruption allowed now waits. While a restarted workload rolls, its
 * status and its new pods are read (every pass): a crash loop or a container that cannot
 * start, a Deployment past its progress deadline or paused after the restart, a status
 * that has not moved for `stallSeconds`, new pods that are still not instrumented
 * once it has rolled out, or a call the RBAC refuses stop the whole rollout for this
 * instrumentation (nothing else is restarted until the instrumentation changes), with the
 * reason in the `RolloutRestart` condition and a Warning Event.
 *
 * What is rolling is kept in memory for the leadership term (`RolloutMemory`); a new
 * leader reads every candidate (over several passes when there are many) and takes over
 * the restarts already made, whose pod templates record the hash, before it restarts any:
 * no workload is restarted twice for one instrumentation and the limit holds across
 * leaders; a halt it reads back from the CR's condition. API calls per pass are bounded: at
 * most `replicaSetReads` ReplicaSets (each once a term), each rolling workload and its pods,
 * at most `maxConcurrent + candidateReads` candidates, and the budgets of the namespaces
 * of those about to be restarted.
 */
import { Clock, Effect, Result } from "effect"
import { Conditions, Naming, RolloutRestart, type WhatapAgent } from "@whatap-operator/core"
import { ApiResource, KubeClient, type KubeObject } from "@whatap-operator/kube"
import { EventRecorder } from "./Events.ts"
import * as Rollout from "./Rollout.ts"
import * as Reads from "./RolloutReads.ts"
import * as Memory from "./RolloutMemory.ts"
import * as Text from "./RolloutText.ts"
import * as Workloads from "./Workloads.ts"


/** Candidates read per pass beyond the free slots (those a budget holds back, or already restarted). */
export const candidateReads = 20

/** ReplicaSets read per pass to find their Deployments (each once a term); the rest wait for the next pass. */
export const replicaSetReads = 50

/** While workloads roll, look again this soon. */
export const requeueSeconds = 5

/** A workload a budget held back is read again after this long, not on every pass. */
export const budgetRecheckSeconds = 30

/** A workload a restart would not roll (paused, OnDelete, ...) is read again after this long. */
export const skipRecheckSeconds = 300

/**
 * How long a restarted workload may go without progress (its `Rolling` message unchanged)
 * before the restart counts as failed: a Deployment's own `progressDeadlineSeconds`
 * default, applied to every kind (StatefulSets and DaemonSets have no deadline, and a
 * Deployment's can be switched off).
 */
export const stallSeconds = 600

export interface Input {
  readonly raw: KubeObject.KubeObject
  readonly agent: WhatapAgent.WhatapAgent
  readonly operatorNamespace: string
  readonly pods: ReadonlyArray<KubeObject.KubeObject>
  readonly namespaceLabels: (name: string) => Readonly<Record<string, string>> | undefined
  /** The webhook is installed and its certificate trusted: restarted pods can be injected. */
  readonly webhookReady: boolean
  /** The RolloutRestart condition the CR holds (a halt outlives the leader that made it). */
  readonly current: Conditions.Condition | undefined
}

export interface Step {
  /** The RolloutRestart condition; undefined: the restart is off, the condition goes. */
  readonly update: Conditions.Update | undefined
  /** Look again this soon (while workloads roll or wait), in seconds. */
  readonly requeueSeconds: number | undefined
}

const sameUid = (a: string | undefined, b: string | undefined): boolean => a === undefined || b === undefined || a === b

/** One pass of the rollout restart for one WhatapAgent. */
export const step = Effect.fn("Restarts.step")(function*(input: Input) {
  const memory = yield* Memory.RolloutMemory
  const uid = input.raw.metadata.uid ?? input.raw.metadata.name ?? ""
  const settings = RolloutRestart.settings(input.raw.metadata.annotations)
  const off = (update: Conditions.Update | undefined): Step => {
    memory.agents.delete(uid)
    return { update, requeueSeconds: undefined }
  }
  if (!settings.enabled) return off(undefined)
  const generation = input.raw.metadata.generation ?? 0
  const condition = (status: Conditions.Status, reason: Conditions.Reason, message: string): Conditions.Update => ({
    type: "RolloutRestart",
    status,
    reason,
    message: [message, ...settings.problems.map((p) => `annotation ${p.annotation}: ${p.message}`)].join("; "),
    observedGeneration: generation
  })
  if (input.raw.metadata.name !== Naming.agentName) {
    return off(condition("False", "Halted", `only the WhatapAgent named ${JSON.stringify(Naming.agentName)} restarts workloads: the webhook injects by its targets alone`))
  }
  const instrumentation = input.agent.spec.features.apm?.instrumentation
  if (instrumentation === undefined || !instrumentation.enabled) return off(condition("True", "Completed", "APM instrumentation is off: no workload needs a restart"))
  const hash = Rollout.hash(input.raw)
  const mine: Memory.AgentMemory = memory.agents.get(uid) ??
    Memory.fresh(hash, input.current)
  memory.agents.set(uid, mine)
  if (mine.hash !== hash) {
    // a new instrumentation: what was done, skipped or halted was for the old one; what rolls still counts against the limit
    mine.hash = hash
    mine.done.clear()
    mine.skipped.clear()
    mine.held.clear()
    mine.halted = undefined
  }
  const halted = (message: string) => condition("False", "Halted", Memory.haltMessage(hash, message))
  if (mine.halted !== undefined) return { update: halted(mine.halted), requeueSeconds: undefined } satisfies Step
  if (!input.webhookReady) {
    return { update: condition("False", "Restarting", "waiting for the webhook (configuration installed, certificate trusted) before restarting workloads"), requeueSeconds } satisfies Step
  }

  const kube = yield* KubeClient
  const events = yield* EventRecorder
  const now = yield* Clock.currentTimeMillis
  const halt = Effect.fn("Restarts.halt")(function*(message: string, failed?: string) {
    mine.halted = message
    // the failed workload holds no slot: a new instrumentation restarts it like any other
    if (failed !== undefined) mine.rolling.delete(failed)
    yield* events.record(input.raw, "Warning", "RolloutRestartHalted", `rollout restart stopped: ${message}`)
    yield* Effect.logWarning(`rollout restart stopped: ${message}`)
    return { update: halted(message), requeueSeconds: undefined } satisfies Step
  })
  const read = (owner: Rollout.Owner) => Effect.result(kube.get(Reads.resourceOf(owner), owner.name, { namespace: owner.namespace }))
  const notes: Array<string> = []
  let unread = 0

  // 1. the workloads rolling now: finished, still rolling, stalled or failing
  for (const [k, entry] of [...mine.rolling]) {
    const live = yield* read(entry.owner)
    if (Result.isFailure(live)) {
      if (live.failure.reason === "Forbidden") return yield* halt(Text.rbacHalt(`read ${Reads.resourceOf(entry.owner).plural} (${k})`))
      if (Reads.notFound(live.failure)) mine.rolling.delete(k)
      else unread++
      continue
    }
    if (!sameUid(entry.owner.uid, live.success.metadata.uid) || Rollout.restartedFor(live.success) !== entry.hash) {
      // deleted and created again, or its template changed since: no longer the restart this entry followed
      mine.rolling.delete(k)
      continue
    }
    const progress = Workloads.progress(entry.owner.kind, live.success)
    const stalled = progress._tag === "Rolling" && progress.message === entry.last && now - entry.since > stallSeconds * 1000
    const crash = progress._tag === "Failed" ? undefined : yield* Reads.crashOf(kube, entry.owner, live.success, entry.hash)
    const failure = progress._tag === "Failed"
      ? progress.message
      : crash ?? (stalled ? `it has made no progress for ${stallSeconds / 60} minutes (${entry.last})` : undefined)
    if (failure !== undefined) {
      // a restart made for an earlier instrumentation that failed: no halt for this one, the workload is a candidate again
      if (entry.hash !== hash) mine.rolling.delete(k)
      else return yield* halt(`${k}: ${failure}`, k)
    } else if (progress._tag === "Done") {
      mine.rolling.delete(k)
      if (entry.hash === hash) mine.done.set(k, { uid: live.success.metadata.uid, at: now })
    } else {
      if (progress.message !== entry.last) mine.rolling.set(k, { ...entry, last: progress.message, since: now })
      notes.push(`${k}: ${progress.message}`)
    }
  }

  // 2. the pods that need a restart, by workload (a ReplicaSet resolved to its Deployment)
  const grouped = yield* Reads.candidatesOf(kube, memory, Rollout.plan(input.agent, input.operatorNamespace, input.pods, input.namespaceLabels, hash), replicaSetReads)
  if (grouped === "forbidden") return yield* halt(Text.rbacHalt("read replicasets"))
  const { candidates } = grouped
  const unrestartable = [...grouped.unrestartable]
  unread += grouped.unread
  for (const [k, group] of candidates) {
    // a workload done for this hash but created again since is a new one
    const finished = mine.done.get(k)
    if (finished !== undefined && !sameUid(finished.uid, group.owner.uid)) {
      mine.done.delete(k)
      continue
    }
    // rolled out for this instrumentation, yet a pod made for it during the rollout was not injected: the restart did not help
    // (one created later, by a scale-up while the webhook was away, is a missed pod like any other: named, not a halt)
    const pod = group.restartedPod
    if (finished !== undefined && pod !== undefined && !(pod.created > finished.at)) {
      return yield* halt(`${k} was restarted, but its pod ${pod.name} is still not instrumented (see \`whatapctl explain --pod\` and \`whatapctl doctor\`)`)
    }
  }

  // 3. read the next candidates (taking over restarts already made), then restart while slots are free
  const waiting: Array<string> = []
  const ready: Array<{ readonly k: string; readonly group: Reads.Group; readonly live: KubeObject.KubeObject }> = []
  let reads = 0
  let nextLook: number | undefined
  const later = (until: number) => void (nextLook = Math.min(nextLook ?? until, until))
  // restarted once for this hash and rolled out, yet some pods are still not as the targets say (below a partition, or moved to another target since)
  const again: Array<string> = []
  for (const [k, group] of candidates) {
    if (mine.done.has(k)) again.push(`${k} (${Text.shown(group.pods, 3)})`)
    if (mine.rolling.has(k) || mine.done.has(k)) continue
    const skipped = mine.skipped.get(k)
    if (skipped !== undefined && skipped.until > now) {
      for (const pod of group.pods) unrestartable.push(`${pod}: ${k} is not restarted, ${skipped.why}`)
      continue
    }
    const held = mine.held.get(k)
    if (held !== undefined && held.until > now) {
      waiting.push(`${k} (${held.why})`)
      later(held.until)
      continue
    }
    // a new leader reads every candidate once before restarting any; after that, only as many as there are free slots
    if (mine.fresh && mine.checked.has(k)) {
      waiting.push(k)
      continue
    }
    const full = !mine.fresh && mine.rolling.size + ready.length >= settings.maxConcurrent
    if (full || reads >= settings.maxConcurrent + candidateReads) {
      waiting.push(k)
      continue
    }
    reads++
    if (mine.fresh) mine.checked.add(k)
    const live = yield* read(group.owner)
    if (Result.isFailure(live)) {
      if (live.failure.reason === "Forbidden") return yield* halt(Text.rbacHalt(`read ${Reads.resourceOf(group.owner).plural} (${k})`))
      if (!Reads.notFound(live.failure)) unread++
      continue
    }
    const owner = { ...group.owner, uid: live.success.metadata.uid }
    if (Rollout.restartedFor(live.success) === hash) {
      mine.rolling.set(k, { owner, hash, last: "", since: now })
      continue
    }
    const why = Rollout.notRestartable(group.owner.kind, live.success)
    if (why !== undefined) {
      mine.skipped.set(k, { until: now + skipRecheckSeconds * 1000, why })
      for (const pod of group.pods) unrestartable.push(`${pod}: ${k} is not restarted, ${why}`)
      continue
    }
    ready.push({ k, group: { ...group, owner }, live: live.success })
  }
  if (mine.fresh) {
    const unchecked = [...candidates.keys()].filter((k) => !mine.checked.has(k) && !mine.rolling.has(k) && !mine.done.has(k) && !mine.skipped.has(k) && !mine.held.has(k))
    if (unchecked.length === 0) {
      mine.fresh = false
      mine.checked.clear()
    } else {
      // not all read yet: the ready ones wait for the next pass
      for (const r of ready.splice(0)) waiting.push(r.k)
    }
  }
  const budgets = new Map<string, ReadonlyArray<KubeObject.KubeObject>>()
  const stamp = Conditions.formatTime(now)
  for (const { k, group, live } of ready) {
    if (mine.rolling.size >= settings.maxConcurrent) {
      waiting.push(k)
      continue
    }
    const namespace = group.owner.namespace
    if (!budgets.has(namespace)) {
      const listed = yield* Effect.result(kube.list(ApiResource.PodDisruptionBudget, { namespace }))
      if (Result.isFailure(listed)) {
        if (listed.failure.reason === "Forbidden") return yield* halt(Text.rbacHalt("list poddisruptionbudgets"))
        unread++
        continue
      }
      budgets.set(namespace, listed.success.items)
    }
    const blocking = Rollout.blockingBudget(budgets.get(namespace) ?? [], Rollout.templateLabels(live))
    if (blocking !== undefined) {
      const until = now + budgetRecheckSeconds * 1000
      mine.held.set(k, { until, why: blocking })
      waiting.push(`${k} (${blocking})`)
      later(until)
      continue
    }
    mine.held.delete(k)
    const patched = yield* Effect.result(kube.patch(Reads.resourceOf(group.owner), group.owner.name, { type: "strategic", body: Rollout.restartPatch(hash, stamp) }, { namespace }))
    if (Result.isFailure(patched)) {
      if (patched.failure.reason === "Forbidden") return yield* halt(Text.rbacHalt(`patch ${Reads.resourceOf(group.owner).plural} (${k})`))
      if (!Reads.notFound(patched.failure)) unread++
      continue
    }
    mine.rolling.set(k, { owner: group.owner, hash, last: "", since: now })
    yield* events.record(input.raw, "Normal", "RolloutRestart", Text.restarted(k, group))
    yield* Effect.logInfo(`rollout restart: restarted ${k}`)
  }
  if (unread > 0) notes.push(Text.unread(unread))
  const text = Text.summary({ maxConcurrent: settings.maxConcurrent, done: mine.done.size, rolling: [...mine.rolling.keys()], waiting, notes, unrestartable, again })
  if (text.restarting) {
    // only budgets to wait for: look again when the first may have changed, not every few seconds
    const first: number | undefined = nextLook
    const soon = mine.rolling.size > 0 || unread > 0 || waiting.length > mine.held.size
    return {
      update: condition("False", "Restarting", text.message),
      requeueSeconds: first === undefined || soon ? requeueSeconds : Math.max(1, Math.ceil((first - now) / 1000))
    } satisfies Step
  }
  return { update: condition("True", "Completed", text.message), requeueSeconds: undefined } satisfies Step
})


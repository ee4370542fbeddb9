/**
 * B3, the opt-in rollout restart, one step per reconcile pass: workloads whose pods need
 * a restart (`Rollout.plan`) are restarted the way `kubectl rollout restart` does it, a
 * pod-template annotation, at most `maxConcurrent` rolling at once. Before a restart the
 * PodDisruptionBudgets of the namespace are read and a workload whose pods one of them
 * protects with no disruption allowed now waits. While a restarted workload rolls, its
 * status and its new pods are read (every pass): a crash loop or a container that cannot
 * start, a Deployment past its progress deadline or paused after the restart, a status
 * that has not moved for `Rollout.stallSeconds`, new pods that are still not instrumented
 * once it has rolled out, or a call the RBAC refuses stop the whole rollout for this
 * instrumentation (nothing else is restarted until the instrumentation changes), with the
 * reason in the `RolloutRestart` condition and a Warning Event.
 *
 * What is rolling is kept in memory for the leadership term (`RolloutMemory`); a new
 * leader finds it again from the workloads, whose pod templates record the hash they
 * were restarted for: it reads every candidate (over several passes when there are many)
 * and takes over the restarts already made before it restarts any, so no workload is
 * restarted twice for the same instrumentation and the limit holds across leaders; a halt
 * it reads back from the condition the CR holds. The API calls are bounded per pass: at most `replicaSetReads`
 * ReplicaSets read (once each, to find its Deployment), a read of each rolling workload and
 * of at most `maxConcurrent + candidateReads` candidates, the budgets of the namespaces
 * of those about to be restarted, and the pods of each rolling workload.
 */
import { Clock, Context, Effect, Layer, Result } from "effect"
import { Conditions, Naming, RolloutRestart, Selector, type WhatapAgent } from "@whatap-operator/core"
import { ApiResource, KubeClient, type KubeError, type KubeObject } from "@whatap-operator/kube"
import { EventRecorder } from "./Events.ts"
import * as Rollout from "./Rollout.ts"

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

interface Rolling {
  readonly owner: Rollout.Owner
  /** The instrumentation hash it was restarted for. */
  readonly hash: string
  /** Its last `Rolling` message, and since when (a stall is a failure after `Rollout.stallSeconds`). */
  readonly last: string
  readonly since: number
}

interface Later {
  readonly until: number
  readonly why: string
}

interface AgentMemory {
  hash: string
  /** Until every candidate has been read once this term (for restarts an earlier leader made), nothing is restarted. */
  fresh: boolean
  /** The candidates read while `fresh`. */
  readonly checked: Set<string>
  /** Rolling workloads, by `Rollout.key`. */
  readonly rolling: Map<string, Rolling>
  /** Restarted and rolled out for `hash`: the workload's uid, and when its rollout was seen done. */
  readonly done: Map<string, { readonly uid: string | undefined; readonly at: number }>
  /** Workloads a template change would not roll, and why; read again later. */
  readonly skipped: Map<string, Later>
  /** Workloads a budget held back, and the budget; read again later. */
  readonly held: Map<string, Later>
  halted: string | undefined
}

export interface Memory {
  readonly agents: Map<string, AgentMemory>
  /** A ReplicaSet's uid to its Deployment, or null when none controls it (or it is gone). */
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
  /** The RolloutRestart condition the CR holds (a halt outlives the leader that made it). */
  readonly current: Conditions.Condition | undefined
}

export interface Step {
  /** The RolloutRestart condition; undefined: the restart is off, the condition goes. */
  readonly update: Conditions.Update | undefined
  /** Look again this soon (while workloads roll or wait), in seconds. */
  readonly requeueSeconds: number | undefined
}

const notFound = (e: KubeError) => e.reason === "NotFound"

const shown = (items: ReadonlyArray<string>, max = 5): string =>
  items.length <= max ? items.join(", ") : `${items.slice(0, max).join(", ")} and ${items.length - max} more`

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`

const haltPrefix = (hash: string) => `stopped (instrumentation ${hash}): `
const haltSuffix = "; nothing more is restarted until the instrumentation changes"

/** The reason a stored Halted condition gives for this hash (a new leader keeps the halt). */
const storedHalt = (current: Conditions.Condition | undefined, hash: string): string | undefined => {
  if (current?.reason !== "Halted") return undefined
  const message = current.message ?? ""
  const prefix = haltPrefix(hash)
  const end = message.indexOf(haltSuffix)
  return message.startsWith(prefix) && end > prefix.length ? message.slice(prefix.length, end) : undefined
}

/** A denied call: the chart value that grants the restart's ClusterRole is missing. */
const rbacHalt = (what: string) =>
  `the operator may not ${what}: install it with the chart value rolloutRestart.enabled=true, which grants that`

const sameUid = (a: string | undefined, b: string | undefined): boolean => a === undefined || b === undefined || a === b

interface Group {
  readonly owner: Rollout.Owner
  readonly pods: Array<string>
  missed: number
  restartedPod: Rollout.RestartedPod | undefined
}

/** One pass of the rollout restart for one WhatapAgent. */
export const step = Effect.fn("Restarts.step")(function*(input: Input) {
  const memory = yield* RolloutMemory
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
  const mine: AgentMemory = memory.agents.get(uid) ??
    { hash, fresh: true, checked: new Set(), rolling: new Map(), done: new Map(), skipped: new Map(), held: new Map(), halted: storedHalt(input.current, hash) }
  memory.agents.set(uid, mine)
  if (mine.hash !== hash) {
    // a new instrumentation: what was done, skipped or halted was for the old one; what rolls still counts against the limit
    mine.hash = hash
    mine.done.clear()
    mine.skipped.clear()
    mine.held.clear()
    mine.halted = undefined
  }
  const halted = (message: string) => condition("False", "Halted", `${haltPrefix(hash)}${message}${haltSuffix}`)
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
  const attempt = <A>(effect: Effect.Effect<A, KubeError>) =>
    effect.pipe(Effect.map(Result.succeed), Effect.catchTag("KubeError", (e) => Effect.succeed(Result.fail(e))))
  const read = (owner: Rollout.Owner) => attempt(kube.get(resourceOf(owner), owner.name, { namespace: owner.namespace }))
  const notes: Array<string> = []
  let unread = 0

  // 1. the workloads rolling now: finished, still rolling, stalled or failing
  for (const [k, entry] of [...mine.rolling]) {
    const live = yield* read(entry.owner)
    if (Result.isFailure(live)) {
      if (live.failure.reason === "Forbidden") return yield* halt(rbacHalt(`read ${resourceOf(entry.owner).plural} (${k})`))
      if (notFound(live.failure)) mine.rolling.delete(k)
      else unread++
      continue
    }
    if (!sameUid(entry.owner.uid, live.success.metadata.uid) || Rollout.restartedFor(live.success) !== entry.hash) {
      // deleted and created again, or its template changed since: no longer the restart this entry followed
      mine.rolling.delete(k)
      continue
    }
    const progress = Rollout.progress(entry.owner.kind, live.success)
    const stalled = progress._tag === "Rolling" && progress.message === entry.last && now - entry.since > Rollout.stallSeconds * 1000
    const crash = progress._tag === "Failed" ? undefined : yield* crashOf(kube, entry.owner, live.success, entry.hash)
    const failure = progress._tag === "Failed"
      ? progress.message
      : crash ?? (stalled ? `it has made no progress for ${Rollout.stallSeconds / 60} minutes (${entry.last})` : undefined)
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
  const plan = Rollout.plan(input.agent, input.operatorNamespace, input.pods, input.namespaceLabels, hash)
  const unrestartable = [...plan.unrestartable]
  const seen = new Set<string>()
  let resolutions = 0
  const candidates = new Map<string, Group>()
  for (const candidate of plan.candidates) {
    let owner: Rollout.Owner | undefined = candidate.owner
    if (candidate.owner.kind === "ReplicaSet") {
      if (candidate.owner.uid !== undefined) seen.add(candidate.owner.uid)
      const known = candidate.owner.uid === undefined ? undefined : memory.replicaSets.get(candidate.owner.uid)
      if (known === undefined && resolutions >= replicaSetReads) {
        unread++
        continue
      }
      if (known === undefined) resolutions++
      const resolved = known !== undefined ? known ?? undefined : yield* deploymentOf(kube, memory, candidate.owner)
      if (resolved === "forbidden") return yield* halt(rbacHalt("read replicasets"))
      if (resolved === "unread") {
        unread++
        continue
      }
      owner = resolved
    }
    if (owner === undefined) {
      for (const pod of candidate.pods) unrestartable.push(`${pod}: owned by ReplicaSet ${candidate.owner.name}, which no Deployment controls`)
      continue
    }
    const k = Rollout.key(owner)
    const group = candidates.get(k) ?? { owner, pods: [], missed: 0, restartedPod: undefined }
    group.pods.push(...candidate.pods)
    group.missed += candidate.missed
    if (candidate.restartedPod !== undefined && !(group.restartedPod !== undefined && group.restartedPod.created <= candidate.restartedPod.created)) group.restartedPod = candidate.restartedPod
    candidates.set(k, group)
  }
  // a term's memory of ReplicaSets holds those its candidates still name
  for (const rs of memory.replicaSets.keys()) if (!seen.has(rs)) memory.replicaSets.delete(rs)
  for (const [k, group] of candidates) {
    // a workload done for this hash but created again since is a new one
    const finished = mine.done.get(k)
    if (finished !== undefined && !sameUid(finished.uid, group.owner.uid)) mine.done.delete(k)
    // rolled out for this instrumentation, yet a pod made for it during the rollout was not injected: the restart did not help
    // (one created later, by a scale-up while the webhook was away, is a missed pod like any other: named, not a halt)
    const during = group.restartedPod !== undefined && finished !== undefined && mine.done.has(k) &&
      !(group.restartedPod.created > finished.at)
    if (during) {
      return yield* halt(`${k} was restarted, but its pod ${group.restartedPod?.name ?? ""} is still not instrumented (see \`whatapctl explain --pod\` and \`whatapctl doctor\`)`)
    }
  }

  // 3. read the next candidates (taking over restarts already made), then restart while slots are free
  const waiting: Array<string> = []
  const ready: Array<{ readonly k: string; readonly group: Group; readonly live: KubeObject.KubeObject }> = []
  let reads = 0
  let nextLook: number | undefined
  const later = (until: number) => void (nextLook = Math.min(nextLook ?? until, until))
  // restarted once for this hash and rolled out, yet some pods are still not as the targets say (below a partition, or moved to another target since)
  const again: Array<string> = []
  for (const [k, group] of candidates) {
    if (mine.done.has(k)) again.push(`${k} (${shown(group.pods, 3)})`)
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
      if (live.failure.reason === "Forbidden") return yield* halt(rbacHalt(`read ${resourceOf(group.owner).plural} (${k})`))
      if (!notFound(live.failure)) unread++
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
    const unread = [...candidates.keys()].filter((k) => !mine.checked.has(k) && !mine.rolling.has(k) && !mine.done.has(k) && !mine.skipped.has(k) && !mine.held.has(k))
    if (unread.length === 0) {
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
      const listed = yield* attempt(kube.list(ApiResource.PodDisruptionBudget, { namespace }))
      if (Result.isFailure(listed)) {
        if (listed.failure.reason === "Forbidden") return yield* halt(rbacHalt("list poddisruptionbudgets"))
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
    const patched = yield* attempt(kube.patch(resourceOf(group.owner), group.owner.name, { type: "strategic", body: Rollout.restartPatch(hash, stamp) }, { namespace }))
    if (Result.isFailure(patched)) {
      if (patched.failure.reason === "Forbidden") return yield* halt(rbacHalt(`patch ${resourceOf(group.owner).plural} (${k})`))
      if (!notFound(patched.failure)) unread++
      continue
    }
    mine.rolling.set(k, { owner: group.owner, hash, last: "", since: now })
    const stale = group.pods.length - group.missed
    const what = [
      ...(group.missed > 0 ? [`${plural(group.missed, "pod was", "pods were")} not instrumented`] : []),
      ...(stale > 0 ? [`${plural(stale, "pod carries", "pods carry")} another language or agent version than the targets give`] : [])
    ].join(", ")
    yield* events.record(input.raw, "Normal", "RolloutRestart", `restarted ${k}: ${what} (${shown(group.pods)})`)
    yield* Effect.logInfo(`rollout restart: restarted ${k}`)
  }
  if (unread > 0) notes.push(`${plural(unread, "workload", "workloads")} could not be read or restarted yet (tried again)`)

  const tail = [
    ...(notes.length > 0 ? [`; ${shown(notes)}`] : []),
    ...(unrestartable.length > 0 ? [`; not restarted: ${shown(unrestartable.sort())}`] : [])
  ].join("")
  const done = plural(mine.done.size, "workload", "workloads")
  if (mine.rolling.size > 0 || waiting.length > 0 || unread > 0) {
    const rolling = mine.rolling.size > 0 ? `; rolling: ${shown([...mine.rolling.keys()].sort())}` : ""
    const queued = waiting.length > 0 ? `; waiting: ${shown(waiting)}` : ""
    // only budgets to wait for: look again when the first may have changed, not every few seconds
    const first: number | undefined = nextLook
    const soon = mine.rolling.size > 0 || unread > 0 || waiting.length > mine.held.size || first === undefined
    return {
      update: condition("False", "Restarting", `restarting workloads whose pods need instrumenting, at most ${settings.maxConcurrent} at once: ${done} restarted and rolled out${rolling}${queued}${tail}`),
      requeueSeconds: soon || first === undefined ? requeueSeconds : Math.max(1, Math.ceil((first - now) / 1000))
    } satisfies Step
  }
  return {
    update: condition("True", "Completed", `${done} restarted and rolled out for this instrumentation; ${again.length === 0 ? "no pod waits for a restart" : `restarted once for it already, not again: ${shown(again)}`}${tail}`),
    requeueSeconds: undefined
  } satisfies Step
})

type Resolved = Rollout.Owner | undefined | "unread" | "forbidden"

/** The Deployment of a ReplicaSet (remembered by uid): undefined when none controls it, "unread" on an API error. */
const deploymentOf = (kube: KubeClient["Service"], memory: Memory, replicaSet: Rollout.Owner): Effect.Effect<Resolved> =>
  Effect.gen(function*() {
    const live = yield* kube.get(ApiResource.ReplicaSet, replicaSet.name, { namespace: replicaSet.namespace }).pipe(
      Effect.map(Result.succeed),
      Effect.catchTag("KubeError", (e) => Effect.succeed(Result.fail(e)))
    )
    if (Result.isFailure(live)) {
      if (live.failure.reason === "Forbidden") return "forbidden" as const
      if (!notFound(live.failure)) return "unread" as const
      // gone: its pods go with it; not read again
      if (replicaSet.uid !== undefined) memory.replicaSets.set(replicaSet.uid, null)
      return undefined
    }
    const owner = Rollout.deploymentOf(live.success)
    // a ReplicaSet's controller does not change; a replaced one has a new uid
    memory.replicaSets.set(replicaSet.uid ?? live.success.metadata.uid ?? "", owner ?? null)
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

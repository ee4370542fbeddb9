/**
 * Check 5: an operator leads and has reconciled the WhatapAgent. The leader holds the
 * Lease `19e8a60c.whatap.com` in the operator's namespace and renews it; a renewTime
 * older than the lease duration on this machine's clock is read again for up to one
 * lease duration, and only a Lease that did not move in that time is reported as
 * abandoned (so clock skew between this machine and the cluster never fails the check).
 * The WhatapAgent's `Ready` condition must be True for its current generation (D7); a
 * halted opt-in rollout restart (B3) is a warning.
 */
import { Naming } from "@whatap-operator/core"
import { ApiResource, KubeClient, type KubeError, type KubeObject } from "@whatap-operator/kube"
import { Clock, Duration, Effect } from "effect"
import * as Check from "./Check.ts"

const title = "operator leader and ready"

type Json = Readonly<Record<string, unknown>>
const isRecord = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)

export interface LeaseRecord {
  readonly holder: string
  readonly renewTime: string
  readonly durationSeconds: number
}

export const leaseRecord = (lease: KubeObject.KubeObject): LeaseRecord => {
  const spec = isRecord(lease["spec"]) ? lease["spec"] : {}
  const duration = spec["leaseDurationSeconds"]
  return {
    holder: typeof spec["holderIdentity"] === "string" ? spec["holderIdentity"] : "",
    renewTime: typeof spec["renewTime"] === "string" ? spec["renewTime"] : "",
    durationSeconds: typeof duration === "number" && duration > 0 ? duration : 15
  }
}

/** Seconds since the record was renewed, on this machine's clock (NaN without a renewTime). */
export const age = (record: LeaseRecord, nowMillis: number): number => (nowMillis - Date.parse(record.renewTime)) / 1000

const fixOperator = (namespace: string) =>
  `check the operator's pods and log: kubectl -n ${namespace} get pods -l ${Naming.labels.appName}=${Naming.operatorAppName}; kubectl -n ${namespace} logs -l ${Naming.labels.appName}=${Naming.operatorAppName}`

const readLease = (namespace: string) =>
  Effect.map(KubeClient.use((kube) => kube.get(ApiResource.Lease, Naming.leaderElectionLease, { namespace })), leaseRecord)

/** Whether the Lease moves within one lease duration (read every second). */
const renewedSince = (namespace: string, first: LeaseRecord): Effect.Effect<boolean, KubeError, KubeClient> =>
  Effect.gen(function*() {
    for (let i = 0; i < Math.min(first.durationSeconds, 30); i++) {
      yield* Effect.sleep(Duration.seconds(1))
      const next = yield* readLease(namespace)
      if (next.renewTime !== first.renewTime || next.holder !== first.holder) return next.holder !== ""
    }
    return false
  })

const leader = (namespace: string): Effect.Effect<Check.Outcome | string, never, KubeClient> =>
  Effect.gen(function*() {
    const where = `Lease ${namespace}/${Naming.leaderElectionLease}`
    const got = yield* Effect.result(readLease(namespace))
    if (got._tag === "Failure") {
      if (got.failure.reason !== "NotFound") return Check.callFailed(title, `read ${where}`, got.failure)
      return Check.fail(title, `no ${where}: no operator has led (none running, or all run with --leader-elect=false)`, fixOperator(namespace))
    }
    const record = got.success
    if (record.holder === "") return Check.fail(title, `${where} is released: no operator leads now`, fixOperator(namespace))
    const seconds = age(record, yield* Clock.currentTimeMillis)
    if (seconds <= record.durationSeconds) return `leader ${record.holder} (renewed ${Math.max(0, Math.round(seconds))}s ago)`
    const moving = yield* renewedSince(namespace, record).pipe(Effect.orElseSucceed(() => false))
    if (moving) return `leader ${record.holder} (renewing; this machine's clock is off by ${Math.round(seconds)}s)`
    return Check.fail(title, `${where} of ${record.holder} was last renewed ${Math.round(seconds)}s ago (lease ${record.durationSeconds}s): the leader is gone`, fixOperator(namespace))
  })

const conditionOf = (agent: KubeObject.KubeObject, type: string): Json | undefined => {
  const status = isRecord(agent["status"]) ? agent["status"] : {}
  const list = Array.isArray(status["conditions"]) ? status["conditions"].filter(isRecord) : []
  return list.find((c) => c["type"] === type)
}

/** Undefined when Ready is True for the current generation; else why not. */
export const notReady = (agent: KubeObject.KubeObject): string | undefined => {
  const ready = conditionOf(agent, "Ready")
  const generation = agent.metadata.generation
  if (ready === undefined) return "WhatapAgent has no Ready condition: the operator has not reconciled it"
  const observed = ready["observedGeneration"]
  if (typeof generation === "number" && typeof observed === "number" && observed < generation) {
    return `WhatapAgent generation ${generation} is not reconciled yet (Ready is about generation ${observed})`
  }
  if (ready["status"] !== "True") return `WhatapAgent is not Ready: ${String(ready["reason"] ?? "")}: ${String(ready["message"] ?? "")}`
  return undefined
}

/** The message of a `RolloutRestart` condition that says the opt-in rollout restart stopped (B3); it does not move Ready. */
export const rolloutHalted = (agent: KubeObject.KubeObject): string | undefined => {
  const restart = conditionOf(agent, "RolloutRestart")
  return restart?.["reason"] === "Halted" ? String(restart["message"] ?? "") : undefined
}

export const step: Check.Step = {
  title,
  skipIf: Check.needsApi,
  run: (facts) =>
    Effect.gen(function*() {
      const lead = yield* leader(facts.namespace)
      if (typeof lead !== "string") return lead
      const agent = facts.agentObject
      if (agent === undefined) return Check.ok(title, `${lead}; no WhatapAgent to be ready`)
      const why = notReady(agent)
      const halted = rolloutHalted(agent)
      if (why === undefined && halted !== undefined) {
        return Check.warn(title, `${lead}; WhatapAgent ${Naming.agentName} Ready, but its rollout restart stopped`, [halted],
          `fix what the message names, then change the instrumentation, or remove the annotation ${Naming.rolloutRestart.annotation}, wait until the RolloutRestart condition is gone and add it again`)
      }
      if (why === undefined) return Check.ok(title, `${lead}; WhatapAgent ${Naming.agentName} Ready (generation ${agent.metadata.generation ?? 0})`)
      return Check.fail(title, `${lead}, but ${why}`, `the condition names the component; kubectl get whatapagent ${Naming.agentName} -o wide shows them all; ${fixOperator(facts.namespace)}`)
    })
}

/**
 * Status conditions of a WhatapAgent (PRODUCT.md D7): one condition per component plus
 * the aggregate `Ready`, reasons from a closed set, and pure helpers that keep
 * `lastTransitionTime` still unless the `status` really changes. The Go operator flipped
 * one `Available` condition on every pass, so its transition time meant "last
 * reconcile"; here a no-op pass produces a list `equal` to the live one and the
 * controller writes nothing. `Available` keeps the Go operator's meaning and reasons
 * (below), without the flip, for `kubectl wait --for=condition=Available`.
 *
 * Reasons and the status they go with:
 *
 * | reason               | status  | meaning                                                            |
 * |----------------------|---------|--------------------------------------------------------------------|
 * | `Reconciling`        | Unknown | a pass started and has no verdict yet                              |
 * | `Available`          | True    | every object applied and the workload's pods are ready             |
 * | `Progressing`        | False   | every object applied, the rollout has not finished                 |
 * | `Unavailable`        | False   | the rollout finished but pods are not ready (crash loop, pending)  |
 * | `Disabled`           | False   | the component is off in the spec; its objects were removed         |
 * | `InvalidSpec`        | False   | the CR has validation errors; nothing was applied                  |
 * | `ApplyFailed`        | False   | the API server refused a write                                     |
 * | `PruneFailed`        | False   | an object of a disabled component could not be deleted             |
 * | `Deleting`           | False   | the CR is being deleted                                            |
 * | `ComponentsNotReady` | False   | `Ready` only: a component condition is False                       |
 * | `PodsMissed`         | False   | `InstrumentationReady`: pods match a target but were not injected  |
 * | `CertificateValid`   | True    | `WebhookCertificateValid`: served cert, Secret and caBundle agree  |
 * | `CertificateInvalid` | False   | `WebhookCertificateValid`: missing, expired or caBundle mismatch   |
 * | `Restarting`         | False   | `RolloutRestart` (B3): workloads are being restarted               |
 * | `Completed`          | True    | `RolloutRestart`: every workload that needed a restart had one     |
 * | `Halted`             | False   | `RolloutRestart`: stopped on a crash loop or a failed restart      |
 * | `Installed`          | True    | `Available` (the Go operator's): every object of the pass applied  |
 * | `InstallFailed`      | False   | `Available`: the API server refused a write                        |
 *
 * A `Disabled` component does not hold `Ready` back (see `ready`); `RolloutRestart` (only
 * while the opt-in restart is on) and `Available` are no components: they never do.
 */
import { Clock, Effect, Schema } from "effect"
import type { Condition } from "./KubeTypes.ts"

export type { Condition }

/** The fixed order of the list the controller writes; unknown types follow, by name. */
export const types = [
  "Ready",
  "MasterAgentReady",
  "NodeAgentReady",
  "OpenAgentReady",
  "GpuMonitoringReady",
  "InstrumentationReady",
  "WebhookCertificateValid",
  "RolloutRestart",
  "Available"
] as const

export const ConditionType = Schema.Literals(types)
export type ConditionType = typeof ConditionType.Type

type NotComponent = "Ready" | "RolloutRestart" | "Available"

/** Every type but the aggregates (`Ready`, the Go operator's `Available`) and the opt-in rollout restart's (which reports on other workloads). */
export const componentTypes: ReadonlyArray<Exclude<ConditionType, NotComponent>> = types.filter(
  (t): t is Exclude<ConditionType, NotComponent> => t !== "Ready" && t !== "RolloutRestart" && t !== "Available"
)

export const reasons = [
  "Reconciling", "Available", "Progressing", "Unavailable", "Disabled", "InvalidSpec", "ApplyFailed", "PruneFailed",
  "Deleting", "ComponentsNotReady", "PodsMissed", "CertificateValid", "CertificateInvalid",
  "Restarting", "Completed", "Halted", "Installed", "InstallFailed"
] as const

export const Reason = Schema.Literals(reasons)
export type Reason = typeof Reason.Type

export type Status = Condition["status"]

/** What the controller decides; the time is added by `set`/`merge`. */
export interface Update {
  readonly type: ConditionType
  readonly status: Status
  readonly reason: Reason
  readonly message: string
  readonly observedGeneration?: number
}

/** metav1.Condition's limit: a longer message makes the status write fail validation. */
export const maxMessageLength = 32768

const bound = (message: string): string =>
  message.length <= maxMessageLength ? message : `${message.slice(0, maxMessageLength - 3)}...`

/**
 * RFC 3339 at seconds precision, as Kubernetes writes `metav1.Time`: `2026-11-30T15:00:00Z`.
 *
 * @example
 * ```ts
 * import { Conditions } from "@whatap-operator/core"
 *
 * Conditions.formatTime(Date.UTC(2026, 10, 30, 15, 0, 0, 123)) // => "2026-11-30T15:00:00Z"
 * ```
 */
export const formatTime = (epochMillis: number): string =>
  new Date(Math.floor(epochMillis / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z")

const rank = (type: string): number => {
  const index = (types as ReadonlyArray<string>).indexOf(type)
  return index === -1 ? types.length : index
}

const compareTypes = (a: string, b: string): number =>
  rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0)

/**
 * A sorted copy: the fixed type order, then unknown types by name.
 *
 * @example
 * ```ts
 * import { Conditions } from "@whatap-operator/core"
 *
 * const condition = (type: string) => ({ type, status: "True", reason: "", message: "", lastTransitionTime: "" }) as const
 * Conditions.sort([condition("NodeAgentReady"), condition("Ready")]).map((c) => c.type) // => ["Ready", "NodeAgentReady"]
 * ```
 */
export const sort = (conditions: ReadonlyArray<Condition>): ReadonlyArray<Condition> =>
  [...conditions].sort((a, b) => compareTypes(a.type, b.type))

/**
 * The condition of `type`, if the list has one.
 *
 * @example
 * ```ts
 * import { Conditions } from "@whatap-operator/core"
 *
 * const conditions = Conditions.set([], { type: "Ready", status: "True", reason: "Available", message: "ok" }, "2026-11-30T15:00:00Z")
 * Conditions.find(conditions, "Ready")?.status // => "True"
 * Conditions.find(conditions, "NodeAgentReady") // => undefined
 * ```
 */
export const find = (conditions: ReadonlyArray<Condition>, type: string): Condition | undefined =>
  conditions.find((c) => c.type === type)

/**
 * Without the condition of `type` (a type the operator no longer writes, such as the opt-in restart's once it is off).
 *
 * @example
 * ```ts
 * import { Conditions } from "@whatap-operator/core"
 *
 * const conditions = Conditions.set([], { type: "Ready", status: "True", reason: "Available", message: "ok" }, "2026-11-30T15:00:00Z")
 * Conditions.remove(conditions, "Ready") // => []
 * ```
 */
export const remove = (conditions: ReadonlyArray<Condition>, type: string): ReadonlyArray<Condition> =>
  sort(conditions.filter((c) => c.type !== type))

const build = (update: Update, lastTransitionTime: string): Condition => ({
  type: update.type,
  status: update.status,
  reason: update.reason,
  message: bound(update.message),
  lastTransitionTime,
  ...(update.observedGeneration === undefined ? {} : { observedGeneration: update.observedGeneration })
})

/**
 * The list with `update` applied, sorted. The transition time is `now` for a new
 * condition or a new status, and the previous one otherwise: a new reason, message or
 * observedGeneration alone is not a transition.
 *
 * @example
 * ```ts
 * import { Conditions } from "@whatap-operator/core"
 *
 * const ready = { type: "Ready", status: "True", reason: "Available", message: "ok" } as const
 * const first = Conditions.set([], ready, "2026-11-30T15:00:00Z")
 * const later = Conditions.set(first, { ...ready, message: "still ok" }, "2026-11-30T16:00:00Z")
 * later[0]?.lastTransitionTime // => "2026-11-30T15:00:00Z"
 * const flipped = Conditions.set(later, { ...ready, status: "False", reason: "ComponentsNotReady" }, "2026-11-30T17:00:00Z")
 * flipped[0]?.lastTransitionTime // => "2026-11-30T17:00:00Z"
 * ```
 */
export const set = (conditions: ReadonlyArray<Condition>, update: Update, now: string): ReadonlyArray<Condition> => {
  const previous = find(conditions, update.type)
  const time = previous !== undefined && previous.status === update.status ? previous.lastTransitionTime : now
  return sort([...conditions.filter((c) => c.type !== update.type), build(update, time)])
}

/**
 * Every update applied in turn (a later update of the same type wins).
 *
 * @example
 * ```ts
 * import { Conditions } from "@whatap-operator/core"
 *
 * const node = { type: "NodeAgentReady", status: "True", reason: "Available", message: "ok" } as const
 * const conditions = Conditions.merge([], [node, { ...node, type: "MasterAgentReady", status: "False" }], "2026-11-30T15:00:00Z")
 * conditions.map((c) => `${c.type}=${c.status}`) // => ["MasterAgentReady=False", "NodeAgentReady=True"]
 * ```
 */
export const merge = (
  conditions: ReadonlyArray<Condition>,
  updates: ReadonlyArray<Update>,
  now: string
): ReadonlyArray<Condition> => sort(updates.reduce((acc, update) => set(acc, update, now), conditions))

const sameCondition = (a: Condition, b: Condition): boolean =>
  a.type === b.type &&
  a.status === b.status &&
  a.reason === b.reason &&
  a.message === b.message &&
  a.lastTransitionTime === b.lastTransitionTime &&
  a.observedGeneration === b.observedGeneration

/**
 * Same conditions in the same order, every field compared (the time included): equal lists need no write.
 *
 * @example
 * ```ts
 * import { Conditions } from "@whatap-operator/core"
 *
 * const ready = { type: "Ready", status: "True", reason: "Available", message: "ok" } as const
 * const first = Conditions.set([], ready, "2026-11-30T15:00:00Z")
 * Conditions.equal(first, Conditions.set(first, ready, "2026-11-30T16:00:00Z")) // => true
 * Conditions.equal(first, Conditions.set(first, { ...ready, message: "changed" }, "2026-11-30T16:00:00Z")) // => false
 * ```
 */
export const equal = (a: ReadonlyArray<Condition>, b: ReadonlyArray<Condition>): boolean =>
  a.length === b.length && a.every((condition, i) => {
    const other = b[i]
    return other !== undefined && sameCondition(condition, other)
  })

/**
 * `set` with the time taken from the `Clock` service (TestClock in tests).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Conditions } from "@whatap-operator/core"
 *
 * const ready = { type: "Ready", status: "True", reason: "Available", message: "ok" } as const
 * const conditions = Effect.runSync(Conditions.setNow([], ready))
 * conditions.length // => 1
 * ```
 */
export const setNow = Effect.fn("Conditions.setNow")(function*(conditions: ReadonlyArray<Condition>, update: Update) {
  const millis = yield* Clock.currentTimeMillis
  return set(conditions, update, formatTime(millis))
})

/**
 * `merge` with the time taken from the `Clock` service.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Conditions } from "@whatap-operator/core"
 *
 * const ready = { type: "Ready", status: "True", reason: "Available", message: "ok" } as const
 * const conditions = Effect.runSync(Conditions.mergeNow([], [ready, { ...ready, type: "NodeAgentReady" }]))
 * conditions.map((c) => c.type) // => ["Ready", "NodeAgentReady"]
 * ```
 */
export const mergeNow = Effect.fn("Conditions.mergeNow")(
  function*(conditions: ReadonlyArray<Condition>, updates: ReadonlyArray<Update>) {
    const millis = yield* Clock.currentTimeMillis
    return merge(conditions, updates, formatTime(millis))
  }
)

const describe = (c: Condition): string => `${c.type} (${c.reason})`

/**
 * The aggregate `Ready` of the component conditions present: False when one is False
 * (a `Disabled` one excepted), Unknown while one is Unknown or none is present, True
 * otherwise.
 *
 * @example
 * ```ts
 * import { Conditions } from "@whatap-operator/core"
 *
 * const node = { type: "NodeAgentReady", status: "False", reason: "Progressing", message: "" } as const
 * const conditions = Conditions.merge([], [node, { ...node, type: "OpenAgentReady", reason: "Disabled" }], "2026-11-30T15:00:00Z")
 * Conditions.ready(conditions).reason // => "ComponentsNotReady"
 * Conditions.ready(conditions).message // => "not ready: NodeAgentReady (Progressing)"
 * ```
 */
export const ready = (conditions: ReadonlyArray<Condition>, observedGeneration?: number): Update => {
  const components = sort(conditions.filter((c) => (componentTypes as ReadonlyArray<string>).includes(c.type)))
  const generation = observedGeneration === undefined ? {} : { observedGeneration }
  const failing = components.filter((c) => c.status === "False" && c.reason !== "Disabled")
  if (failing.length > 0) {
    const message = `not ready: ${failing.map(describe).join(", ")}`
    return { type: "Ready", status: "False", reason: "ComponentsNotReady", message, ...generation }
  }
  const pending = components.filter((c) => c.status === "Unknown")
  if (components.length === 0 || pending.length > 0) {
    const message = pending.length > 0 ? `waiting for ${pending.map(describe).join(", ")}` : "no component reported yet"
    return { type: "Ready", status: "Unknown", reason: "Reconciling", message, ...generation }
  }
  return { type: "Ready", status: "True", reason: "Available", message: "all enabled components are ready", ...generation }
}

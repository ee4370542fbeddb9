/**
 * What the rollout restart (B3, `Restarts.ts`) keeps between passes, for one leadership
 * term: per WhatapAgent what rolls, what is done, skipped or held back, and a halt; and
 * the Deployment of each ReplicaSet read so far. A halt also lives in the CR's condition
 * (`haltMessage`), which a new leader reads back (`fresh`).
 */
import { Context, Layer } from "effect"
import type { Conditions } from "@whatap-operator/core"
import type * as Rollout from "./Rollout.ts"

export interface Rolling {
  readonly owner: Rollout.Owner
  /** The instrumentation hash it was restarted for. */
  readonly hash: string
  /** Its last `Rolling` message, and since when (a stall is a failure after `Restarts.stallSeconds`). */
  readonly last: string
  readonly since: number
}

export interface Later {
  readonly until: number
  readonly why: string
}

export interface AgentMemory {
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

const haltPrefix = (hash: string) => `stopped (instrumentation ${hash}): `
const haltSuffix = "; nothing more is restarted until the instrumentation changes"

/** The Halted condition's message for a halt of this hash. */
export const haltMessage = (hash: string, message: string): string => `${haltPrefix(hash)}${message}${haltSuffix}`

/** The reason a stored Halted condition gives for this hash (a new leader keeps the halt). */
const storedHalt = (current: Conditions.Condition | undefined, hash: string): string | undefined => {
  if (current?.reason !== "Halted") return undefined
  const message = current.message ?? ""
  const prefix = haltPrefix(hash)
  const end = message.indexOf(haltSuffix)
  return message.startsWith(prefix) && end > prefix.length ? message.slice(prefix.length, end) : undefined
}

/** A WhatapAgent's memory at the start of a term, with the halt its condition records for this hash. */
export const fresh = (hash: string, current: Conditions.Condition | undefined): AgentMemory =>
  ({ hash, fresh: true, checked: new Set(), rolling: new Map(), done: new Map(), skipped: new Map(), held: new Map(), halted: storedHalt(current, hash) })

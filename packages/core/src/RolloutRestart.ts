/**
 * B3, the opt-in rollout restart, as a WhatapAgent's annotations ask for it
 * (`Naming.rolloutRestart`): the operator acts on `settings`, the validator warns about
 * its `problems`. Annotations, not spec fields, so the CRD stays the Go operator's.
 */
import { rolloutRestart as names } from "./Naming.ts"

export interface Problem {
  readonly annotation: string
  readonly message: string
}

export interface Settings {
  readonly enabled: boolean
  /** Workloads rolling at once: the annotation's value, or 1. */
  readonly maxConcurrent: number
  /** Values the operator does not read as written. */
  readonly problems: ReadonlyArray<Problem>
}

const shown = (value: unknown): string => {
  const text = typeof value === "string" ? value : String(value)
  return JSON.stringify(text.length <= 64 ? text : `${text.slice(0, 64)}...`)
}

/**
 * What the annotations ask for: on only with `monitoring.whatap.com/rollout-restart: enabled`,
 * and `monitoring.whatap.com/rollout-restart-max-concurrent` a whole number from 1 to 50
 * (default 1).
 *
 * @example
 * ```ts
 * import { RolloutRestart } from "@whatap-operator/core"
 *
 * RolloutRestart.settings({ "monitoring.whatap.com/rollout-restart": "enabled" }).maxConcurrent // => 1
 * RolloutRestart.settings({ "monitoring.whatap.com/rollout-restart": "true" }).enabled // => false
 * RolloutRestart.settings({ "monitoring.whatap.com/rollout-restart-max-concurrent": "99" }).problems.length // => 1
 * ```
 */
export const settings = (annotations: Readonly<Record<string, unknown>> | undefined): Settings => {
  const problems: Array<Problem> = []
  const switched = annotations?.[names.annotation]
  const enabled = switched === names.enabled
  if (switched !== undefined && !enabled) {
    problems.push({ annotation: names.annotation, message: `${shown(switched)} leaves the rollout restart off: only ${JSON.stringify(names.enabled)} turns it on` })
  }
  const written = annotations?.[names.maxConcurrent]
  if (written === undefined) return { enabled, maxConcurrent: 1, problems }
  const trimmed = typeof written === "string" ? written.trim() : ""
  const n = /^[1-9][0-9]{0,2}$/.test(trimmed) ? Number(trimmed) : Number.NaN
  if (n >= 1 && n <= names.maxConcurrentLimit) return { enabled, maxConcurrent: n, problems }
  problems.push({ annotation: names.maxConcurrent, message: `${shown(written)} is not a whole number from 1 to ${names.maxConcurrentLimit}; 1 is used` })
  return { enabled, maxConcurrent: 1, problems }
}

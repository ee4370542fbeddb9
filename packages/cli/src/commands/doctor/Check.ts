/**
 * The shape of `whatapctl doctor`'s checks: each one a titled step that reads the
 * cluster and ends `ok`, `warn` (works, but look), `fail` (broken, with the fix) or
 * `skip` (an earlier failure makes it meaningless), plus what it learnt for the steps
 * after it (`Facts`). Steps never fail as Effects: a failed API call is a `fail` result
 * that says which call and why.
 */
import type { WhatapAgent } from "@whatap-operator/core"
import type { KubeClient, KubeError, KubeObject } from "@whatap-operator/kube"
import type { Effect } from "effect"
import * as Cluster from "../../Cluster.ts"

export type Status = "ok" | "warn" | "fail" | "skip"

export interface Result {
  readonly title: string
  readonly status: Status
  /** One line. */
  readonly summary: string
  /** More lines under it (each finding, each denied permission). */
  readonly details: ReadonlyArray<string>
  /** What to do about a `fail` (or a `warn`); a command where one exists. */
  readonly fix?: string | undefined
}

/** What the steps learn, in order; later steps read it. */
export interface Facts {
  readonly namespace: string
  readonly serviceAccount: string
  /** The API server answered with the kubeconfig's credentials. */
  readonly reachable: boolean
  /** The four CRDs are served; `unknown` when this user may not read CRDs (then later steps try anyway). */
  readonly crds: boolean | "unknown"
  /** The WhatapAgent `whatap` as stored, and decoded (undefined when absent or invalid). */
  readonly agentObject: KubeObject.KubeObject | undefined
  readonly agent: WhatapAgent.WhatapAgent | undefined
}

export interface Outcome {
  readonly result: Result
  readonly learnt?: Partial<Facts> | undefined
}

export interface Step {
  readonly title: string
  /** Skipped with this reason when it returns one (an earlier step failed). */
  readonly skipIf: (facts: Facts) => string | undefined
  readonly run: (facts: Facts) => Effect.Effect<Outcome, never, KubeClient>
}

export const ok = (title: string, summary: string, details: ReadonlyArray<string> = []): Outcome => ({ result: { title, status: "ok", summary, details } })

export const warn = (title: string, summary: string, details: ReadonlyArray<string> = [], fix?: string): Outcome =>
  ({ result: { title, status: "warn", summary, details, fix } })

export const fail = (title: string, summary: string, fix: string, details: ReadonlyArray<string> = []): Outcome =>
  ({ result: { title, status: "fail", summary, details, fix } })

export const skip = (title: string, why: string): Result => ({ title, status: "skip", summary: why, details: [] })

/** A call the step needed failed: `fail`, or `warn` when this user may not make it (the cluster may be fine). */
export const callFailed = (title: string, what: string, e: KubeError): Outcome =>
  e.reason === "Forbidden"
    ? warn(title, `cannot ${what} as the kubeconfig's user, so this was not checked`, [Cluster.describe(e)], "run doctor with a user that may read the operator's objects (a cluster admin)")
    : fail(title, `cannot ${what}: ${e.message}`, "see the API server check above; retry when the API server answers", [Cluster.describe(e)])

export const needsApi = (facts: Facts): string | undefined => (facts.reachable ? undefined : "the API server is not reachable")

export const needsAgent = (facts: Facts): string | undefined =>
  needsApi(facts) ?? (facts.agentObject === undefined ? "there is no WhatapAgent to check against" : undefined)

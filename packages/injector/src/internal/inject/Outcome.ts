/**
 * Whether a pod was injected and, if not, why (D8). Reasons are a literal union; the
 * ones where a target matched but injection was impossible are written onto the pod
 * (`whatap-apm-injected: "false"` + `whatap-apm-reason`), the others leave no trace, so
 * the pods of a cluster that no target is about do not change.
 */
import { Schema } from "effect"

export const reasons = [
  /** The admitted object is not a v1 Pod (spec.containers missing, wrong types). */
  "InvalidPod",
  /** No WhatapAgent named `whatap`. */
  "NoAgent",
  /** `features.apm.instrumentation` absent or `enabled: false`. */
  "InstrumentationDisabled",
  /** No targets. */
  "NoTargets",
  /** The pod already carries `whatap-apm-injected: "true"`. */
  "AlreadyInjected",
  /** No enabled target matches the pod and its namespace. */
  "NoTargetMatched",
  /** A target's podSelector matches but the namespace object is unavailable (Go skips such targets). */
  "NamespaceUnknown",
  /** A target matches, but the namespace is a system namespace or the operator's own (D6). */
  "SystemNamespace",
  /** A target matches, but a container named `whatap-agent-init` exists already. */
  "ConflictInitContainer",
  /** A target matches, but an application container already mounts `/whatap-agent`. */
  "ConflictMount",
  /** A target matches, but the pod runs on Windows (`spec.os.name: windows`): the agent's init container is a Linux image. */
  "WindowsPod",
  /** The AdmissionReview is larger than the webhook mutates (`PodAdmission.maxMutatedBytes`). */
  "PodTooLarge"
] as const

export const Reason = Schema.Literals(reasons)
export type Reason = typeof Reason.Type

/** The reasons recorded on the pod as annotations. */
export const annotated: ReadonlySet<Reason> = new Set<Reason>(["NamespaceUnknown", "SystemNamespace", "ConflictInitContainer", "ConflictMount", "WindowsPod"])

export interface TargetRef {
  readonly name: string
  /** Position in `instrumentation.targets`. */
  readonly index: number
}

export type Outcome =
  | {
    readonly injected: true
    readonly target: TargetRef
    readonly language: string
    readonly version: string
    readonly image: string
  }
  | {
    readonly injected: false
    readonly reason: Reason
    /** One sentence for the Event; names only, never a credential. */
    readonly message: string
    /** The target that matched, for the reasons where one did. */
    readonly target?: TargetRef
  }

export const skipped = (reason: Reason, message: string, target?: TargetRef): Outcome =>
  target === undefined ? { injected: false, reason, message } : { injected: false, reason, message, target }

/**
 * Target resolution (spec 5.2 step 5, 5.3): for one target, whether it applies to a pod
 * and, if not, the first reason, in the Go operator's order: disabled, pod selector,
 * namespace object unavailable, namespace selector. An absent selector matches
 * everything. A selector that does not compile (the validator reports it as an error,
 * D1) is matched literally, as the Go operator matches every selector (`Literal.ts`:
 * `NotIn` without values always holds, `Exists`/`DoesNotExist` ignore values, keys and
 * values of invalid syntax are compared as they are, unknown operators never hold);
 * its verdict says so when it does not match.
 */
import { Selector, type Instrumentation } from "@whatap-operator/core"
import { Result } from "effect"
import * as Literal from "./Literal.ts"

export interface Namespace {
  readonly name: string
  readonly labels: Readonly<Record<string, string>>
}

export type Verdict =
  | { readonly _tag: "Disabled" }
  | { readonly _tag: "InvalidSelector"; readonly field: "podSelector" | "namespaceSelector"; readonly message: string }
  | { readonly _tag: "PodMismatch"; readonly requirement: string; readonly reason: string }
  | { readonly _tag: "NamespaceUnknown" }
  | { readonly _tag: "NamespaceMismatch"; readonly requirement: string; readonly reason: string }
  | { readonly _tag: "Matched" }

const matched: Verdict = { _tag: "Matched" }

type Labels = Readonly<Record<string, string>>

/** A target's selectors compiled, or the reason one does not compile (it is then matched literally). */
interface Prepared {
  readonly pods: Result.Result<Selector.Compiled, Selector.SelectorError>
  readonly namespaces: Result.Result<Selector.CompiledNamespace, Selector.SelectorError>
}

// Targets come from the watch cache's decoded WhatapAgent, the same objects until it
// changes: each is compiled once, not once per admission.
const preparedTargets = new WeakMap<Instrumentation.TargetSpec, Prepared>()

const prepare = (target: Instrumentation.TargetSpec): Prepared => {
  const known = preparedTargets.get(target)
  if (known !== undefined) return known
  const prepared: Prepared = {
    pods: Result.map(Selector.forTarget(target.podSelector), Selector.compile),
    namespaces: Result.map(Selector.fromNamespaceSelector(target.namespaceSelector), Selector.compileNamespace)
  }
  preparedTargets.set(target, prepared)
  return prepared
}

export const verdict = (
  target: Instrumentation.TargetSpec,
  podLabels: Labels,
  namespace: Namespace | undefined
): Verdict => {
  if (!target.enabled) return { _tag: "Disabled" }
  const { pods, namespaces } = prepare(target)
  if (Result.isFailure(pods)) {
    if (!Literal.matchesPod(target.podSelector, podLabels)) return { _tag: "InvalidSelector", field: "podSelector", message: pods.failure.message }
  } else {
    const pod = Selector.explain(pods.success, podLabels)
    if (!pod.matched) return { _tag: "PodMismatch", requirement: pod.requirement, reason: pod.reason }
  }
  if (namespace === undefined) return { _tag: "NamespaceUnknown" }
  if (Result.isFailure(namespaces)) {
    return Literal.matchesNamespace(target.namespaceSelector, namespace.name, namespace.labels)
      ? matched
      : { _tag: "InvalidSelector", field: "namespaceSelector", message: namespaces.failure.message }
  }
  const ns = Selector.explainNamespace(namespaces.success, namespace.name, namespace.labels)
  return ns.matched ? matched : { _tag: "NamespaceMismatch", requirement: ns.requirement, reason: ns.reason }
}

const podMatches = (target: Instrumentation.TargetSpec, podLabels: Labels): boolean => {
  const { pods } = prepare(target)
  return Result.isFailure(pods) ? Literal.matchesPod(target.podSelector, podLabels) : Selector.matches(pods.success, podLabels)
}

const namespaceMatches = (target: Instrumentation.TargetSpec, name: string, labels: Labels | undefined): boolean => {
  const { namespaces } = prepare(target)
  if (Result.isSuccess(namespaces)) return Selector.matchesNamespace(namespaces.success, name, labels)
  // no labels known (the status counts' cache): no labels, as core's matcher reads it
  return Literal.matchesNamespace(target.namespaceSelector, name, labels ?? {})
}

/** The target the admission acts on, and whether it matched or its namespace could not be read. */
export interface Selected {
  readonly index: number
  readonly target: Instrumentation.TargetSpec
  readonly verdict: "Matched" | "NamespaceUnknown"
}

/**
 * What `evaluate` decides, without explaining the targets that do not apply (explanations
 * are for `explain`; the admission path only needs the decision): the first enabled target
 * that matches or, when the namespace could not be read, the first whose podSelector
 * matches (no namespaceSelector can be evaluated then, so none matches).
 */
export const select = (
  targets: ReadonlyArray<Instrumentation.TargetSpec>,
  podLabels: Labels,
  namespace: Namespace | undefined
): Selected | undefined => {
  for (const [index, target] of targets.entries()) {
    if (!target.enabled || !podMatches(target, podLabels)) continue
    if (namespace === undefined) return { index, target, verdict: "NamespaceUnknown" }
    if (namespaceMatches(target, namespace.name, namespace.labels)) return { index, target, verdict: "Matched" }
  }
  return undefined
}

/**
 * The first enabled target that applies to a pod, for many pods at once (the operator's
 * status counts and rollout restart), with the selectors `verdict` uses: one that does not
 * compile is matched literally there and here, so the counts agree with what the webhook
 * injects. Namespace labels the caller does not know read as none.
 *
 * @example
 * ```ts
 * const targetOf = firstMatching(targets)
 * targetOf({ app: "web" }, "shop", { team: "a" })?.name // => the target that would inject it
 * ```
 */
export const firstMatching = (targets: ReadonlyArray<Instrumentation.TargetSpec>) => {
  const enabled = targets.filter((t) => t.enabled)
  return (podLabels: Labels, namespace: string, namespaceLabels: Labels | undefined): Instrumentation.TargetSpec | undefined =>
    enabled.find((t) => podMatches(t, podLabels) && namespaceMatches(t, namespace, namespaceLabels))
}

/** One sentence for people (the CLI's explain); selector text and names only. */
export const describe = (v: Verdict): string => {
  switch (v._tag) {
    case "Disabled":
      return "the target is disabled"
    case "InvalidSelector":
      return `its ${v.field} is invalid (${v.message}) and, matched literally as the Go operator does, does not match`
    case "PodMismatch":
      return `podSelector does not match: ${v.requirement} fails (${v.reason})`
    case "NamespaceUnknown":
      return "the pod's labels match, but the namespace is unknown, so namespaceSelector cannot be evaluated"
    case "NamespaceMismatch":
      return `namespaceSelector does not match: ${v.requirement} fails (${v.reason})`
    case "Matched":
      return "podSelector and namespaceSelector match"
  }
}

export interface Evaluated {
  readonly index: number
  readonly target: Instrumentation.TargetSpec
  readonly verdict: Verdict
}

/**
 * Every target in order with its verdict, for explanations (later matches are shadowed by
 * the first); the admission itself decides with `select`, which agrees with it.
 */
export const evaluate = (
  targets: ReadonlyArray<Instrumentation.TargetSpec>,
  podLabels: Readonly<Record<string, string>>,
  namespace: Namespace | undefined
): ReadonlyArray<Evaluated> => targets.map((target, index) => ({ index, target, verdict: verdict(target, podLabels, namespace) }))

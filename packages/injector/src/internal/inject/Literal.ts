/**
 * The Go operator's own selector matcher (spec 5.3, `matchesSelector` /
 * `matchesNamespaceSelector`), used for a target selector that is not valid Kubernetes
 * syntax: such a selector never reached the Go operator's API validation (its CRD does
 * not validate selectors), so the Go operator matched it literally, and a CR admitted
 * while our validating webhook was down (failurePolicy Ignore) must inject the same pods.
 * For valid selectors both engines agree; core's `Selector` stays the one that explains.
 *
 * Rules: matchLabels compared literally; `In` = present and among the values; `NotIn` =
 * absent or not among them (so `NotIn` without values always holds); `Exists` /
 * `DoesNotExist` ignore values; any other operator string never holds; keys and values
 * are not checked. matchNames: empty or listing the namespace's name.
 */
import type { Instrumentation } from "@whatap-operator/core"

type Labels = Readonly<Record<string, string>>
type PodSelector = NonNullable<Instrumentation.TargetSpec["podSelector"]>
type NamespaceSelector = NonNullable<Instrumentation.TargetSpec["namespaceSelector"]>
type Requirement = NonNullable<PodSelector["matchExpressions"]>[number]

const has = (labels: Labels, key: string): boolean => Object.hasOwn(labels, key)

const holds = (labels: Labels, requirement: Requirement): boolean => {
  const values: ReadonlyArray<string> = requirement.values ?? []
  const present = has(labels, requirement.key)
  switch (requirement.operator) {
    case "In":
      return present && values.includes(labels[requirement.key] ?? "")
    case "NotIn":
      return !present || !values.includes(labels[requirement.key] ?? "")
    case "Exists":
      return present
    case "DoesNotExist":
      return !present
    default:
      return false
  }
}

export const matchesPod = (selector: PodSelector | undefined, labels: Labels): boolean =>
  Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => has(labels, k) && labels[k] === v) &&
  (selector?.matchExpressions ?? []).every((r) => holds(labels, r))

export const matchesNamespace = (selector: NamespaceSelector | undefined, name: string, labels: Labels): boolean => {
  const names = selector?.matchNames ?? []
  return (names.length === 0 || names.includes(name)) && matchesPod(selector, labels)
}

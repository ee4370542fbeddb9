/**
 * Helpers for ordered target lists: duplicate names, and "shadowing" under the APM
 * webhook's first-match-wins rule. Shadowing is decided structurally and soundly: an
 * earlier target shadows a later one when its constraints are a subset of the later
 * one's (fewer constraints match more pods), so a warning is never a false alarm.
 */
import type { TargetSpec } from "../../Instrumentation.ts"
import type { LabelSelectorValue } from "../selector/Typed.ts"
import { error, type Issue, warning } from "./issue.ts"
import { each, entries, type L, type Path } from "./model.ts"

/**
 * Every name used twice in `targets`, reported at the later one's `nameField`: an error
 * where the name is an identity downstream (an OpenAgent job name), a warning where it
 * only labels log lines (APM targets, which the webhook tells apart by position).
 */
export const checkDuplicateNames = <T extends object>(
  targets: ReadonlyArray<T | undefined> | undefined,
  path: Path,
  nameField: keyof T & string,
  nameOf: (target: T) => string | undefined,
  severity: "error" | "warning"
): ReadonlyArray<Issue> => {
  const report = severity === "error" ? error : warning
  const seen = new Map<string, number>()
  return each(targets, path, (target, here, i) => {
    const name = nameOf(target)
    if (name === undefined) return []
    const first = seen.get(name)
    if (first === undefined) {
      seen.set(name, i)
      return []
    }
    return [report("duplicate-target", [...here, nameField], `duplicate ${nameField} ${JSON.stringify(name)}: also used by ${formatIndex(path, first)}`)]
  })
}

export const formatIndex = (path: Path, index: number): string => `${String(path[path.length - 1])}[${index}]`

/**
 * What a target constrains, as plain sets, computed once per target: its pod and
 * namespace label constraints as canonical strings, and its `matchNames` (undefined
 * when it names none, which means any namespace).
 */
export interface Shape {
  readonly constraints: ReadonlySet<string>
  readonly names: ReadonlySet<string> | undefined
}

type Expression = NonNullable<NonNullable<LabelSelectorValue["matchExpressions"]>[number]>

/** `values` order does not change an expression's meaning, so it is sorted away. */
const expressionKey = (expression: Expression): string =>
  JSON.stringify([expression.key ?? null, expression.operator ?? null, [...(expression.values ?? [])].map((v) => v ?? null).sort()])

const selectorConstraints = (selector: LabelSelectorValue | undefined, prefix: string): ReadonlyArray<string> => [
  ...entries(selector?.matchLabels).map(([k, v]) => `${prefix}L${JSON.stringify([k, v])}`),
  ...(selector?.matchExpressions ?? []).flatMap((e) => (e === undefined ? [] : [`${prefix}E${expressionKey(e)}`]))
]

export const shape = (target: L<TargetSpec>): Shape => {
  const namespaceSelector = target.namespaceSelector
  const names = (namespaceSelector?.matchNames ?? []).flatMap((n) => (n === undefined ? [] : [n]))
  return {
    constraints: new Set([...selectorConstraints(namespaceSelector, "ns:"), ...selectorConstraints(target.podSelector, "pod:")]),
    names: names.length === 0 ? undefined : new Set(names)
  }
}

/**
 * True when every pod/namespace that `later` selects is also selected by `earlier`:
 * fewer constraints match more pods, and no `matchNames` matches every namespace.
 */
export const covers = (earlier: Shape, later: Shape): boolean => {
  if (earlier.constraints.size > later.constraints.size) return false
  for (const c of earlier.constraints) if (!later.constraints.has(c)) return false
  if (earlier.names === undefined) return true
  if (later.names === undefined) return false
  for (const n of later.names) if (!earlier.names.has(n)) return false
  return true
}

type LabelMap = { readonly [key: string]: string | undefined }

/**
 * A selector's present `matchLabels` entries, in order and by key: the pair loop below reads
 * the list by index and the other target's Map by key (an iterator per pair costs on lists of
 * thousands of targets).
 */
interface Labels {
  readonly list: ReadonlyArray<readonly [string, string]>
  readonly byKey: ReadonlyMap<string, string>
}

/**
 * What `mayCover` reads of a target, taken once per target (a pair is compared in time
 * proportional to the earlier target's labels, stopping at the first that differs; a Map
 * read stays fast where thousands of differently shaped label objects would not).
 */
export interface Outline {
  readonly pod: Labels | undefined
  readonly namespace: Labels | undefined
  readonly names: boolean
}

const labelsOf = (map: LabelMap | undefined): Labels | undefined => {
  if (map === undefined) return undefined
  const list = entries(map)
  return { list, byKey: new Map(list) }
}

export const outline = (target: L<TargetSpec>): Outline => ({
  pod: labelsOf(target.podSelector?.matchLabels),
  namespace: labelsOf(target.namespaceSelector?.matchLabels),
  names: (target.namespaceSelector?.matchNames ?? []).some((n) => n !== undefined)
})

/** Every entry of `earlier` is in `later` with the same value. */
const labelsWithin = (earlier: Labels | undefined, later: Labels | undefined): boolean => {
  if (earlier === undefined) return true
  for (let i = 0; i < earlier.list.length; i++) {
    const entry = earlier.list[i]
    if (entry !== undefined && (later === undefined || later.byKey.get(entry[0]) !== entry[1])) return false
  }
  return true
}

/**
 * What `covers` needs and can be read off the targets without building their shapes: the
 * earlier target's `matchLabels` (pod and namespace) within the later one's, and names on
 * the later one where the earlier one has some. False means `covers` is false; true means
 * the shapes must decide. Most pairs of real targets differ in a pod label, so their
 * shapes are never built.
 */
export const mayCover = (earlier: Outline, later: Outline): boolean =>
  labelsWithin(earlier.pod, later.pod) &&
  labelsWithin(earlier.namespace, later.namespace) &&
  (!earlier.names || later.names)

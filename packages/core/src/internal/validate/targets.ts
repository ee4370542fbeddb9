/**
 * Helpers for ordered target lists: duplicate names, and "shadowing" under the APM
 * webhook's first-match-wins rule. Shadowing is decided structurally and soundly: an
 * earlier target shadows a later one when its constraints are a subset of the later
 * one's (fewer constraints match more pods), so a warning is never a false alarm.
 */
import { error, type Issue } from "./issue.ts"
import { canonical, field, items, type Path, pairs, str } from "./json.ts"

export const checkDuplicateNames = (
  targets: unknown,
  path: Path,
  nameField: string
): ReadonlyArray<Issue> => {
  const seen = new Map<string, number>()
  return items(targets).flatMap((target, i) => {
    const name = str(field(target, nameField))
    if (name === undefined) return []
    const first = seen.get(name)
    if (first === undefined) {
      seen.set(name, i)
      return []
    }
    return [error("duplicate-target", [...path, i, nameField], `duplicate ${nameField} ${JSON.stringify(name)}: also used by ${formatIndex(path, first)}`)]
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

/** `values` order does not change an expression's meaning, so it is sorted away. */
const expressionKey = (expression: unknown): string => {
  const values = items(field(expression, "values")).map((v) => canonical(v)).sort()
  return canonical({ key: field(expression, "key"), operator: field(expression, "operator"), values })
}

const selectorConstraints = (selector: unknown, prefix: string): ReadonlyArray<string> => [
  ...pairs(field(selector, "matchLabels")).map(([k, v]) => `${prefix}L${canonical(k)}=${canonical(v)}`),
  ...items(field(selector, "matchExpressions")).map((e) => `${prefix}E${expressionKey(e)}`)
]

export const shape = (target: unknown): Shape => {
  const namespaceSelector = field(target, "namespaceSelector")
  const names = items(field(namespaceSelector, "matchNames")).map((n) => canonical(n))
  return {
    constraints: new Set([...selectorConstraints(namespaceSelector, "ns:"), ...selectorConstraints(field(target, "podSelector"), "pod:")]),
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

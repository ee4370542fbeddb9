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

interface Constraints {
  readonly labels: ReadonlyMap<string, string>
  readonly expressions: ReadonlySet<string>
}

/** `values` order does not change an expression's meaning, so it is sorted away. */
const expressionKey = (expression: unknown): string => {
  const values = items(field(expression, "values")).map((v) => canonical(v)).sort()
  return canonical({ key: field(expression, "key"), operator: field(expression, "operator"), values })
}

const constraints = (selector: unknown): Constraints => ({
  labels: new Map(pairs(field(selector, "matchLabels")).map(([k, v]) => [k, canonical(v)])),
  expressions: new Set(items(field(selector, "matchExpressions")).map(expressionKey))
})

const subset = (a: Constraints, b: Constraints): boolean =>
  [...a.labels].every(([k, v]) => b.labels.get(k) === v) &&
  [...a.expressions].every((e) => b.expressions.has(e))

const names = (selector: unknown): ReadonlySet<string> =>
  new Set(items(field(selector, "matchNames")).map((n) => canonical(n)))

/** True when every pod/namespace that `later` selects is also selected by `earlier`. */
export const covers = (earlier: unknown, later: unknown): boolean => {
  const earlierNs = field(earlier, "namespaceSelector")
  const laterNs = field(later, "namespaceSelector")
  const earlierNames = names(earlierNs)
  const laterNames = names(laterNs)
  const namesCovered = earlierNames.size === 0 ||
    (laterNames.size > 0 && [...laterNames].every((n) => earlierNames.has(n)))
  return namesCovered &&
    subset(constraints(earlierNs), constraints(laterNs)) &&
    subset(constraints(field(earlier, "podSelector")), constraints(field(later, "podSelector")))
}

/**
 * The second half of "is an apply needed": does the intent still contain every field the
 * manager owns in live? A field that was applied before and has since left the intent is
 * only removed by applying again, so its absence means the object is not up to date.
 * Walks the manager's `fieldsV1` tree against the intent; a `k:{...}` element matches
 * the intent's list element with equal key fields (rule defaults filled in).
 */
import type { FieldsV1 } from "./fieldSet.ts"
import { isRecord } from "./json.ts"
import * as P from "./path.ts"
import type { Difference } from "./subset.ts"

interface At {
  readonly kind: string
  readonly schema: ReadonlyArray<string>
  readonly display: string
}

const removed = (display: string): Difference => ({ path: display.replace(/^\./, ""), reason: "removed" })

const present = (u: unknown): boolean => u !== undefined && u !== null

/** The desired value a step leads to; undefined when the intent has none. */
const follow = (desired: unknown, step: P.Step, at: At): unknown => {
  if (step.type === "field") return isRecord(desired) ? desired[step.name] : undefined
  if (!Array.isArray(desired)) return undefined
  const i = P.indexIn(at.kind, at.schema, desired, step)
  return i < 0 ? undefined : desired[i]
}

/** The first owned field (in the tree `owned`) that `desired` no longer sets. */
export const firstUnowned = (owned: FieldsV1, desired: unknown, at: At): Difference | undefined => {
  for (const element of Object.keys(owned).sort()) {
    if (element === ".") continue
    const step = P.parse(element)
    if (step === undefined) return removed(`${at.display}[${element}]`)
    const next: At = {
      kind: at.kind,
      schema: [...at.schema, step.type === "field" ? step.name : "[]"],
      display: `${at.display}${P.display(step)}`
    }
    const value = follow(desired, step, at)
    if (!present(value)) return removed(next.display)
    const found = firstUnowned(owned[element] ?? {}, value, next)
    if (found !== undefined) return found
  }
  return undefined
}

export const root = (kind: string): At => ({ kind, schema: [], display: "" })

/**
 * The first half of "is an apply needed": is everything the intent sets already in the
 * live object with an equal value? Live may hold more (server defaults, other managers'
 * fields). Maps are compared key by key, associative lists element by element matched
 * by key (MergeKeys), other lists in order with equal length, each element again as a
 * subset (the server defaults fields inside elements too), and quantities by amount.
 */
import * as MergeKeys from "../../MergeKeys.ts"
import { equal, isRecord, type JsonRecord } from "./json.ts"
import * as P from "./path.ts"
import * as Quantity from "./quantity.ts"

export interface Difference {
  /** Readable path, `spec.template.spec.containers[name=agent].image`. */
  readonly path: string
  /**
   * `changed`: live has another value; `missing`: live lacks the field or element;
   * `removed`: a field this manager owns in live is no longer in the intent.
   */
  readonly reason: "changed" | "missing" | "removed"
}

interface At {
  readonly kind: string
  /** Field names with `[]` per list element, for MergeKeys. */
  readonly schema: ReadonlyArray<string>
  readonly display: string
}

const child = (at: At, name: string): At => ({ ...at, schema: [...at.schema, name], display: `${at.display}.${name}` })

const element = (at: At, step: string): At => ({ ...at, schema: [...at.schema, "[]"], display: `${at.display}${step}` })

const clean = (display: string): string => display.replace(/^\./, "")

const isEmpty = (u: unknown): boolean =>
  u === null || (Array.isArray(u) && u.length === 0) || (isRecord(u) && Object.keys(u).length === 0)

/** The first place where `desired` is not contained in `live`; undefined when it is. */
export const firstDifference = (desired: unknown, live: unknown, at: At): Difference | undefined => {
  if (desired === undefined) return undefined
  if (live === undefined || live === null) {
    return isEmpty(desired) ? undefined : { path: clean(at.display), reason: "missing" }
  }
  if (Array.isArray(desired)) return listDifference(desired, live, at)
  if (isRecord(desired)) {
    if (!isRecord(live)) return { path: clean(at.display), reason: "changed" }
    return recordDifference(desired, live, at)
  }
  const same = MergeKeys.isQuantity(at.kind, at.schema) ? Quantity.equal(desired, live) : equal(desired, live)
  return same ? undefined : { path: clean(at.display), reason: "changed" }
}

const recordDifference = (desired: JsonRecord, live: JsonRecord, at: At): Difference | undefined => {
  for (const [name, value] of Object.entries(desired)) {
    const found = firstDifference(value, live[name], child(at, name))
    if (found !== undefined) return found
  }
  if (!MergeKeys.isExactMap(at.kind, at.schema)) return undefined
  const extra = extraKey(desired, live, at)
  return extra === undefined ? undefined : { path: clean(extra.display), reason: "changed" }
}

/**
 * A key `live` holds under an exact atomic map (a selector) that `desired` does not:
 * another manager added it, and since the map is replaced as a whole, applying the
 * intent removes it (a Service selector with one more key selects no pod).
 */
const extraKey = (desired: JsonRecord, live: JsonRecord, at: At): At | undefined => {
  for (const [name, value] of Object.entries(live)) {
    const wanted = desired[name]
    if (wanted === undefined) {
      if (isEmpty(value)) continue
      return child(at, name)
    }
    if (isRecord(wanted) && isRecord(value)) {
      const found = extraKey(wanted, value, child(at, name))
      if (found !== undefined) return found
    }
  }
  return undefined
}

const listDifference = (desired: ReadonlyArray<unknown>, live: unknown, at: At): Difference | undefined => {
  if (!Array.isArray(live)) return { path: clean(at.display), reason: "changed" }
  const rule = MergeKeys.listRule(at.kind, at.schema)
  if (rule?.type === "set") {
    const absent = desired.find((v) => !live.some((l) => equal(l, v)))
    return absent === undefined ? undefined : { path: clean(`${at.display}${P.display({ type: "value", value: absent })}`), reason: "missing" }
  }
  if (rule?.type === "map") return keyedDifference(rule, desired, live, at)
  if (desired.length !== live.length) return { path: clean(at.display), reason: "changed" }
  for (const [i, item] of desired.entries()) {
    const found = firstDifference(item, live[i], element(at, `[${i}]`))
    if (found !== undefined) return found
  }
  return undefined
}

const keyedDifference = (
  rule: Extract<MergeKeys.ListRule, { type: "map" }>,
  desired: ReadonlyArray<unknown>,
  live: ReadonlyArray<unknown>,
  at: At
): Difference | undefined => {
  for (const [i, item] of desired.entries()) {
    const key = MergeKeys.keyOf(rule, item)
    if (key === undefined) return { path: clean(`${at.display}[${i}]`), reason: "changed" }
    const step = P.display({ type: "key", key })
    const match = live.find((l) => P.hasKey(l, key, rule.defaults))
    if (match === undefined) return { path: clean(`${at.display}${step}`), reason: "missing" }
    const found = firstDifference(item, match, element(at, step))
    if (found !== undefined) return found
  }
  return undefined
}

/** Where a walk of a whole object starts. */
export const root = (kind: string): At => ({ kind, schema: [], display: "" })

export const at = { child, element }

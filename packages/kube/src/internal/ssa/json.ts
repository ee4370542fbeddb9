/**
 * Plain-JSON helpers shared by the server-side-apply walkers and the memory layer:
 * type guards, structural equality that ignores key order, and a canonical string form
 * (sorted keys) used for list keys and for no-op detection.
 */

export type JsonRecord = { readonly [key: string]: unknown }

export const isRecord = (u: unknown): u is JsonRecord => typeof u === "object" && u !== null && !Array.isArray(u)

export const isScalar = (u: unknown): u is string | number | boolean =>
  typeof u === "string" || typeof u === "number" || typeof u === "boolean"

/** Structural equality of JSON values; object key order does not matter. */
export const equal = (a: unknown, b: unknown): boolean => {
  if (a === b) return true
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => equal(x, b[i]))
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a).filter((k) => a[k] !== undefined)
    const other = Object.keys(b).filter((k) => b[k] !== undefined)
    return keys.length === other.length && keys.every((k) => Object.hasOwn(b, k) && equal(a[k], b[k]))
  }
  return false
}

/** JSON with object keys sorted: equal values give equal strings. */
export const canonical = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`
  if (isRecord(value)) {
    const entries = Object.keys(value).filter((k) => value[k] !== undefined).sort()
    return `{${entries.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(",")}}`
  }
  return JSON.stringify(value ?? null)
}

/** A deep copy of a JSON value (structuredClone would also copy non-JSON values silently). */
export const clone = <A>(value: A): A => (value === undefined ? value : JSON.parse(JSON.stringify(value)))

/** `value` without the keys in `keys`; the same object when none is present. */
export const omit = (value: JsonRecord, keys: ReadonlyArray<string>): JsonRecord =>
  keys.some((k) => Object.hasOwn(value, k))
    ? Object.fromEntries(Object.entries(value).filter(([k]) => !keys.includes(k)))
    : value

/**
 * Defensive readers over raw, untrusted JSON. The semantic rules run on the input as
 * written (not on the decoded value) so that one schema error elsewhere does not hide
 * the semantic problems of the rest of the resource. Only own properties are read, so
 * keys such as `constructor` or `__proto__` in hostile input are plain data.
 */
export type Path = ReadonlyArray<string | number>
export type JsonRecord = Readonly<Record<string, unknown>>

export const isRecord = (u: unknown): u is JsonRecord =>
  typeof u === "object" && u !== null && !Array.isArray(u)

export const field = (u: unknown, key: string): unknown =>
  isRecord(u) && Object.hasOwn(u, key) ? u[key] : undefined

/** Follows object keys; `undefined` as soon as a step is missing or not an object. */
export const dig = (u: unknown, keys: ReadonlyArray<string>): unknown =>
  keys.reduce<unknown>((acc, key) => field(acc, key), u)

export const str = (u: unknown): string | undefined => (typeof u === "string" ? u : undefined)

export const nonEmptyStr = (u: unknown): string | undefined =>
  typeof u === "string" && u.length > 0 ? u : undefined

export const items = (u: unknown): ReadonlyArray<unknown> => (Array.isArray(u) ? u : [])

/** Own key/value pairs of a map, in insertion order. */
export const pairs = (u: unknown): ReadonlyArray<readonly [string, unknown]> =>
  isRecord(u) ? Object.entries(u) : []

/** Beyond this nesting `canonical` stops descending (hostile input must not overflow the stack). */
const maxCanonicalDepth = 32

/** Stable JSON text with sorted keys, used to compare two JSON values structurally. */
export const canonical = (u: unknown, depth = 0): string => {
  if (depth > maxCanonicalDepth) return "\u2026"
  if (Array.isArray(u)) return `[${u.map((v) => canonical(v, depth + 1)).join(",")}]`
  if (isRecord(u)) {
    const body = Object.keys(u).sort().map((k) => `${JSON.stringify(k)}:${canonical(u[k], depth + 1)}`)
    return `{${body.join(",")}}`
  }
  return JSON.stringify(u) ?? "null"
}

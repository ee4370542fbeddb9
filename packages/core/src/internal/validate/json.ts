/**
 * Defensive readers over raw, untrusted JSON, for the few places that must look at the
 * input as written rather than at the decoded model: finding secret values to redact
 * (`secrets.ts`) and raw selector JSON read like Go's `encoding/json`. The validator's
 * rules read the typed model instead (`model.ts`). Only own properties are read, so
 * keys such as `constructor` or `__proto__` in hostile input are plain data.
 */
export type Path = ReadonlyArray<string | number>
export type JsonRecord = Readonly<Record<string, unknown>>

export const isRecord = (u: unknown): u is JsonRecord =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/**
 * Sets `key` as an own data property, `__proto__` included (an assignment would set the
 * prototype instead), as JSON.parse and the decoders produce keys.
 */
export const putOwn = (record: Record<string, unknown>, key: string, value: unknown): void => {
  if (key === "__proto__") Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true })
  else record[key] = value
}

export const items = (u: unknown): ReadonlyArray<unknown> => (Array.isArray(u) ? u : [])

/** Own key/value pairs of a map, in insertion order. */
export const pairs = (u: unknown): ReadonlyArray<readonly [string, unknown]> =>
  isRecord(u) ? Object.entries(u) : []

/**
 * Readers of untyped API JSON (workload status, pod templates) that never throw: a value of
 * the wrong shape reads as empty, zero or absent. And `canonical`, JSON with every object's
 * keys sorted, for comparing and hashing values whatever order the API server keeps.
 */

export type Json = Readonly<Record<string, unknown>>

export const record = (value: unknown): Json =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : {}

export const list = (value: unknown): ReadonlyArray<unknown> => (Array.isArray(value) ? value : [])

export const count = (value: unknown): number => (typeof value === "number" && Number.isFinite(value) ? value : 0)

export const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined)

export const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    typeof v === "object" && v !== null && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v)

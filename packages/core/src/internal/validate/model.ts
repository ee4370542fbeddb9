/**
 * What the validator's rules read: the lenient typed value of a resource (`lenient.ts`),
 * never raw JSON. Each rule takes the model type of the part it checks (`L<EnvVar>`,
 * `L<GpuMonitoringSpec>`, ...) and names fields through `at`, `child` and `field`, whose
 * key is checked against that type, or by destructuring that type (the rules every document
 * meets, where a helper call and closure per field cost while V8 still interprets them), so
 * renaming a field of the Schema breaks the rules at compile time instead of silently
 * switching them off.
 */
import type { Lenient } from "../lenient.ts"
import { add, type Issue, none } from "./issue.ts"
import type { Path } from "./json.ts"
import type { RegexCheck } from "./regex.ts"

export type { Path }

/** What rules share across one resource. */
export interface Context {
  /** Whether the schema rejected something at or under `path` (the value there is partial). */
  readonly damaged: (path: Path) => boolean
  /** The RE2 check, with the resource's budget (see `regex.ts`). */
  readonly regex: RegexCheck
}

/** A model type as the lenient decoder produces it: every field optional, list items possibly absent. */
export type L<T> = Lenient<T>

/** A lenient list: absent, or items of which the invalid ones are `undefined` (indices kept). */
export type List<T> = ReadonlyArray<L<T> | undefined> | undefined

/** `owner[key]` and the path to it; `key` must be a field of the owner's model type. */
export const at = <T extends object, K extends keyof T & string>(
  owner: T | undefined,
  key: K,
  path: Path
): readonly [T[K] | undefined, Path] => [owner?.[key], [...path, key]]

/**
 * `owner[key]` and the path to it, as `at` gives them, for destructuring by name:
 * `const { value: spec, path: specPath } = child(owner, "spec", path)`. An array pattern
 * (`const [spec, specPath] = at(...)`) takes an iterator and a result object per element
 * in code V8 has not optimized yet, which every rule is for the first documents of a run.
 */
export const child = <T extends object, K extends keyof T & string>(
  owner: T | undefined,
  key: K,
  path: Path
): { readonly value: T[K] | undefined; readonly path: Path } => ({ value: owner?.[key], path: [...path, key] })

/**
 * `check` on `owner[key]` at its path, or no issues when the field is absent: for the field
 * rules (labels, images, resources, ...), which have nothing to say about an absent field,
 * so no path is built for one.
 */
export const field = <T extends object, K extends keyof T & string>(
  owner: T | undefined,
  key: K,
  path: Path,
  check: (value: Exclude<T[K], undefined>, path: Path) => ReadonlyArray<Issue>
): ReadonlyArray<Issue> => {
  const value = owner?.[key]
  return value === undefined ? none : check(value as Exclude<T[K], undefined>, [...path, key])
}

/** The issues of every present item of a list, with the item's index in the path. */
export const each = <T>(
  list: ReadonlyArray<T | undefined> | undefined,
  path: Path,
  check: (item: T, path: Path, index: number) => ReadonlyArray<Issue>
): ReadonlyArray<Issue> => {
  if (list === undefined || list.length === 0) return none
  let out: Array<Issue> | undefined
  for (let i = 0; i < list.length; i++) {
    const item = list[i]
    if (item === undefined) continue
    const found = check(item, [...path, i], i)
    if (found.length === 0) continue
    out ??= []
    add(out, found)
  }
  return out ?? none
}

/** The present entries of a lenient map (`{ readonly [key: string]: V | undefined }`). */
export const entries = <V>(map: { readonly [key: string]: V | undefined } | undefined): ReadonlyArray<readonly [string, V]> => {
  if (map === undefined) return noEntries
  const keys = Object.keys(map)
  if (keys.length === 0) return noEntries
  const out: Array<readonly [string, V]> = []
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] ?? ""
    const value = map[key]
    if (value !== undefined) out.push([key, value])
  }
  return out
}

const noEntries: ReadonlyArray<never> = []

export const nonEmpty = (s: string | undefined): s is string => s !== undefined && s !== ""

/** Whether `prefix` is `path` or one of its ancestors. */
export const isPrefix = (prefix: Path, path: Path): boolean =>
  prefix.length <= path.length && prefix.every((segment, i) => segment === path[i])

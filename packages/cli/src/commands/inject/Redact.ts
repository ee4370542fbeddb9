/**
 * License values out of what `inject` and `explain` print. Two passes on the objects
 * (never on the serialized text, so the output stays well-typed YAML and JSON, and an
 * escaped form cannot slip through): the patch comes from `Inject.explain`, which
 * redacts every license env entry by name and by position (`.../env/N/value`), and
 * its placeholder becomes the CLI's `[redacted]`; the printed document also has every
 * license env entry redacted by name (`Validate.withoutSecrets`: a pod injected before,
 * printed as it is); then every string equal to a known license value (the CLI's
 * WHATAP_LICENSE, the CR's literal licenses) is replaced, which also covers a license
 * echoed elsewhere from an input that was printed with `--show-secrets`, and the license
 * values the input itself holds (a `WHATAP_LICENSE` env entry, a Secret's `WHATAP_LICENSE`
 * key), which `kubectl get -o yaml` also copies into the `last-applied-configuration`
 * annotation: inside a longer string a license is found in every spelling a message or
 * a JSON text gives it (`Validate.redactor`). Only licenses of `minEchoed` characters or
 * more are looked for: a test value such as `web` or `java` would otherwise blank out an
 * equal label or language, or the letters of `WHATAP_LICENSE` (the license env entries
 * themselves are redacted by position whatever their length).
 */
import { Validate } from "@whatap-operator/core"
import { Inject, type JsonPatch } from "@whatap-operator/injector"

export const placeholder = "[redacted]"

/**
 * Nesting beyond which values are left as they are: the stack must not be exhausted by
 * a hostile input. Every license the mutation writes sits a few levels deep.
 */
const maxDepth = 512

type Json = { readonly [key: string]: unknown }
const isRecord = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)

const walk = (value: unknown, replace: (s: string) => string, depth: number): unknown => {
  if (typeof value === "string") return replace(value)
  if (depth > maxDepth) return value
  if (Array.isArray(value)) return value.map((v) => walk(v, replace, depth + 1))
  if (!isRecord(value)) return value
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [replace(k), walk(v, replace, depth + 1)]))
}

/** Shorter license values are not looked for elsewhere (real ones are tens of characters). */
export const minEchoed = 8

/**
 * A string equal to one of `licenses` (of `minEchoed` characters or more) becomes the
 * placeholder; one that holds such a license has it replaced where it occurs.
 */
const replacer = (licenses: ReadonlySet<string>): ((s: string) => string) => {
  const long = [...licenses].filter((license) => license.length >= minEchoed)
  if (long.length === 0) return (s) => s
  const known = new Set(long)
  const within = Validate.redactor(...long.map((license) => ({ license })))
  return (s) => {
    if (known.has(s)) return placeholder
    const redacted = within(s)
    return redacted === s ? s : redacted.replaceAll("<redacted>", placeholder)
  }
}

/** `value` with every license of `licenses` (of `minEchoed` characters or more) redacted, whole strings and inside strings. */
export const values = (value: unknown, licenses: ReadonlySet<string>): unknown =>
  licenses.size === 0 ? value : walk(value, replacer(licenses), 0)

/** `text` with every license of `licenses` (of `minEchoed` characters or more) redacted where it occurs. */
export const text = (value: string, licenses: ReadonlySet<string>): string =>
  licenses.size === 0 ? value : replacer(licenses)(value)

const operation = (op: JsonPatch.Operation, replace: (s: string) => string): JsonPatch.Operation =>
  op.op === "add" || op.op === "replace" || op.op === "test" ? { ...op, value: walk(op.value, replace, 0) } : op

/** A patch of `Inject.explain` with the CLI's placeholder, and known license values redacted. */
export const patch = (operations: ReadonlyArray<JsonPatch.Operation>, licenses: ReadonlySet<string>): ReadonlyArray<JsonPatch.Operation> => {
  const replace = replacer(licenses)
  return operations.map((op) => operation(op, (s) => (s === Inject.redacted ? placeholder : replace(s))))
}

/** `licenses` and the license values `input` holds itself. */
export const withLicensesOf = (licenses: ReadonlySet<string>, input: unknown): ReadonlySet<string> => {
  const own = Validate.secretValues(input)
  return own.length === 0 ? licenses : new Set([...licenses, ...own])
}

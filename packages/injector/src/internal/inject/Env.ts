/**
 * The env algebra of spec 5.6 (the Go operator's `upsertEnvVars`, `mergeEnvVars`,
 * `combineEnvVars`), the env entries the operator writes, and `augment`: how an env var
 * the application already sets (JAVA_TOOL_OPTIONS, PYTHONPATH, NODE_OPTIONS, NODE_PATH)
 * is made to load the agent while keeping the application's value.
 *
 * Entries are the pod's own objects: the algebra moves them around and never rebuilds
 * them, so fields it does not know survive. Entries with an empty name are dropped from
 * the incoming side and kept on the base side, as in Go.
 */
import type { EnvVar, EnvVarSource } from "./Pod.ts"
import * as Names from "./Names.ts"

export interface Named {
  readonly name: string
}

/** Drop every base entry named in `list`, then append `list` in order: the operator's value wins, once. */
export const upsert = <E extends Named>(base: ReadonlyArray<E>, list: ReadonlyArray<E>): ReadonlyArray<E> => {
  const incoming = list.filter((e) => e.name !== "")
  const names = new Set(incoming.map((e) => e.name))
  return [...base.filter((e) => !names.has(e.name)), ...incoming]
}

/** Append the entries whose name is not present yet: an existing value wins. */
export const merge = <E extends Named>(base: ReadonlyArray<E>, extras: ReadonlyArray<E>): ReadonlyArray<E> => {
  const seen = new Set(base.map((e) => e.name).filter((n) => n !== ""))
  const out = [...base]
  for (const e of extras) {
    if (e.name === "" || seen.has(e.name)) continue
    out.push(e)
    seen.add(e.name)
  }
  return out
}

/** `merge(upsert(base, incoming ∩ force), incoming ∖ force)`. */
export const combine = <E extends Named>(
  base: ReadonlyArray<E>,
  incoming: ReadonlyArray<E>,
  force: (name: string) => boolean
): ReadonlyArray<E> => {
  const forced = incoming.filter((e) => e.name !== "" && force(e.name))
  const additive = incoming.filter((e) => !(e.name !== "" && force(e.name)))
  return merge(upsert(base, forced), additive)
}

export const has = (env: ReadonlyArray<Named>, name: string): boolean => env.some((e) => e.name === name)

/** A literal entry; an empty value is left out, as Go writes an EnvVar (`value` has omitempty). */
export const literal = (name: string, value: string): EnvVar => (value === "" ? { name } : { name, value })

/** The fields of a source's references that Go writes with omitempty: an empty one is left out. */
const omitEmpty: ReadonlyArray<readonly [string, string]> = [
  ["configMapKeyRef", "name"],
  ["secretKeyRef", "name"],
  ["fieldRef", "apiVersion"],
  ["resourceFieldRef", "containerName"]
]

/** An env source of the CR as Go writes it into the pod: a reference's empty `name` (the CRD's default) left out. */
export const goSource = <S extends object>(source: S): S => {
  let out: S = source
  for (const [field, key] of omitEmpty) {
    const ref: unknown = Reflect.get(out, field)
    if (typeof ref !== "object" || ref === null || Reflect.get(ref, key) !== "") continue
    const { [key]: _, ...rest } = ref as Record<string, unknown>
    out = { ...out, [field]: rest }
  }
  return out
}

/** An entry of the CR as Go writes it into the pod: without an empty `value`, its source in Go's form. */
export const goForm = <E extends EnvVar>(entry: E): E => {
  const { value, valueFrom, ...rest } = entry
  if (value !== "" && (valueFrom === undefined || valueFrom === null || goSource(valueFrom) === valueFrom)) return entry
  return {
    ...rest,
    ...(value === undefined || value === "" ? {} : { value }),
    ...(valueFrom === undefined ? {} : { valueFrom: valueFrom === null ? null : goSource(valueFrom) })
  } as E
}

const fieldRef = (name: string, fieldPath: string): EnvVar => ({ name, valueFrom: { fieldRef: { fieldPath } } })

/** NODE_IP, NODE_NAME, POD_NAME from the downward API. */
export const downward: ReadonlyArray<EnvVar> = [
  fieldRef(Names.env.nodeIp, "status.hostIP"),
  fieldRef(Names.env.nodeName, "spec.nodeName"),
  fieldRef(Names.env.podName, "metadata.name")
]

/** An optional ConfigMap/Secret key may be missing at run time: the kubelet then leaves the variable unset. */
export const isOptionalSource = (source: EnvVarSource): boolean =>
  source.configMapKeyRef?.optional === true || source.secretKeyRef?.optional === true

/** How one env var the application may already set is made to load the agent. */
export interface Augmentation {
  readonly name: string
  /**
   * Which of duplicate entries is changed: Java's is the first, as the Go operator's
   * JAVA_TOOL_OPTIONS step (pods stay Go's); the agent paths and NODE_OPTIONS, which Go
   * never changed, the last (the one the kubelet uses).
   */
  readonly entry: "first" | "last"
  /**
   * Whether a literal value already loads the agent (then it is left alone); without it
   * the agent is always joined in (Go does not look for Java).
   */
  readonly loads?: ((value: string) => boolean) | undefined
  /** The new value, from the existing one (a literal, or the `$(ALIAS)` reference). */
  readonly join: (existing: string) => string
  /**
   * Whether `$(ALIAS)` left unexpanded (an optional source that is missing) is harmless:
   * a path list gains a directory that does not exist; an option string would pass the
   * text to the JVM or node as an option and stop the application from starting.
   */
  readonly unexpandedIsHarmless: boolean
}

export type Augmented =
  | { readonly _tag: "Absent" }
  | { readonly _tag: "AlreadyLoads" }
  | { readonly _tag: "Literal" }
  | { readonly _tag: "Aliased"; readonly alias: string }
  | { readonly _tag: "OptionalSource" }

/** `WHATAP_ORIGINAL_<NAME>`, then `_1`, `_2`, ...: the first name neither the container nor the target uses. */
const aliasFor = (name: string, taken: ReadonlySet<string>): string => {
  const base = `${Names.originalPrefix}${name}`
  let candidate = base
  for (let i = 1; taken.has(candidate); i++) candidate = `${base}_${i}`
  return candidate
}

/**
 * Makes the first or the last entry of that name (`augmentation.entry`) load the agent.
 * A literal gets the agent joined in, unless `loads` says it already does. A `valueFrom`
 * entry (D5, spec 10.2) keeps its source under an alias placed where it was, followed by
 * the variable as a literal that references the alias with `$(ALIAS)` (the kubelet
 * expands references to variables defined earlier in the list), so the pod never has an
 * entry with both `value` and `valueFrom`. `reserved` are names the alias must not take
 * (the target's envs).
 */
export const augment = (
  env: ReadonlyArray<EnvVar>,
  augmentation: Augmentation,
  reserved: ReadonlySet<string>
): { readonly env: ReadonlyArray<EnvVar>; readonly result: Augmented } => {
  const named = (e: EnvVar): boolean => e.name === augmentation.name
  const i = augmentation.entry === "first" ? env.findIndex(named) : env.findLastIndex(named)
  const entry = env[i]
  if (entry === undefined) return { env, result: { _tag: "Absent" } }
  const source = entry.valueFrom
  if (source === undefined || source === null) {
    const value = entry.value ?? ""
    if (augmentation.loads?.(value) === true) return { env, result: { _tag: "AlreadyLoads" } }
    const updated: EnvVar = { ...entry, value: augmentation.join(value) }
    return { env: env.map((e, j) => (j === i ? updated : e)), result: { _tag: "Literal" } }
  }
  if (isOptionalSource(source) && !augmentation.unexpandedIsHarmless) return { env, result: { _tag: "OptionalSource" } }
  const alias = aliasFor(augmentation.name, new Set([...env.map((e) => e.name), ...reserved]))
  const moved: EnvVar = { ...entry, name: alias }
  const reference = literal(augmentation.name, augmentation.join(`$(${alias})`))
  return { env: [...env.slice(0, i), moved, reference, ...env.slice(i + 1)], result: { _tag: "Aliased", alias } }
}

/** What an application's own entry, kept as it is, does for the agent. */
export type Kept =
  | { readonly _tag: "Absent" }
  | { readonly _tag: "AlreadyLoads" }
  | { readonly _tag: "Literal" }
  | { readonly _tag: "Source" }

/**
 * The last entry named `name` (the one the kubelet uses), left as it is, as the Go operator
 * leaves an application's PYTHONPATH and NODE_OPTIONS (spec 5.6): whether it is absent,
 * already loads the agent (`loads`), or is a literal or a `valueFrom` that may not.
 */
export const kept = (env: ReadonlyArray<EnvVar>, name: string, needs: Pick<Needs, "loads">): Kept => {
  const entry = env.findLast((e) => e.name === name)
  if (entry === undefined) return { _tag: "Absent" }
  if (entry.valueFrom !== undefined && entry.valueFrom !== null) return { _tag: "Source" }
  return needs.loads(entry.value ?? "") ? { _tag: "AlreadyLoads" } : { _tag: "Literal" }
}

/** What loading the agent takes of a kept entry: the test of a literal, and two phrases for the Event text. */
export interface Needs {
  readonly loads: (value: string) => boolean
  /** e.g. `includes /whatap-agent/whatap/bootstrap` */
  readonly has: string
  /** e.g. `does not include /whatap-agent/whatap/bootstrap` */
  readonly lacks: string
}

/** The Event text of an entry kept that may keep the agent from loading; names only, never values. */
export const describeKept = (container: string, name: string, result: Kept, needs: Needs): ReadonlyArray<string> => {
  if (result._tag === "Absent" || result._tag === "AlreadyLoads") return []
  const source = result._tag === "Source" ? "comes from valueFrom and " : ""
  const kept = `container ${JSON.stringify(container)}: its own ${name} ${source}is kept as it is (as the Go operator keeps it)`
  return [result._tag === "Literal"
    ? `${kept} and ${needs.lacks}, so the WhaTap agent does not load; add it to the container's ${name}`
    : `${kept}; unless that value ${needs.has}, the WhaTap agent does not load`]
}

/** The Event text of an augmentation, or none; names only, never values. */
export const describeAugmented = (container: string, name: string, result: Augmented, warnLiteral: boolean): ReadonlyArray<string> => {
  const where = `container ${JSON.stringify(container)}`
  switch (result._tag) {
    case "Absent":
    case "AlreadyLoads":
      return []
    case "Literal":
      return warnLiteral ? [`${where}: kept the application's ${name} and added the WhaTap agent to it`] : []
    case "Aliased":
      return [`${where}: ${name} is set with valueFrom; its source now defines ${result.alias} and ${name} is $(${result.alias}) with the WhaTap agent added`]
    case "OptionalSource":
      return [`${where}: ${name} comes from an optional ConfigMap/Secret key, so it is left unchanged and the WhaTap agent is not loaded through it`]
  }
}

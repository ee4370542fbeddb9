/**
 * Env entries and Secret/ConfigMap key references as the API server checks them in a pod:
 * the CRDs take them as free strings and the operator (or the webhook) copies them into
 * pods unchanged, so a mistake here would surface as a refused Deployment, DaemonSet or
 * every injected pod refused. A name must be printable ASCII without `=` (clusters older
 * than 1.34 also want a C identifier: a warning); `value` and `valueFrom` exclude each
 * other; `valueFrom` names exactly one source; a referenced object name is a DNS-1123
 * subdomain and a key is a config key (`[-._a-zA-Z0-9]+`, not `.` or `..`).
 */
import type { EnvVar } from "../../KubeTypes.ts"
import { subdomainErrors } from "../../LabelSyntax.ts"
import { error, type Issue, none, warning } from "./issue.ts"
import type { L, Path } from "./model.ts"

const printable = /^[\x20-\x7e]+$/
const cIdentifier = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/
const configKey = /^[-._a-zA-Z0-9]+$/
const maxKeyLength = 253

const nameIssues = (name: string, path: Path): ReadonlyArray<Issue> => {
  if (name === "") return [error("env", path, "an env name must not be empty")]
  if (name.includes("=") || !printable.test(name)) {
    return [error("env", path, `invalid env name ${JSON.stringify(name)}: printable ASCII characters other than "=" only`)]
  }
  if (cIdentifier.test(name)) return none
  return [warning("env", path, `env name ${JSON.stringify(name)} is refused by clusters older than Kubernetes 1.34 (letters, digits, "_", "-", "." only, not starting with a digit)`)]
}

/** A Secret or ConfigMap key reference (env sources, TLS secrets), read leniently. */
export interface KeyRef {
  readonly name?: string | undefined
  readonly key?: string | undefined
}

/** A Secret or ConfigMap reference: `{name, key}` as the API server checks it. */
export const checkKeyRef = (ref: KeyRef, path: Path): ReadonlyArray<Issue> => {
  const out: Array<Issue> = []
  const name = ref.name
  if (name === undefined || name === "") out.push(error("key-reference", [...path, "name"], "the referenced object needs a name"))
  else for (const m of subdomainErrors(name)) out.push(error("key-reference", [...path, "name"], `invalid name ${JSON.stringify(name)}: ${m}`))
  const key = ref.key
  if (key === undefined || key === "") out.push(error("key-reference", [...path, "key"], "a key is required"))
  else if (!configKey.test(key) || key === "." || key === ".." || key.length > maxKeyLength) {
    out.push(error("key-reference", [...path, "key"], `invalid key ${JSON.stringify(key)}: letters, digits, "-", "_" and "." only (not "." or ".."), at most ${maxKeyLength} characters`))
  }
  return out
}

const sources = ["configMapKeyRef", "fieldRef", "resourceFieldRef", "secretKeyRef"] as const

const sourceIssues = (env: L<EnvVar>, path: Path): ReadonlyArray<Issue> => {
  const from = env.valueFrom
  if (from === undefined) return none
  const out: Array<Issue> = []
  if (env.value !== undefined && env.value !== "") out.push(error("env", [...path, "valueFrom"], "value and valueFrom exclude each other"))
  const given = sources.filter((s) => from[s] !== undefined)
  if (given.length !== 1) {
    const what = given.length === 0 ? "none" : given.join(", ")
    out.push(error("env", [...path, "valueFrom"], `valueFrom names exactly one of ${sources.join(", ")} (here: ${what})`))
  }
  if (from.secretKeyRef !== undefined) out.push(...checkKeyRef(from.secretKeyRef, [...path, "valueFrom", "secretKeyRef"]))
  if (from.configMapKeyRef !== undefined) out.push(...checkKeyRef(from.configMapKeyRef, [...path, "valueFrom", "configMapKeyRef"]))
  return out
}

/** One env entry's own rules (duplicates across the list are `fields.ts`'s). */
export const checkEnv = (env: L<EnvVar>, path: Path): ReadonlyArray<Issue> => {
  const name = env.name === undefined ? none : nameIssues(env.name, [...path, "name"])
  const source = sourceIssues(env, path)
  return name.length === 0 ? source : source.length === 0 ? name : [...name, ...source]
}

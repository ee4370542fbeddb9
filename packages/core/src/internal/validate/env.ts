/**
 * Env entries and Secret/ConfigMap key references as the API server checks them in a pod:
 * the CRDs take them as free strings and the operator (or the webhook) copies them into
 * pods unchanged, so a mistake here would surface as a refused Deployment, DaemonSet or
 * every injected pod refused. A name must be printable ASCII without `=` (clusters older
 * than 1.34 also want a C identifier: a warning); `value` and `valueFrom` exclude each
 * other; `valueFrom` names exactly one source; a referenced object name is a DNS-1123
 * subdomain and a key is a config key (`[-._a-zA-Z0-9]+`, not `.` nor starting with `..`);
 * a `fieldRef` reads one of the pod fields the API server lists for env vars, a
 * `resourceFieldRef` a container resource, with a divisor the API server takes for it.
 */
import type { EnvVar } from "../../KubeTypes.ts"
import { labelKeyErrors } from "../../LabelSyntax.ts"
import { canonical } from "../../Quantity.ts"
import { error, type Issue, none, subdomainIssues, warning } from "./issue.ts"
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
  else out.push(...subdomainIssues("key-reference", name, [...path, "name"]))
  const key = ref.key
  if (key === undefined || key === "") out.push(error("key-reference", [...path, "key"], "a key is required"))
  else if (!configKey.test(key) || key === "." || key.startsWith("..") || key.length > maxKeyLength) {
    out.push(error("key-reference", [...path, "key"], `invalid key ${JSON.stringify(key)}: letters, digits, "-", "_" and "." only (not "." nor starting with ".."), at most ${maxKeyLength} characters`))
  }
  return out
}

/** The pod fields an env var may read (the API server's list for env, not for volumes). */
const podFields = new Set(["metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName",
  "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"])
const subscripted = /^metadata\.(labels|annotations)\['(.+)'\]$/
const containerResources = /^(limits|requests)\.(cpu|memory|ephemeral-storage|hugepages-.+)$/

const fieldIssues = (ref: { readonly fieldPath?: string | undefined; readonly apiVersion?: string | undefined }, path: Path): ReadonlyArray<Issue> => {
  const out: Array<Issue> = []
  // a missing fieldPath is the schema's finding
  const fieldPath = ref.fieldPath
  const key = fieldPath === undefined ? undefined : subscripted.exec(fieldPath)?.[2]
  if (fieldPath !== undefined && !podFields.has(fieldPath) && (key === undefined || labelKeyErrors(key).length > 0)) {
    out.push(error("env", [...path, "fieldPath"], `fieldPath ${JSON.stringify(fieldPath)} is not a pod field an env var can read (${[...podFields].join(", ")}, metadata.labels['<key>'], metadata.annotations['<key>'])`))
  }
  if (ref.apiVersion !== undefined && ref.apiVersion !== "" && ref.apiVersion !== "v1") {
    out.push(error("env", [...path, "apiVersion"], `apiVersion ${JSON.stringify(ref.apiVersion)}: only v1`))
  }
  return out
}

const cpuDivisors = ["1m", "1"]
const byteDivisors = ["1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei"]

/** The divisors the API server takes for the resource, compared as it compares them (their canonical text). */
const divisorIssues = (resource: string, divisor: string | number | undefined, path: Path): ReadonlyArray<Issue> => {
  if (divisor === undefined) return none
  const allowed = resource.endsWith(".cpu") ? cpuDivisors : byteDivisors
  return allowed.includes(String(canonical(divisor)))
    ? none
    : [error("env", [...path, "divisor"], `divisor ${JSON.stringify(String(divisor))} is not one the API server takes for ${resource}: ${allowed.join(", ")}`)]
}

// a missing resource is the schema's finding
const resourceIssues = (ref: { readonly resource?: string | undefined; readonly divisor?: string | number | undefined }, path: Path): ReadonlyArray<Issue> => {
  const resource = ref.resource
  if (resource === undefined) return none
  if (!containerResources.test(resource)) {
    return [error("env", [...path, "resource"], `resource ${JSON.stringify(resource)} is not a container resource an env var can read (limits.cpu, requests.memory, ...)`)]
  }
  return divisorIssues(resource, ref.divisor, path)
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
  if (from.fieldRef !== undefined) out.push(...fieldIssues(from.fieldRef, [...path, "valueFrom", "fieldRef"]))
  if (from.resourceFieldRef !== undefined) out.push(...resourceIssues(from.resourceFieldRef, [...path, "valueFrom", "resourceFieldRef"]))
  return out
}

/** One env entry's own rules (duplicates across the list are `fields.ts`'s). */
export const checkEnv = (env: L<EnvVar>, path: Path): ReadonlyArray<Issue> => {
  const name = env.name === undefined ? none : nameIssues(env.name, [...path, "name"])
  const source = sourceIssues(env, path)
  return name.length === 0 ? source : source.length === 0 ? name : [...name, ...source]
}

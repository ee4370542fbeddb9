/**
 * Where the webhook takes license, host and port from (spec 5.7): the target's envs,
 * looked up by several names in a fixed order, else the operator process' own
 * `WHATAP_LICENSE` / `WHATAP_HOST` / `WHATAP_PORT`. The CR's `spec.license/host/port`
 * are not used here (that is the reconciler's path, spec 10.1).
 *
 * Deliberate difference: a target env found here that is defined with `valueFrom`
 * (a Secret key, say) is injected as that `valueFrom`. The Go operator reads its empty
 * `.value` and forces an empty license/host/port onto every container, so the agent
 * cannot connect; copying the source keeps the credential out of the pod spec as well.
 */
import type { KubeTypes } from "@whatap-operator/core"
import { Redacted } from "effect"
import * as Env from "./Env.ts"
import * as Names from "./Names.ts"
import type { EnvVar, EnvVarSource } from "./Pod.ts"

/** The operator process' credentials (its env, from the Secret `whatap-credentials`). */
export interface Credentials {
  readonly license: Redacted.Redacted<string>
  readonly host: string
  readonly port: string
}

export type Credential = { readonly _tag: "Value"; readonly value: string } | { readonly _tag: "From"; readonly source: EnvVarSource }

export interface Resolved {
  readonly license: Credential
  readonly host: Credential
  readonly port: Credential
}

const licenseKeys = [Names.env.license, Names.java.license]
const hostKeys = [Names.env.host, Names.java.host, Names.python.host, Names.nodejs.host]
const portKeys = [Names.env.port, Names.java.port, Names.python.port, Names.nodejs.port]

/** The first key (in key order) that any entry has; of that key the first entry. */
const find = (envs: ReadonlyArray<KubeTypes.EnvVar>, keys: ReadonlyArray<string>): KubeTypes.EnvVar | undefined => {
  for (const key of keys) {
    const found = envs.find((e) => e.name === key)
    if (found !== undefined) return found
  }
  return undefined
}

const credential = (envs: ReadonlyArray<KubeTypes.EnvVar>, keys: ReadonlyArray<string>, fallback: string): Credential => {
  const entry = find(envs, keys)
  if (entry === undefined) return { _tag: "Value", value: fallback }
  return entry.valueFrom === undefined ? { _tag: "Value", value: entry.value ?? "" } : { _tag: "From", source: entry.valueFrom }
}

export const resolve = (envs: ReadonlyArray<KubeTypes.EnvVar>, operator: Credentials): Resolved => ({
  license: credential(envs, licenseKeys, Redacted.value(operator.license)),
  host: credential(envs, hostKeys, operator.host),
  port: credential(envs, portKeys, operator.port)
})

/** The env entry `name` carrying a credential. */
export const envVar = (name: string, credential: Credential): EnvVar =>
  credential._tag === "Value" ? Env.literal(name, credential.value) : { name, valueFrom: Env.goSource(credential.source) }

/** The three entries of every language's init container, and of Java's: WHATAP_LICENSE, WHATAP_HOST, WHATAP_PORT. */
export const initEnv = (resolved: Resolved): ReadonlyArray<EnvVar> => [
  envVar(Names.env.license, resolved.license),
  envVar(Names.env.host, resolved.host),
  envVar(Names.env.port, resolved.port)
]

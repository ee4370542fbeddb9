/**
 * Check 3: the WhatapAgent `whatap` (the only one APM injection reads) exists and passes
 * the same validator as `whatapctl validate` and the admission webhook (D1): errors fail,
 * warnings are shown. Check 4: the credentials the agents read from the Secret
 * `whatap-credentials` are there, key by key, unless the CR carries them itself. Values
 * are never read into the output: only whether each key is present and non-empty.
 */
import { Decode, Finding, Naming, Validate, type WhatapAgent } from "@whatap-operator/core"
import { ApiResource, KubeClient, type KubeObject } from "@whatap-operator/kube"
import { Effect, Option } from "effect"
import { printable } from "../../Printable.ts"
import * as Check from "./Check.ts"

const agentTitle = "WhatapAgent valid"

const findingLine = (f: Finding.Finding): string => `${f.severity}: ${printable(Finding.formatPath(f.path))}: ${printable(f.message)}`

const validate = (object: KubeObject.KubeObject): Check.Outcome => {
  const findings = Validate.resource(object)
  const errors = findings.filter((f) => f.severity === "error")
  const warnings = findings.filter((f) => f.severity === "warning")
  const agent = Option.getOrUndefined(Decode.as("WhatapAgent", object).value)
  const learnt = { agentObject: object, agent }
  const counts = `${errors.length} error${errors.length === 1 ? "" : "s"}, ${warnings.length} warning${warnings.length === 1 ? "" : "s"}`
  if (errors.length > 0) {
    return { ...Check.fail(agentTitle, `WhatapAgent ${Naming.agentName}: ${counts}`, `correct the fields named above (kubectl edit whatapagent ${Naming.agentName}); whatapctl validate checks a file before it is applied`, findings.map(findingLine)), learnt }
  }
  if (warnings.length > 0) return { ...Check.warn(agentTitle, `WhatapAgent ${Naming.agentName}: ${counts}`, warnings.map(findingLine)), learnt }
  return { ...Check.ok(agentTitle, `WhatapAgent ${Naming.agentName}: no errors, no warnings`), learnt }
}

export const agentStep: Check.Step = {
  title: agentTitle,
  skipIf: (facts) => Check.needsApi(facts) ?? (facts.crds === false ? "the WhatapAgent CRD is not installed" : undefined),
  run: () =>
    Effect.gen(function*() {
      const kube = yield* KubeClient
      const got = yield* Effect.result(kube.get(ApiResource.WhatapAgent, Naming.agentName))
      if (got._tag === "Success") return validate(got.success)
      if (got.failure.reason !== "NotFound") return Check.callFailed(agentTitle, `read WhatapAgent ${Naming.agentName}`, got.failure)
      return Check.fail(agentTitle, `there is no WhatapAgent named ${Naming.agentName} (the only one the operator's APM webhook reads)`, `create it: kubectl apply -f <file> (a minimal one: deploy/samples/whatap-agent-basic.yaml)`)
    })
}

const credentialsTitle = "credentials Secret present"

type Json = Readonly<Record<string, unknown>>
const isRecord = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)

/** The credential keys the agents take from the Secret: those the CR does not set itself. */
export const neededKeys = (agent: WhatapAgent.WhatapAgent): ReadonlyArray<string> => {
  const keys = Naming.credentialKeys
  const literal = { [keys.license]: agent.spec.license !== undefined, [keys.host]: (agent.spec.host ?? "") !== "", [keys.port]: (agent.spec.port ?? "") !== "" }
  return [keys.license, keys.host, keys.port].filter((k) => literal[k] !== true)
}

/** Whether any component that reads the credentials is enabled. */
export const readsCredentials = (agent: WhatapAgent.WhatapAgent): boolean => {
  const f = agent.spec.features
  return f.k8sAgent?.masterAgent?.enabled === true || f.k8sAgent?.nodeAgent?.enabled === true || f.openAgent?.enabled === true
}

/** Keys of the Secret with a non-empty value (data is base64, stringData is never returned). */
export const presentKeys = (secret: KubeObject.KubeObject): ReadonlySet<string> => {
  const data = isRecord(secret["data"]) ? secret["data"] : {}
  return new Set(Object.entries(data).filter(([, v]) => typeof v === "string" && v !== "").map(([k]) => k))
}

const createFix = (namespace: string, keys: ReadonlyArray<string>): string => {
  const example: Readonly<Record<string, string>> = { WHATAP_LICENSE: "<license>", WHATAP_HOST: "<host>", WHATAP_PORT: "6600" }
  return `kubectl -n ${namespace} create secret generic ${Naming.credentialsSecret} ${keys.map((k) => `--from-literal=${k}=${example[k] ?? "<value>"}`).join(" ")}`
}

export const credentialsStep: Check.Step = {
  title: credentialsTitle,
  skipIf: Check.needsAgent,
  run: (facts) =>
    Effect.gen(function*() {
      const agent = facts.agent
      if (agent === undefined) return Check.ok(credentialsTitle, "not checked: the WhatapAgent does not decode (see above)")
      const needed = neededKeys(agent)
      if (needed.length === 0) return Check.ok(credentialsTitle, "not needed: the WhatapAgent sets license, host and port itself")
      if (!readsCredentials(agent)) return Check.ok(credentialsTitle, "not needed: no enabled component (master agent, node agent, OpenAgent) reads it")
      const kube = yield* KubeClient
      const where = `${facts.namespace}/${Naming.credentialsSecret}`
      const got = yield* Effect.result(kube.get(ApiResource.Secret, Naming.credentialsSecret, { namespace: facts.namespace }))
      if (got._tag === "Failure") {
        if (got.failure.reason !== "NotFound") return Check.callFailed(credentialsTitle, `read Secret ${where}`, got.failure)
        return Check.fail(credentialsTitle, `Secret ${where} does not exist; the agents read ${needed.join(", ")} from it and cannot start`, createFix(facts.namespace, needed))
      }
      const present = presentKeys(got.success)
      const missing = needed.filter((k) => !present.has(k))
      if (missing.length === 0) return Check.ok(credentialsTitle, `Secret ${where} has ${needed.join(", ")}`)
      return Check.fail(credentialsTitle, `Secret ${where} lacks ${missing.join(", ")} (or they are empty)`, `kubectl -n ${facts.namespace} delete secret ${Naming.credentialsSecret} && ${createFix(facts.namespace, needed)}`)
    })
}

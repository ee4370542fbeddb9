/**
 * `WHATAP_LICENSE`, `WHATAP_HOST`, `WHATAP_PORT` of the master agent, node agent and
 * OpenAgent (spec 4.5): the CR's literal value when it has one, else a reference to the
 * Secret `whatap-credentials` under the same key. The only place that unwraps the
 * license: the decoded CR carries it as a `Redacted`, the rendered env as a plain value,
 * as the Go operator writes it.
 */
import { Redacted } from "effect"
import { Naming, type KubeTypes, type WhatapAgent } from "@whatap-operator/core"

const credential = (key: string, literal: string | undefined): KubeTypes.EnvVar =>
  literal !== undefined && literal !== ""
    ? { name: key, value: literal }
    : { name: key, valueFrom: { secretKeyRef: { name: Naming.credentialsSecret, key } } }

/** The three credential env vars, in the Go operator's order. */
export const env = (agent: WhatapAgent.WhatapAgent): ReadonlyArray<KubeTypes.EnvVar> => {
  const { license, host, port } = agent.spec
  return [
    credential(Naming.credentialKeys.license, license === undefined ? undefined : Redacted.value(license)),
    credential(Naming.credentialKeys.host, host),
    credential(Naming.credentialKeys.port, port)
  ]
}

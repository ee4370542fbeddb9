/**
 * The sentences `inject` and `explain` print for people: a pod's outcome, and the notes
 * (stderr) about the input as a whole. Names only, never a credential value.
 */
import { Naming } from "@whatap-operator/core"
import type { Inject } from "@whatap-operator/injector"
import { Redacted } from "effect"
import * as Meta from "../../Meta.ts"
import type { Evaluated } from "./Evaluate.ts"
import { noCrdNote } from "./Agent.ts"
import { displayName } from "./Input.ts"
import type { Settings } from "./Settings.ts"

/** `injected by target web (java 2.2.58, image ...)` or `not injected: Reason: message`. */
export const outcome = (o: Inject.Outcome): string =>
  o.injected
    ? `injected by target ${o.target.name} (${o.language} ${o.version}, image ${o.image})`
    : `not injected: ${o.reason}: ${o.message}`

const note = (text: string): string => `${Meta.name}: note: ${text}\n`

const agentNote = (settings: Settings): ReadonlyArray<string> => {
  if (settings.agent.crdMissing === true) return [note(`${noCrdNote}, so there is no WhatapAgent and the webhook injects no pod (--agent FILE tries one)`)]
  if (settings.agent.absent === true) {
    return [note(`the cluster has no WhatapAgent named ${JSON.stringify(Naming.agentName)}, so the webhook injects no pod (--agent FILE tries one)`)]
  }
  return settings.agent.agent === undefined
    ? [note(`the WhatapAgent in ${settings.agentFile === undefined ? "the cluster" : displayName(settings.agentFile)} is named ${JSON.stringify(settings.agent.name)}; the webhook only reads the one named ${JSON.stringify(Naming.agentName)}, so it injects nothing`)]
    : []
}

/** Which of WHATAP_LICENSE/HOST/PORT this process lacks, when something was injected with them. */
const credentialsNote = (results: ReadonlyArray<Evaluated>, settings: Settings): ReadonlyArray<string> => {
  const c = settings.credentials
  const missing = [
    ...(Redacted.value(c.license) === "" ? [Naming.credentialKeys.license] : []),
    ...(c.host === "" ? [Naming.credentialKeys.host] : []),
    ...(c.port === "" ? [Naming.credentialKeys.port] : [])
  ]
  if (missing.length === 0 || !results.some((r) => r.outcome.injected)) return []
  return [note(`${missing.join(", ")} not set in this environment: a target that does not set ${missing.length === 1 ? "it" : "them"} in its envs injects an empty value (the operator takes ${missing.length === 1 ? "it" : "them"} from the Secret ${Naming.credentialsSecret})`)]
}

/** The notes about the whole run that both commands print. */
export const common = (results: ReadonlyArray<Evaluated>, settings: Settings): ReadonlyArray<string> =>
  [...agentNote(settings), ...credentialsNote(results, settings)]

export const redacted = note("license values are printed as [redacted]; --show-secrets prints them (the output can then be applied)")

export const workloads = note("a workload is printed with its pod template mutated as the webhook mutates each pod created from it; the webhook never changes the workload itself, and existing pods change only when they are re-created")

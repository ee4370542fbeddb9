/**
 * The WhatapAgent of `inject` and `explain` (`--agent FILE`): validated as
 * `whatapctl validate` does (an error is a FILE:LINE:COL finding and exit 1), then
 * decoded. Exactly one WhatapAgent must be in the file. The webhook only reads the
 * agent named `whatap` (spec 5.2), so one of another name is kept out of the context,
 * which then says NoAgent, as a cluster would; the caller prints why.
 */
import { Decode, Naming, type WhatapAgent } from "@whatap-operator/core"
import { Option, Redacted, Result } from "effect"
import { checkText } from "../validate/Check.ts"
import * as Source from "../validate/Source.ts"
import { line } from "../validate/Text.ts"
import { displayName } from "./Input.ts"

export interface Loaded {
  /** The agent as the webhook sees it: undefined when it is not named `whatap`. */
  readonly agent: WhatapAgent.WhatapAgent | undefined
  /** The agent's own name (for the note when it is not `whatap`). */
  readonly name: string
  /** Literal license values in the CR (spec.license, target envs), to redact wherever they show up. */
  readonly licenses: ReadonlyArray<string>
  /** The cluster has no WhatapAgent named `whatap` (a live pod without `--agent`). */
  readonly absent?: boolean
  /** ... because it does not serve WhatapAgents at all: the CRD is not installed. */
  readonly crdMissing?: boolean
}

/**
 * No WhatapAgent named `whatap` in the cluster: the webhook injects no pod, which is an
 * answer (every pod `NoAgent`, exit 1), not an error.
 */
export const absent: Loaded = { agent: undefined, name: Naming.agentName, licenses: [], absent: true }

/** What `explain --pod` and `plan` say of a cluster without the WhatapAgent CRD. */
export const noCrdNote = "the cluster has no WhatapAgent CRD (whatapagents.monitoring.whatap.com; install the CRDs with `whatapctl crds | kubectl apply --server-side -f -`)"

/** `absent`, in a cluster without the WhatapAgent CRD. */
export const noCrd: Loaded = { ...absent, crdMissing: true }

export type Failure =
  | { readonly _tag: "Invalid"; readonly lines: ReadonlyArray<string> }
  | { readonly _tag: "Usage"; readonly message: string }

type Json = { readonly [key: string]: unknown }
const isRecord = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)

/**
 * The env names the mutation treats as a license (spec 5.6/5.7: `WHATAP_LICENSE` for the
 * init container and Node.js, `license` for Java and Python).
 */
export const licenseEnvNames: ReadonlySet<string> = new Set([Naming.credentialKeys.license, "license"])

const agentValues = (input: string): ReadonlyArray<unknown> => {
  const out: Array<unknown> = []
  const visit = (value: unknown): void => {
    if (!isRecord(value)) return
    const items = value["items"]
    if (typeof value["kind"] === "string" && value["kind"].endsWith("List") && Array.isArray(items)) items.forEach(visit)
    else if (value["kind"] === "WhatapAgent") out.push(value)
  }
  for (const doc of Source.documents(input)) if (doc._tag === "Parsed") visit(doc.value)
  return out
}

const licensesOf = (agent: WhatapAgent.WhatapAgent): ReadonlyArray<string> => {
  const own = agent.spec.license === undefined ? [] : [Redacted.value(agent.spec.license)]
  const targets = agent.spec.features.apm?.instrumentation?.targets ?? []
  const fromEnvs = targets.flatMap((t) => (t.envs ?? []).filter((e) => licenseEnvNames.has(e.name)).flatMap((e) => (e.value === undefined ? [] : [e.value])))
  return [...own, ...fromEnvs].filter((l) => l !== "")
}

/** The agent of `file` (its text already read). */
export const load = (file: string, input: string): Result.Result<Loaded, Failure> => {
  const shown = displayName(file)
  const errors = checkText(shown, input).resources.flatMap((r) => r.findings.filter((f) => f.severity === "error"))
  if (errors.length > 0) return Result.fail({ _tag: "Invalid", lines: errors.map((f) => line(shown, f)) })
  const agents = agentValues(input).flatMap((v) => Option.toArray(Decode.as("WhatapAgent", v).value))
  const [agent] = agents
  if (agent === undefined || agents.length > 1) {
    return Result.fail({ _tag: "Usage", message: `expected exactly one WhatapAgent in ${shown}, found ${agents.length}` })
  }
  return Result.succeed({
    agent: agent.metadata.name === Naming.agentName ? agent : undefined,
    name: agent.metadata.name ?? "",
    licenses: licensesOf(agent)
  })
}

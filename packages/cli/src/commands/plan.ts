/**
 * `whatapctl plan --agent CR` (B2): what applying the WhatapAgent of a file would change
 * for APM injection in a live cluster, before it is applied. The workloads' pod templates
 * go through the webhook's own mutation with the cluster's WhatapAgent and with the
 * file's, in their namespaces with the live namespace labels: workloads newly matched,
 * no longer matched or injected differently, targets shadowed under first-match-wins,
 * and the added init-container requests against each namespace's ResourceQuotas.
 * Nothing is written to the cluster.
 *
 * Exit 0: the plan is printed; 1: the CR is invalid (findings on stderr) or a quota would
 * be exceeded or would refuse the pods; 2: usage errors, an unusable kubeconfig or a
 * cluster that cannot be read.
 */
import { Decode, Naming, RolloutRestart, Validate, type WhatapAgent } from "@whatap-operator/core"
import { ApiResource, KubeClient, type KubeError, type KubeObject } from "@whatap-operator/kube"
import { Effect, Option, Result } from "effect"
import * as Args from "../Args.ts"
import * as Cluster from "../Cluster.ts"
import type { Handler } from "../Command.ts"
import * as Exit from "../Exit.ts"
import { Io, IoError } from "../Io.ts"
import * as Meta from "../Meta.ts"
import * as Progress from "../Progress.ts"
import * as Style from "../Style.ts"
import * as Agent from "./inject/Agent.ts"
import { displayName } from "./inject/Input.ts"
import * as Evaluate from "./plan/Evaluate.ts"
import * as Quota from "./plan/Quota.ts"
import * as Report from "./plan/Report.ts"
import * as Workloads from "./plan/Workloads.ts"
import { readText } from "./validate/Encoding.ts"
import { parseNamespace } from "./run.ts"
import * as Structured from "../Structured.ts"

const usage = (message: string) => new Exit.UsageError({ message, command: "plan" })

const checked = <A>(result: Result.Result<A, string>) =>
  Result.isFailure(result) ? Effect.fail(usage(result.failure)) : Effect.succeed(result.success)

const readError = (e: KubeError) => new IoError({ message: `cannot read the cluster: ${Cluster.describe(e)}` })

/** A list; a kind the server does not serve (404) is an empty one. */
const listAll = (resource: ApiResource.ApiResource) =>
  Effect.gen(function*() {
    const kube = yield* KubeClient
    return yield* kube.list(resource).pipe(
      Effect.map((l) => l.items),
      Effect.catchIf((e) => e.reason === "NotFound", () => Effect.succeed<ReadonlyArray<KubeObject.KubeObject>>([]))
    )
  })

/**
 * A note on the cluster's CR when the validator finds errors in it: the operator applies
 * nothing from it (InvalidSpec), while the webhook injects by its targets as they are, which
 * is what the plan's "before" shows.
 */
export const storedAgentNote = (stored: KubeObject.KubeObject): string | undefined => {
  if (Option.isNone(Decode.as("WhatapAgent", stored).value)) {
    return `${Meta.name}: note: the cluster's WhatapAgent ${Naming.agentName} does not decode (kubectl get whatapagent ${Naming.agentName} -o yaml | whatapctl validate -): the plan compares with no CR\n`
  }
  const errors = Validate.resource(stored).filter((f) => f.severity === "error").length
  return errors === 0
    ? undefined
    : `${Meta.name}: note: the cluster's WhatapAgent ${Naming.agentName} has ${errors} validation error${errors === 1 ? "" : "s"} (kubectl get whatapagent ${Naming.agentName} -o yaml | whatapctl validate -): the operator applies nothing from it, and the webhook injects by its targets as they are\n`
}

/** Everything the plan reads, in one pass: the agent, namespaces, workloads and quotas. */
export const readCluster = Effect.gen(function*() {
  const agent = yield* Cluster.currentAgent
  const namespaces = yield* listAll(ApiResource.Namespace)
  const lists = yield* Effect.forEach(Workloads.kinds, (kind) => Effect.map(listAll(kind.resource), (items) => Workloads.fromList(kind, items)))
  const quotas = yield* listAll(ApiResource.ResourceQuota)
  return {
    agent,
    namespaces: new Map(namespaces.map((n) => [n.metadata.name ?? "", n.metadata.labels ?? {}] as const)),
    workloads: lists.flat(),
    quotas
  }
}).pipe(Effect.mapError(readError), Progress.during("reading the WhatapAgent, namespaces, workloads and ResourceQuotas"))

const loadAgent = (file: string) =>
  Effect.gen(function*() {
    const io = yield* Io
    const loaded = Agent.load(file, yield* readText(file))
    if (Result.isSuccess(loaded)) return loaded.success
    if (loaded.failure._tag === "Usage") return yield* usage(loaded.failure.message)
    // validate's finding lines, already printable
    yield* io.err(loaded.failure.lines.map((l) => `${l}\n`).join(""))
    return undefined
  })

export const run: Handler = (parsed) =>
  Effect.gen(function*() {
    const io = yield* Io
    const format = yield* checked(Args.choice(parsed, "output", Structured.formats, "text"))
    const operatorNamespace = yield* checked(parseNamespace(parsed.values.get("namespace") ?? Naming.defaultNamespace))
    const file = parsed.values.get("agent")
    if (file === undefined) return yield* usage("--agent FILE is required: the WhatapAgent to plan")
    if (parsed.operands.length > 0) return yield* usage("plan takes no operands; give the CR with --agent FILE")
    const loaded = yield* loadAgent(file)
    if (loaded === undefined) return Exit.failed
    const cluster = yield* readCluster.pipe(Effect.provide(Cluster.layer(parsed)))
    const stored = Option.getOrUndefined(cluster.agent.stored)
    if (cluster.agent.crdMissing) yield* io.err(`${Meta.name}: note: ${Agent.noCrdNote}; applying the CR fails until then\n`)
    const note = stored === undefined ? undefined : storedAgentNote(stored)
    if (note !== undefined) yield* io.err(note)
    const before: WhatapAgent.WhatapAgent | undefined = stored === undefined ? undefined : Option.getOrUndefined(Decode.as("WhatapAgent", stored).value)
    // The webhook reads only the agent named `whatap`: a CR of another name leaves injection as it is.
    const after = loaded.agent ?? before
    if (loaded.agent === undefined) {
      yield* io.err(`${Meta.name}: note: the CR is named ${JSON.stringify(loaded.name)}; APM injection reads only ${JSON.stringify(Naming.agentName)}, so applying it changes no injection\n`)
    }
    const plan = Evaluate.plan({ before, after, namespaces: cluster.namespaces, operatorNamespace, workloads: cluster.workloads })
    const quotas = Quota.check(cluster.quotas, plan.changes)
    const restart = RolloutRestart.settings(loaded.agent?.metadata.annotations)
    const header: Report.Header = {
      file: displayName(file),
      name: Naming.agentName,
      current: before !== undefined,
      ...(restart.enabled && loaded.agent !== undefined ? { rolloutRestart: { maxConcurrent: restart.maxConcurrent } } : {})
    }
    yield* io.out(format === "text" ? Report.text(header, plan, quotas, yield* Style.palette) : yield* Structured.as(format, Report.json(header, plan, quotas)))
    if (plan.changes.length > 0) {
      const how = header.rolloutRestart === undefined
        ? ` (kubectl rollout restart, or the operator's opt-in rollout restart: annotation ${Naming.rolloutRestart.annotation}: ${Naming.rolloutRestart.enabled})`
        : ""
      yield* io.err(`${Meta.name}: note: the webhook changes pods when they are created; running pods keep what they have until they are re-created${how}\n`)
    }
    return Quota.fails(quotas) ? Exit.failed : Exit.ok
  })

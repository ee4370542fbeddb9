/**
 * `whatapctl doctor` (B5): the checks, in the order a broken install is best diagnosed,
 * against the kubeconfig's cluster: API reachable, CRDs installed and current, the
 * WhatapAgent valid, the credentials Secret, an operator leading and the CR Ready, the
 * webhook reachable through the API server (a dry-run pod create), the webhook's
 * certificate against the caBundle, and the RBAC of the operator's ServiceAccount. Each
 * result is printed as soon as its check ends; every failure says how to fix it. The
 * only write is the dry-run create (nothing is stored) and the SubjectAccessReviews
 * (never stored either).
 *
 * Exit 0 when no check fails (warnings allowed), 1 when one does, 2 on usage errors and a
 * kubeconfig that cannot be used.
 */
import { LabelSyntax, Naming } from "@whatap-operator/core"
import type { KubeClient } from "@whatap-operator/kube"
import { Effect, Result } from "effect"
import * as Args from "../Args.ts"
import * as Cluster from "../Cluster.ts"
import type { Handler } from "../Command.ts"
import * as Exit from "../Exit.ts"
import { Io } from "../Io.ts"
import * as Progress from "../Progress.ts"
import * as Style from "../Style.ts"
import * as Agent from "./doctor/Agent.ts"
import * as Api from "./doctor/Api.ts"
import * as Certificate from "./doctor/Certificate.ts"
import type * as Check from "./doctor/Check.ts"
import * as Crds from "./doctor/Crds.ts"
import * as Operator from "./doctor/Operator.ts"
import * as Rbac from "./doctor/Rbac.ts"
import * as Report from "./doctor/Report.ts"
import * as Webhook from "./doctor/Webhook.ts"
import { parseNamespace } from "./run.ts"
import * as Structured from "../Structured.ts"

export const steps: ReadonlyArray<Check.Step> = [
  Api.step,
  Crds.step,
  Agent.agentStep,
  Agent.credentialsStep,
  Operator.step,
  Webhook.step,
  Certificate.step,
  Rbac.step
]

const usage = (message: string) => new Exit.UsageError({ message, command: "doctor" })

const checked = <A>(result: Result.Result<A, string>) =>
  Result.isFailure(result) ? Effect.fail(usage(result.failure)) : Effect.succeed(result.success)

const parseServiceAccount = (text: string): Result.Result<string, string> => {
  const errors = LabelSyntax.subdomainErrors(text)
  return errors.length === 0 ? Result.succeed(text) : Result.fail(`invalid --service-account ${JSON.stringify(text)}: ${errors.join("; ")}`)
}

/** Runs the steps in order; `report` hears each result as it is known. */
export const runSteps = (
  initial: Check.Facts,
  report: (index: number, result: Check.Result) => Effect.Effect<void, never, Io>
): Effect.Effect<ReadonlyArray<Check.Result>, never, KubeClient | Io> =>
  Effect.gen(function*() {
    let facts = initial
    const results: Array<Check.Result> = []
    for (const step of steps) {
      const skipped = step.skipIf(facts)
      const outcome: Check.Outcome = skipped === undefined
        ? yield* step.run(facts).pipe(Progress.during(`checking ${step.title}`))
        : { result: { title: step.title, status: "skip", summary: `skipped: ${skipped}`, details: [] } }
      facts = { ...facts, ...outcome.learnt }
      results.push(outcome.result)
      yield* report(results.length, outcome.result)
    }
    return results
  })

export const run: Handler = (parsed) =>
  Effect.gen(function*() {
    const io = yield* Io
    const format = yield* checked(Args.choice(parsed, "output", Structured.formats, "text"))
    const namespace = yield* checked(parseNamespace(parsed.values.get("namespace") ?? Naming.defaultNamespace))
    const serviceAccount = yield* checked(parseServiceAccount(parsed.values.get("service-account") ?? Naming.operatorAppName))
    if (parsed.operands.length > 0) return yield* usage("doctor takes no operands")
    const palette = yield* Style.palette
    const initial: Check.Facts = { namespace, serviceAccount, reachable: false, crds: false, agentObject: undefined, agent: undefined }
    // the header once the client is built: a kubeconfig that cannot be used is one error line, nothing on stdout
    const results = yield* Effect.gen(function*() {
      if (format === "text") yield* io.out(Report.header(namespace, serviceAccount))
      return yield* runSteps(initial, (index, result) => (format === "text" ? io.out(Report.block(index, result, palette)) : Effect.void))
    }).pipe(Effect.provide(Cluster.layer(parsed)))
    if (format !== "text") yield* io.out(yield* Structured.as(format, Report.json(namespace, serviceAccount, results)))
    yield* io.err(Report.summary(results))
    return results.some((r) => r.status === "fail") ? Exit.failed : Exit.ok
  })

/**
 * The flags and inputs shared by `inject` and `explain`: checked before any file is
 * read (a usage error is exit 2 and contacts nothing), then the files read once each
 * (`-` is stdin, which may hold the pods and the agent alike), the agent loaded and the
 * credentials taken from this process' environment, as the operator takes them from its
 * own (spec 5.7 fallback: WHATAP_LICENSE, WHATAP_HOST, WHATAP_PORT).
 */
import { LabelSyntax, Naming } from "@whatap-operator/core"
import type { Inject } from "@whatap-operator/injector"
import { Config, Effect, Redacted, Result } from "effect"
import type * as Args from "../../Args.ts"
import * as Exit from "../../Exit.ts"
import { Io } from "../../Io.ts"
import { readText } from "../validate/Encoding.ts"
import { parseLabels } from "../selector/match.ts"
import * as Agent from "./Agent.ts"
import * as Input from "./Input.ts"

export interface Flags {
  readonly files: ReadonlyArray<string>
  /** `--agent`; without it (only with `--pod`) the cluster's WhatapAgent `whatap`. */
  readonly agentFile: string | undefined
  /** `--pod NAME` (explain): the pod read from the cluster, in `--namespace` (default `default`). */
  readonly pod: string | undefined
  /** `--namespace`: overrides every object's own namespace. */
  readonly namespace: string | undefined
  readonly namespaceLabels: Readonly<Record<string, string>>
  readonly operatorNamespace: string
  readonly showSecrets: boolean
}

export interface Settings extends Flags {
  readonly credentials: Inject.Credentials
  readonly agent: Agent.Loaded
  readonly input: Input.Parsed
  /** Every license value known to this run, for redaction. */
  readonly licenses: ReadonlySet<string>
}

export const usage = (command: string) => (message: string) => new Exit.UsageError({ message, command })

const checked = <A>(command: string, result: Result.Result<A, string>) =>
  Result.isFailure(result) ? Effect.fail(usage(command)(result.failure)) : Effect.succeed(result.success)

const podName = (name: string): Result.Result<string, string> => {
  const errors = LabelSyntax.subdomainErrors(name)
  return errors.length === 0 ? Result.succeed(name) : Result.fail(`invalid --pod ${JSON.stringify(name)}: ${errors.join("; ")}`)
}

const namespaceFlag = (parsed: Args.Parsed, flag: string): Result.Result<string | undefined, string> => {
  const value = parsed.values.get(flag)
  if (value === undefined) return Result.succeed(undefined)
  const errors = LabelSyntax.dnsLabelErrors(value)
  return errors.length === 0 ? Result.succeed(value) : Result.fail(`invalid --${flag} ${JSON.stringify(value)}: ${errors.join("; ")}`)
}

/** The flags, checked; nothing is read yet. */
export const flags = (command: string, parsed: Args.Parsed) =>
  Effect.gen(function*() {
    const files = [...(parsed.lists.get("filename") ?? []), ...parsed.operands]
    const pod = parsed.values.get("pod")
    if (pod !== undefined && files.length > 0) return yield* usage(command)("--pod reads the pod from the cluster: give it or -f FILE, not both")
    if (pod !== undefined) yield* checked(command, podName(pod))
    if (files.length === 0 && pod === undefined) return yield* usage(command)(`no input: give the pod or workload with -f FILE (- for stdin)${command === "explain" ? ", or --pod NAME to read it from the cluster" : ""}`)
    const agentFile = parsed.values.get("agent")
    if (agentFile === undefined && pod === undefined) return yield* usage(command)("--agent FILE is required: the WhatapAgent whose targets apply")
    const namespace = yield* checked(command, namespaceFlag(parsed, "namespace"))
    const operatorNamespace = yield* checked(command, namespaceFlag(parsed, "operator-namespace"))
    const namespaceLabels = yield* checked(command, parseLabels(parsed.values.get("namespace-labels") ?? ""))
    return {
      files,
      agentFile,
      pod,
      namespace,
      namespaceLabels,
      operatorNamespace: operatorNamespace ?? Naming.defaultNamespace,
      showSecrets: parsed.switches.has("show-secrets")
    } satisfies Flags
  })

/** The live objects of `--pod` (the Kubernetes client is loaded only then). */
const liveObjects = (parsed: Args.Parsed, checked: Flags) =>
  checked.pod === undefined
    ? Effect.succeed(undefined)
    : Effect.flatMap(Effect.promise(() => import("./Live.ts")), (Live) => Live.read(parsed, checked.pod ?? "", checked.namespace ?? "default", checked.agentFile === undefined))

const env = (name: string) => Config.String(name).pipe(Config.withDefault(""))

/** The CLI process' WHATAP_LICENSE/HOST/PORT; unset is empty, as for the operator without its Secret. */
export const credentials = Effect.gen(function*() {
  const license = yield* env(Naming.credentialKeys.license)
  const host = yield* env(Naming.credentialKeys.host)
  const port = yield* env(Naming.credentialKeys.port)
  return { license: Redacted.make(license), host, port } satisfies Inject.Credentials
}).pipe(Effect.orElseSucceed((): Inject.Credentials => ({ license: Redacted.make(""), host: "", port: "" })))

/** Each path read once, in order of first use. */
const readOnce = (paths: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const texts = new Map<string, string>()
    for (const path of paths) {
      if (!texts.has(path)) texts.set(path, yield* readText(path))
    }
    return texts
  })

export type Loaded =
  | { readonly _tag: "Ready"; readonly settings: Settings }
  | { readonly _tag: "Invalid"; readonly lines: ReadonlyArray<string> }

const invalid = (lines: ReadonlyArray<string>): Loaded => ({ _tag: "Invalid", lines })
const ready = (settings: Settings): Loaded => ({ _tag: "Ready", settings })

/** Flags, files, agent and credentials; invalid input is its findings (exit 1), the rest usage errors. */
export const load = (command: string, parsed: Args.Parsed) =>
  Effect.gen(function*() {
    const fromFlags = yield* flags(command, parsed)
    const texts = yield* readOnce([...fromFlags.files, ...(fromFlags.agentFile === undefined ? [] : [fromFlags.agentFile])])
    const live = yield* liveObjects(parsed, fromFlags)
    const agentSource = fromFlags.agentFile === undefined ? live?.agent : { file: fromFlags.agentFile, text: texts.get(fromFlags.agentFile) ?? "" }
    // without --agent, a cluster without the WhatapAgent is an answer: the webhook injects nothing
    const agent = agentSource === undefined ? Result.succeed(live?.crdMissing === true ? Agent.noCrd : Agent.absent) : Agent.load(agentSource.file, agentSource.text)
    const sources = live === undefined ? fromFlags.files.map((file) => ({ file, text: texts.get(file) ?? "" })) : [live.pod]
    const input = Input.readAll(sources)
    // a live pod's namespace labels are the cluster's, --namespace-labels on top
    const checkedFlags: Flags = live === undefined
      ? fromFlags
      : { ...fromFlags, namespace: fromFlags.namespace ?? "default", namespaceLabels: { ...live.namespaceLabels, ...fromFlags.namespaceLabels } }
    const findings = [...input.errors, ...(Result.isFailure(agent) && agent.failure._tag === "Invalid" ? agent.failure.lines : [])]
    if (findings.length > 0) return invalid(findings)
    if (Result.isFailure(agent)) return yield* usage(command)(agent.failure._tag === "Usage" ? agent.failure.message : "invalid agent")
    if (input.units.length === 0) {
      return yield* usage(command)(`no Pod or workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob) in ${checkedFlags.files.map(Input.displayName).join(", ")}`)
    }
    const creds = yield* credentials
    const license = Redacted.value(creds.license)
    const licenses = new Set([...agent.success.licenses, ...(license === "" ? [] : [license])])
    const settings: Settings = { ...checkedFlags, credentials: creds, agent: agent.success, input, licenses }
    return ready(settings)
  })

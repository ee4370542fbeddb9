/**
 * The command tree and the dispatcher: finds the command for argv, parses its flags,
 * runs the lazily loaded handler and turns every failure into an exit code with a
 * message on stderr. Nothing here throws; a defect is reported as an internal error.
 */
import { Cause, Effect, Result } from "effect"
import * as Args from "./Args.ts"
import { type Command, outputFlag } from "./Command.ts"
import * as Exit from "./Exit.ts"
import * as Help from "./Help.ts"
import { Io, type IoError } from "./Io.ts"
import * as Meta from "./Meta.ts"
import { goOperatorFlags } from "./commands/run/GoFlags.ts"
import { printable, printableLines } from "./Printable.ts"

/** The inputs of `inject` and `explain`: the pods, the agent, the namespace they are admitted in. */
const podInputFlags: ReadonlyArray<Args.FlagSpec> = [
  { name: "filename", alias: "f", takesValue: true, repeatable: true, valueName: "FILE", description: "a YAML file with Pods or workloads (repeatable; - for stdin)" },
  { name: "agent", takesValue: true, valueName: "FILE", description: "the WhatapAgent (required)" },
  { name: "namespace", alias: "n", takesValue: true, valueName: "NS", description: "the pods' namespace (default: each object's metadata.namespace, else default)" },
  { name: "namespace-labels", takesValue: true, valueName: "k=v,...", description: "labels of that namespace (kubernetes.io/metadata.name is added)" },
  { name: "operator-namespace", takesValue: true, valueName: "NS", description: "the operator's namespace, never injected (default whatap-monitoring)" },
  { name: "show-secrets", takesValue: false, description: "print license values instead of [redacted]" }
]

/**
 * The flags of the commands that read a live cluster (`plan`, `doctor`). Kept here, not in
 * `Cluster.ts`, so that building the command tree loads no Kubernetes client.
 */
const kubeconfigFlags: ReadonlyArray<Args.FlagSpec> = [
  { name: "kubeconfig", takesValue: true, valueName: "PATH", description: "kubeconfig file (default $KUBECONFIG, ~/.kube/config, then in-cluster)" },
  { name: "context", takesValue: true, valueName: "NAME", description: "kubeconfig context (default: the current one)" }
]

const clusterFlags: ReadonlyArray<Args.FlagSpec> = [
  ...kubeconfigFlags,
  { name: "namespace", alias: "n", takesValue: true, valueName: "NS", description: "the operator's namespace (default whatap-monitoring)" }
]

export const commands: ReadonlyArray<Command> = [
  {
    path: ["validate"],
    summary: "Validate WhaTap resources in YAML files (multi-document; - reads stdin)",
    operands: "FILE...",
    flags: [
      outputFlag(["text", "json", "sarif", "junit"]),
      { name: "strict", takesValue: false, description: "fail (exit 1) on warnings too" }
    ],
    details: "Text output: FILE:LINE:COL: error|warning: PATH: message (summary on stderr).\n" +
      "Documents that are not WhaTap resources are skipped. Exit 1 when any error is found.",
    examples: ["validate deploy/samples/whatap-agent-basic.yaml", "validate -o sarif k8s/*.yaml > whatap.sarif", "validate --strict -"],
    load: () => import("./commands/validate.ts").then((m) => m.run)
  },
  {
    path: ["selector", "match"],
    summary: "Check whether a label selector matches a set of labels",
    operands: "",
    flags: [
      { name: "selector", alias: "s", takesValue: true, valueName: "S", description: "selector: string form (app in (a,b),!legacy) or a JSON LabelSelector" },
      { name: "labels", alias: "l", takesValue: true, valueName: "k=v,...", description: "the labels to test (default: none)" },
      { name: "explain", takesValue: false, description: "print why each requirement did or did not match" },
      outputFlag(["text", "json", "yaml"])
    ],
    details: "Exit 0 on a match, 1 on no match, 2 on an invalid selector or labels.",
    examples: ["selector match -s 'app in (web,api),!legacy' -l app=web,tier=front --explain"],
    load: () => import("./commands/selector/match.ts").then((m) => m.run)
  },
  {
    path: ["render"],
    summary: "Print every object the operator would create for a WhatapAgent (and monitor CRs)",
    operands: "[FILE...]",
    flags: [
      { name: "filename", alias: "f", takesValue: true, repeatable: true, valueName: "FILE", description: "a YAML file with the WhatapAgent or monitor CRs (repeatable; - for stdin)" },
      { name: "namespace", alias: "n", takesValue: true, valueName: "NS", description: "the operator namespace (default whatap-monitoring)" },
      { name: "webhook-url", takesValue: true, valueName: "URL", description: "render the webhook with clientConfig.url (e.g. https://127.0.0.1:9443) instead of the Service" },
      { name: "show-secrets", takesValue: false, description: "print a license given in the CR instead of [redacted]" },
      { name: "diff", takesValue: false, description: "render OLD and NEW (the two operands) and print a unified diff of the objects" },
      { name: "gpu-nodes-labelled", takesValue: false, description: "render as the operator does when the GPU nodes carry nvidia.com/gpu.present=true (automatic GPU node selection); default: the Go operator's GPU mode" },
      outputFlag(["yaml", "json"])
    ],
    details: "Objects come out in the reconciler's order, byte-identical for the same input. The webhook\n" +
      "Secret and caBundle are generated by the running operator and are not printed.\n" +
      "--diff OLD NEW: a unified diff per object (named like kubectl diff's files), stable for PR comments;\n" +
      "exit 1 when the renders differ, 0 when they do not.\n" +
      "Exit 1 when an input document is invalid (findings on stderr), 2 on usage or I/O errors.",
    examples: ["render -f deploy/samples/whatap-agent-complete.yaml", "render --diff main/agent.yaml agent.yaml   # for a PR comment; exit 1 when they differ"],
    load: () => import("./commands/render.ts").then((m) => m.run)
  },
  {
    path: ["inject"],
    summary: "Print pods and workloads as the APM webhook would mutate them (like istioctl kube-inject)",
    operands: "[FILE...]",
    flags: [...podInputFlags, outputFlag(["yaml", "json", "patch"])],
    details: "Every Pod and workload pod template (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob)\n" +
      "is mutated by the webhook's own code; other documents pass through. -o patch: one JSON patch per document.\n" +
      "Credentials come from WHATAP_LICENSE, WHATAP_HOST and WHATAP_PORT, as the operator's do. A pod that is\n" +
      "not injected is printed as the webhook leaves it, with the reason on stderr (exit 0).\n" +
      "Exit 1 when an input is invalid (findings on stderr), 2 on usage or I/O errors.",
    examples: ["inject -f k8s/orders.yaml --agent agent.yaml -n shop | kubectl apply -f -", "inject -f pod.yaml --agent agent.yaml -o patch"],
    load: () => import("./commands/inject.ts").then((m) => m.run)
  },
  {
    path: ["explain"],
    summary: "Explain which APM target applies to a pod, why the others do not, and the patch",
    operands: "[FILE...]",
    flags: [
      ...podInputFlags.map((f) => (f.name === "agent" ? { ...f, description: "the WhatapAgent (required with -f; with --pod the cluster's by default)" } : f)),
      { name: "pod", takesValue: true, valueName: "NAME", description: "read the pod NAME (in -n NS, default default), its namespace's labels and, without --agent, the WhatapAgent from the cluster" },
      ...kubeconfigFlags,
      outputFlag(["text", "json", "yaml"])
    ],
    details: "For every Pod and workload pod template: each target's verdict (first match wins), the outcome,\n" +
      "the warnings and the JSON patch the webhook would apply (-o json shows it). With --pod the pod is\n" +
      "read from the cluster (the credentials are still this process' WHATAP_LICENSE/HOST/PORT).\n" +
      "Exit 0 when every pod is injected, 1 when one is not (or an input is invalid), 2 on usage or I/O errors.",
    examples: ["explain -f k8s/web.yaml --agent agent.yaml -n prod --namespace-labels team=web", "explain --pod web-7d9 -n shop"],
    load: () => import("./commands/explain.ts").then((m) => m.run)
  },
  {
    path: ["gpu", "inspect"],
    summary: "Show this machine's NVIDIA GPUs and MIG devices, and the GPU monitoring settings to use",
    operands: "",
    flags: [
      { name: "nvidia-smi-xml", takesValue: true, valueName: "FILE", description: "saved `nvidia-smi -q -x` output (- for stdin) instead of running nvidia-smi" },
      { name: "mig-lgi", takesValue: true, valueName: "FILE", description: "saved `nvidia-smi mig -lgi` output, for the MIG profile names" },
      outputFlag(["text", "json", "yaml"])
    ],
    details: "Without --nvidia-smi-xml it runs `nvidia-smi -q -x` (and `nvidia-smi mig -lgi` when a GPU is in MIG mode).\n" +
      "The recommendation (devices, host engine, metrics, pod attribution) is the one the operator's planner makes.\n" +
      "Exit 1 when the nvidia-smi output cannot be read (the message names what is missing), 2 on usage or I/O\n" +
      "errors and when nvidia-smi is not installed or fails.",
    examples: ["gpu inspect", "gpu inspect --nvidia-smi-xml smi.xml -o json"],
    load: () => import("./commands/gpu/inspect.ts").then((m) => m.run)
  },
  {
    path: ["plan"],
    summary: "Show what applying a WhatapAgent would change for APM injection in the live cluster",
    operands: "",
    flags: [
      { name: "agent", takesValue: true, valueName: "FILE", description: "the WhatapAgent to plan (required; - for stdin)" },
      ...clusterFlags,
      outputFlag(["text", "json", "yaml"])
    ],
    details: "Every workload's pod template goes through the webhook's own mutation with the cluster's WhatapAgent\n" +
      "and with the file's: workloads newly matched, unmatched or changed, targets shadowed by an earlier one\n" +
      "(first match wins), added requests against each namespace's ResourceQuotas. Nothing is written.\n" +
      "Exit 1 when the CR is invalid or a ResourceQuota would be exceeded or refuse the pods, 2 on usage errors\n" +
      "or when the cluster cannot be read.",
    examples: ["plan --agent agent.yaml", "plan --agent agent.yaml --context prod -o json"],
    load: () => import("./commands/plan.ts").then((m) => m.run)
  },
  {
    path: ["doctor"],
    summary: "Check an installation in the live cluster, in order, and say how to fix what fails",
    operands: "",
    flags: [
      ...clusterFlags,
      { name: "service-account", takesValue: true, valueName: "NAME", description: "the operator's ServiceAccount (default whatap-operator)" },
      outputFlag(["text", "json", "yaml"])
    ],
    details: "Checks: API server reachable, CRDs installed and current, the WhatapAgent valid, the credentials Secret,\n" +
      "an operator leading and the WhatapAgent Ready, the webhook reachable through the API server (a dry-run pod\n" +
      "create), the served certificate against the caBundle, the RBAC of the operator's ServiceAccount.\n" +
      "Exit 0 when no check fails, 1 when one does, 2 on usage errors or an unusable kubeconfig.",
    examples: ["doctor", "doctor --context prod -n whatap-monitoring -o json"],
    load: () => import("./commands/doctor.ts").then((m) => m.run)
  },
  {
    path: ["schema"],
    summary: "Print the JSON Schema of the WhaTap kinds, for editors (yaml-language-server)",
    operands: "[KIND]",
    flags: [outputFlag(["json", "yaml"])],
    details: "Without KIND, one schema for all four kinds (the kind field picks the definition); KIND is\n" +
      "WhatapAgent, WhatapPodMonitor, WhatapServiceMonitor or WhatapStaticEndpoint (or kubectl's names for them).\n" +
      "Generated from the same model as the CRDs. In a YAML file:\n" +
      "  # yaml-language-server: $schema=./whatap.schema.json",
    examples: ["schema > whatap.schema.json", "schema WhatapAgent -o yaml"],
    load: () => import("./commands/schema.ts").then((m) => m.run)
  },
  {
    path: ["run"],
    summary: "Run the operator against the current kubeconfig or the in-cluster config",
    operands: "",
    flags: [
      { name: "kubeconfig", takesValue: true, valueName: "PATH", description: "kubeconfig file (default $KUBECONFIG, ~/.kube/config, then in-cluster)" },
      { name: "context", takesValue: true, valueName: "NAME", description: "kubeconfig context" },
      { name: "namespace", alias: "n", takesValue: true, valueName: "NS", description: "operator namespace (default $WHATAP_DEFAULT_NAMESPACE, the pod's namespace, whatap-monitoring)" },
      { name: "leader-elect", takesValue: true, boolean: true, valueName: "true|false", description: "leader election on a Lease (default true; alone, as the Go operator's Deployment passes it, true)" },
      { name: "enable-gpu-memory-check", takesValue: true, boolean: true, valueName: "true|false", description: "restart node-agent pods whose dcgm-exporter uses more than 70% of its memory limit (leader only, every 30 s; needs metrics-server); default $ENABLED_WHATAP_DCGM_EXPORTER_MEMORY_CHECK, else false" },
      { name: "health-probe-bind-address", takesValue: true, valueName: "HOST:PORT", description: "/healthz, /readyz and /metrics (default :8081; 0 disables)" },
      { name: "metrics-bind-address", takesValue: true, valueName: "HOST:PORT", description: "an extra listener for /metrics only (default 0: none)" },
      { name: "webhook-url", takesValue: true, valueName: "URL", description: "the API server calls the webhook at this URL (outside a cluster: https://127.0.0.1:9443)" },
      { name: "webhook-bind-address", takesValue: true, valueName: "HOST:PORT", description: "where the admission webhooks are served (default :9443; 0 disables)" },
      { name: "webhook-ca-validity", takesValue: true, valueName: "DURATION", description: "lifetime of a new webhook CA (default 87600h)" },
      { name: "webhook-cert-validity", takesValue: true, valueName: "DURATION", description: "lifetime of a new webhook serving certificate (default 8760h)" },
      { name: "resync-period", takesValue: true, valueName: "DURATION", description: "reconcile every WhatapAgent at least this often (default 5m)" },
      { name: "identity", takesValue: true, valueName: "ID", description: "leader election identity (default hostname plus a random suffix)" },
      { name: "lease-duration", takesValue: true, valueName: "DURATION", description: "leader election lease duration (default 10s)" },
      { name: "log-level", takesValue: true, valueName: "LEVEL", description: "debug, info, warning or error (default info)" },
      { name: "jit", takesValue: true, valueName: "optimizing|baseline", description: "V8's compilers: optimizing (default) or baseline (no optimizing compilers: ~15 MiB less resident, slower admissions; the Helm chart's choice)" },
      ...goOperatorFlags
    ],
    details: "Logs are JSON lines on stdout. SIGTERM or SIGINT stops the controller, releases the Lease\n" +
      "and exits 0. The Go operator's flags (--leader-elect alone, --metrics-secure, --enable-http2, the\n" +
      "--zap-* flags) are accepted, so its Deployment's args run this operator unchanged.",
    examples: ["run --kubeconfig ~/.kube/config --webhook-url https://127.0.0.1:9443 --leader-elect false"],
    load: () => import("./commands/run.ts").then((m) => m.run)
  },
  {
    path: ["crds"],
    summary: "Print the CustomResourceDefinitions of the four WhaTap kinds as YAML",
    operands: "",
    flags: [],
    details: "",
    examples: ["crds | kubectl apply --server-side -f -"],
    load: () => import("./commands/crds.ts").then((m) => m.run)
  },
  {
    path: ["version"],
    summary: "Print the CLI version, the schema version and the default images",
    operands: "",
    flags: [outputFlag(["text", "json", "yaml"])],
    details: "",
    examples: ["version -o json"],
    load: () => import("./commands/version.ts").then((m) => m.run)
  }
]

const find = (argv: ReadonlyArray<string>): Command | undefined =>
  commands.find((c) => c.path.every((segment, i) => argv[i] === segment))

const usageError = (message: string, command: string) => new Exit.UsageError({ message, command })

/** The commands under a group name (`selector`, `gpu`); none for a plain command. */
const groupOf = (name: string): ReadonlyArray<Command> => commands.filter((c) => c.path.length > 1 && c.path[0] === name)

const isHelpFlag = (arg: string | undefined): boolean => arg === "--help" || arg === "-h"

/** `help [TOPIC...]`: the whole tool, a group, or a command (`-h` ignored); an unknown topic, or words after a command, is a usage error. */
const help = (words: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const io = yield* Io
    const topic = words.filter((w) => !isHelpFlag(w))
    const [name] = topic
    const command = [find(topic)].find((c) => c?.path.length === topic.length)
    const members = name === undefined ? [] : groupOf(name)
    if (name !== undefined && command === undefined && (members.length === 0 || topic.length > 1)) {
      return yield* usageError(`unknown help topic ${JSON.stringify(topic.join(" "))}`, "")
    }
    yield* io.out(command !== undefined ? Help.command(command) : name === undefined ? Help.root(commands) : Help.group(name, members))
    return Exit.ok
  })

const dispatch = (argv: ReadonlyArray<string>): Effect.Effect<Exit.Code, Exit.UsageError | IoError, Io> =>
  Effect.gen(function*() {
    const io = yield* Io
    const first = argv[0]
    if (first === undefined) return yield* usageError("no command given", "")
    if (first === "help" || isHelpFlag(first)) return yield* help(argv.slice(1))
    const command = first === "--version" ? find(["version"]) : find(argv)
    if (command === undefined) {
      const members = groupOf(first)
      if (members.length > 0 && isHelpFlag(argv[1])) return yield* help([first])
      const second = argv[1]
      const subcommands = members.map((c) => c.path.join(" ")).join(", ")
      const problem = second === undefined || second.startsWith("-")
        ? `${first} needs a subcommand: ${subcommands}`
        : `unknown command ${JSON.stringify(`${first} ${second}`)}; ${first} has: ${subcommands}`
      return yield* usageError(members.length === 0 ? `unknown command ${JSON.stringify(first)}` : problem, members.length === 0 ? "" : first)
    }
    const rest = first === "--version" ? argv.slice(1) : argv.slice(command.path.length)
    const parsed = Args.parse(rest, command.flags)
    if (Result.isFailure(parsed)) return yield* usageError(parsed.failure, command.path.join(" "))
    if (parsed.success.switches.has("help")) {
      yield* io.out(Help.command(command))
      return Exit.ok
    }
    const handler = yield* Effect.promise(command.load)
    return yield* handler(parsed.success)
  })

/** One line for a defect: a user gets the message to report, never a stack trace. */
const defectMessage = (cause: Cause.Cause<unknown>): string => {
  const error = Cause.squash(cause)
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  return message.split("\n")[0] ?? ""
}

/** Runs argv to an exit code; every message is already written when it completes. */
export const run = (argv: ReadonlyArray<string>): Effect.Effect<Exit.Code, never, Io> =>
  Effect.gen(function*() {
    const io = yield* Io
    return yield* dispatch(argv).pipe(
      Effect.catchTag("UsageError", (e) =>
        io.err(`${Meta.name}: ${printableLines(e.message)}\nRun '${Meta.name} ${e.command === "" ? "" : `${e.command} `}--help' for usage.\n`).pipe(Effect.as(Exit.usage))),
      Effect.catchTag("IoError", (e) => io.err(`${Meta.name}: ${printableLines(e.message)}\n`).pipe(Effect.as(Exit.usage))),
      Effect.catchCause((cause) =>
        io.err(`${Meta.name}: internal error: ${printable(defectMessage(cause))}\n`).pipe(Effect.as(Exit.usage)))
    )
  })

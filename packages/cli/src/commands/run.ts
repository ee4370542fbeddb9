/**
 * `whatapctl run`: the operator process. Flags and environment become an
 * `OperatorConfig`; the operator runs until SIGTERM or SIGINT, which interrupt it so the
 * controller drains, the Lease is released and the listeners close before exit 0.
 */
import { readFile } from "node:fs/promises"
import { hostname } from "node:os"
import { LabelSyntax, Naming } from "@whatap-operator/core"
import { Operator, OperatorConfig, LeaderElection } from "@whatap-operator/operator"
import { KubeConfigError } from "@whatap-operator/kube"
import { Cause, Config, Duration, Effect, Option, Redacted, References, Result } from "effect"
import type { Parsed } from "../Args.ts"
import type { Handler } from "../Command.ts"
import * as Exit from "../Exit.ts"
import { Io, type JitMode, jitModes, setJit } from "../Io.ts"
import * as Meta from "../Meta.ts"
import { printableLines } from "../Printable.ts"

const serviceAccountNamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace"

const unitMillis: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/**
 * `90s`, `5m`, `1h30m`, `1.5h`, `500ms`: Go's `time.ParseDuration` forms down to the
 * millisecond (the finest unit a period or a lease needs), and positive.
 */
export const parseDuration = (text: string): Result.Result<Duration.Duration, string> => {
  const parts = [...text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ms|s|m|h)/g)]
  if (text === "" || parts.map((p) => p[0]).join("") !== text) {
    return Result.fail(`invalid duration ${JSON.stringify(text)}: expected e.g. 30s, 5m, 1h30m`)
  }
  const millis = parts.reduce((sum, [, number = "", unit = ""]) => sum + Number(number) * (unitMillis[unit] ?? NaN), 0)
  if (!Number.isFinite(millis)) return Result.fail(`duration ${JSON.stringify(text)} is out of range`)
  return millis > 0 ? Result.succeed(Duration.millis(millis)) : Result.fail(`duration ${JSON.stringify(text)} must be positive`)
}

/** `:8081` (all interfaces), `127.0.0.1:0`, `[::1]:8081`; `0` disables. */
/** `:PORT` means every interface, IPv4 and IPv6 (the host is left to Node, as Go does with ""). */
export const parseAddress = (text: string): Result.Result<{ host: string | undefined; port: number } | undefined, string> => {
  if (text === "0") return Result.succeed(undefined)
  const match = /^(\[[^\]\s]+\]|[^:[\]\s]*):(\d{1,5})$/.exec(text)
  const port = match === null ? NaN : Number(match[2])
  if (match === null || port > 65535) return Result.fail(`invalid address ${JSON.stringify(text)}: expected HOST:PORT, :PORT or 0`)
  const host = (match[1] ?? "").replace(/^\[|\]$/g, "")
  return Result.succeed({ host: host === "" ? undefined : host, port })
}

/**
 * `https://HOST[:PORT]`: the webhook paths are appended to it, so a path, a query, a
 * fragment or user info would make every webhook URL wrong.
 */
export const parseWebhookUrl = (text: string): Result.Result<string, string> => {
  const match = /^https:\/\/(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/.exec(text)
  const port = match?.[1] === undefined ? 443 : Number(match[1])
  return match === null || port < 1 || port > 65535
    ? Result.fail(`invalid --webhook-url ${JSON.stringify(text)}: expected https://HOST[:PORT] without a path`)
    : Result.succeed(text)
}

/** The operator namespace: every namespaced object goes there, so it must be a valid name. */
export const parseNamespace = (text: string): Result.Result<string, string> => {
  const errors = LabelSyntax.dnsLabelErrors(text)
  return errors.length === 0 ? Result.succeed(text) : Result.fail(`invalid namespace ${JSON.stringify(text)}: ${errors.join("; ")}`)
}

/** An environment variable's text, undefined when unset. */
const envText = (name: string) =>
  Config.option(Config.String(name)).pipe(Effect.orElseSucceed(() => Option.none<string>()), Effect.map(Option.getOrUndefined))

/** An environment variable read as the Go operator reads a bool (ParseBool; anything else is false), undefined when unset. */
const envBool = (name: string) =>
  Effect.map(envText(name), (text) => (text === undefined ? undefined : OperatorConfig.parseBool(text) ?? false))

const namespaceOf = (parsed: Parsed) =>
  Effect.gen(function*() {
    const flag = parsed.values.get("namespace")
    if (flag !== undefined) return flag
    const env = (yield* envText("WHATAP_DEFAULT_NAMESPACE"))?.trim() ?? ""
    if (env !== "") return env
    const file = yield* Effect.tryPromise(() => readFile(serviceAccountNamespaceFile, "utf8")).pipe(Effect.option)
    return Option.isSome(file) && file.value.trim() !== "" ? file.value.trim() : Naming.defaultNamespace
  })

const logLevels = { debug: "Debug", info: "Info", warning: "Warn", error: "Error" } as const
type Level = (typeof logLevels)[keyof typeof logLevels]

/** controller-runtime's level names (`--zap-log-level`). */
const zapLevels: Readonly<Record<string, Level>> = { debug: "Debug", info: "Info", warn: "Warn", error: "Error", dpanic: "Error", panic: "Error", fatal: "Error" }

/** Resolves on the first SIGTERM/SIGINT. */
const signal = Effect.callback<string>((resume) => {
  const on = (name: string) => () => resume(Effect.succeed(name))
  const term = on("SIGTERM")
  const int = on("SIGINT")
  process.once("SIGTERM", term)
  process.once("SIGINT", int)
  return Effect.sync(() => {
    process.off("SIGTERM", term)
    process.off("SIGINT", int)
  })
})

/**
 * The one line for a failure that ends the operator (an unreadable kubeconfig, a port in
 * use): on stderr like every CLI error, without the stack trace the default logger prints.
 */
const failure = (cause: Cause.Cause<unknown>): string => {
  const error = Cause.squash(cause)
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  return message.split("\n")[0] ?? ""
}

const usage = (message: string) => new Exit.UsageError({ message, command: "run" })

const value = <A>(result: Result.Result<A, string>) =>
  Result.isFailure(result) ? Effect.fail(usage(result.failure)) : Effect.succeed(result.success)

/** Own entries only: `--log-level toString` must not find Object.prototype's. */
const logLevel = (text: string) => {
  const found = Object.entries(logLevels).find(([name]) => name === text)
  return found === undefined ? Result.fail("--log-level takes debug, info, warning or error") : Result.succeed(found[1])
}

/** controller-runtime's `--zap-log-level`: a name, or a number above 0 for its debug verbosities. */
export const zapLevel = (text: string): Result.Result<Level, string> => {
  // as controller-runtime reads it: the name in any case, else strconv.Atoi above 0
  const lower = text.toLowerCase()
  if (Object.hasOwn(zapLevels, lower)) return Result.succeed(zapLevels[lower] ?? "Info")
  return /^[+-]?[0-9]{1,18}$/.test(text) && Number(text) > 0 ? Result.succeed("Debug") : Result.fail(`--zap-log-level takes debug, info, warn, error or a number above 0`)
}

/** A Go bool flag's value, with its name in the usage error. */
const goBool = (parsed: Parsed, name: string) =>
  Effect.gen(function*() {
    const text = parsed.values.get(name)
    if (text === undefined) return undefined
    const parsedValue = OperatorConfig.parseBool(text)
    return parsedValue === undefined ? yield* usage(`--${name} takes true or false`) : parsedValue
  })

/** $DEBUG, else $debug, read as the Go operator reads them. */
const debugEnv = Effect.map(Effect.all([envBool("DEBUG"), envBool("debug")]), ([upper, lower]) => upper ?? lower ?? false)

/**
 * The level: --log-level, else the Go operator's --zap-log-level, else debug when its
 * development mode is on (--zap-devel, $DEBUG), else info.
 */
export const minimumLevel = (parsed: Parsed) =>
  Effect.gen(function*() {
    const own = parsed.values.get("log-level")
    if (own !== undefined) return yield* value(logLevel(own))
    const zap = parsed.values.get("zap-log-level")
    if (zap !== undefined) return yield* value(zapLevel(zap))
    const devel = (yield* goBool(parsed, "zap-devel")) ?? (yield* debugEnv)
    return devel ? logLevels.debug : logLevels.info
  })

/** What the Go operator's flags would change there and do not here. */
const goFlagNotes = (parsed: Parsed, metricsListener: boolean) =>
  Effect.gen(function*() {
    const notes: Array<string> = []
    const secure = yield* goBool(parsed, "metrics-secure")
    const http2 = yield* goBool(parsed, "enable-http2")
    // the Go default is true: a Deployment that serves metrics and does not say otherwise gets the warning
    if (metricsListener && (secure ?? true)) {
      notes.push("--metrics-secure: /metrics is served over plain HTTP without authentication here; put it behind the network policy or proxy that should protect it, or pass --metrics-secure=false")
    }
    if (http2 === true) notes.push("--enable-http2: the listeners speak HTTP/1.1 only")
    const encoder = parsed.values.get("zap-encoder")
    if (encoder !== undefined && encoder !== "json") notes.push(`--zap-encoder ${JSON.stringify(encoder)}: logs are JSON lines`)
    return notes
  })

const leaderElection = (base: OperatorConfig.Shape["leaderElection"], enabled: boolean, leaseDuration: Duration.Duration) => {
  const leaseMillis = Duration.toMillis(leaseDuration)
  return {
    ...base,
    enabled,
    leaseDuration,
    renewDeadline: Duration.millis(leaseMillis * 0.8),
    retryPeriod: Duration.millis(Math.max(200, leaseMillis * 0.2))
  }
}

/** WHATAP_LICENSE/HOST/PORT of the process (from the Secret whatap-credentials in a cluster): injected when a target names none. */
const credentials = Effect.gen(function*() {
  const env = (name: string) => Effect.map(envText(name), (text) => text ?? "")
  return { license: Redacted.make(yield* env("WHATAP_LICENSE")), host: yield* env("WHATAP_HOST"), port: yield* env("WHATAP_PORT") }
})

/** --enable-gpu-memory-check, else $ENABLED_WHATAP_DCGM_EXPORTER_MEMORY_CHECK (Go's ParseBool; anything else is false, as in Go). */
export const gpuMemoryCheck = (parsed: Parsed) =>
  Effect.gen(function*() {
    const flag = yield* goBool(parsed, "enable-gpu-memory-check")
    return flag ?? (yield* envBool(OperatorConfig.gpuMemoryCheckEnv)) ?? false
  })

const isJitMode = (text: string): text is JitMode => (jitModes as ReadonlyArray<string>).includes(text)

/** Every flag checked before anything is contacted: a bad one is a usage error (exit 2). */
const optionsOf = (parsed: Parsed) =>
  Effect.gen(function*() {
    const [operand] = parsed.operands
    if (operand !== undefined) {
      return yield* usage(`run takes no arguments (got ${JSON.stringify(operand)}; a boolean flag takes its value after "=", as in --leader-elect=false)`)
    }
    const get = (name: string, fallback: string) => parsed.values.get(name) ?? fallback
    const leaderElect = (yield* goBool(parsed, "leader-elect")) ?? true
    const minimum = yield* minimumLevel(parsed)
    const jit = get("jit", "optimizing")
    if (!isJitMode(jit)) return yield* usage(`--jit takes ${jitModes.join(" or ")}`)
    const probes = yield* value(parseAddress(get("health-probe-bind-address", ":8081")))
    const metrics = yield* value(parseAddress(get("metrics-bind-address", "0")))
    const resyncPeriod = yield* value(parseDuration(get("resync-period", "5m")))
    const leaseDuration = yield* value(parseDuration(get("lease-duration", "10s")))
    // the Go operator's ENABLE_WEBHOOKS=false: no webhook served (the configurations are still written, as there)
    const webhooksOff = !parsed.values.has("webhook-bind-address") && (yield* envText("ENABLE_WEBHOOKS")) === "false"
    const webhookServer = webhooksOff ? undefined : yield* value(parseAddress(get("webhook-bind-address", ":9443")))
    const webhookValidity = {
      ca: yield* value(parseDuration(get("webhook-ca-validity", "87600h"))),
      serving: yield* value(parseDuration(get("webhook-cert-validity", "8760h")))
    }
    const webhookFlag = parsed.values.get("webhook-url")
    const webhookUrl = webhookFlag === undefined ? undefined : yield* value(parseWebhookUrl(webhookFlag))
    const namespace = yield* value(parseNamespace(yield* namespaceOf(parsed)))
    const identity = parsed.values.get("identity") ?? (yield* LeaderElection.makeIdentity(hostname()))
    const base = OperatorConfig.defaults(namespace, identity)
    const config: OperatorConfig.Shape = {
      ...base,
      webhook: webhookUrl === undefined ? { mode: "service" } : { mode: "url", baseUrl: webhookUrl },
      resyncPeriod,
      leaderElection: leaderElection(base.leaderElection, leaderElect, leaseDuration),
      webhookServer,
      webhookValidity,
      gpuMemoryCheck: yield* gpuMemoryCheck(parsed),
      credentials: yield* credentials
    }
    const notes = yield* goFlagNotes(parsed, metrics !== undefined)
    const options: Operator.Options = { kubeconfig: parsed.values.get("kubeconfig"), context: parsed.values.get("context"), config, probes, metrics, notes }
    return { options, minimum, jit }
  })

export const run: Handler = (parsed) =>
  Effect.gen(function*() {
    const io = yield* Io
    const { options, minimum, jit } = yield* optionsOf(parsed)
    setJit(jit)
    return yield* Operator.run(options, Effect.map(signal, (name) => `received ${name}`)).pipe(
      Effect.as(Exit.ok),
      Effect.provideService(References.MinimumLogLevel, minimum),
      // a kubeconfig that cannot be read or used is an I/O error (exit 2), as in every command
      Effect.catchCause((cause) =>
        Effect.as(io.err(`${Meta.name}: operator failed: ${printableLines(failure(cause))}\n`), Cause.squash(cause) instanceof KubeConfigError ? Exit.usage : Exit.failed))
    )
  })

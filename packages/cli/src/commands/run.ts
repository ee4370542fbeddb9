/**
 * `whatapctl run`: the operator process. Flags and environment become an
 * `OperatorConfig`; the operator runs until SIGTERM or SIGINT, which interrupt it so the
 * controller drains, the Lease is released and the listeners close before exit 0.
 */
import { readFile } from "node:fs/promises"
import { hostname } from "node:os"
import { Naming } from "@whatap-operator/core"
import { Operator, OperatorConfig, LeaderElection } from "@whatap-operator/operator"
import { Config, Duration, Effect, Option, References, Result } from "effect"
import type { Parsed } from "../Args.ts"
import type { Handler } from "../Command.ts"
import * as Exit from "../Exit.ts"

const serviceAccountNamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace"

/** `90s`, `5m`, `1h`, `500ms`: the Go duration forms the flags take. */
export const parseDuration = (text: string): Result.Result<Duration.Duration, string> => {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim())
  if (match === null) return Result.fail(`invalid duration ${JSON.stringify(text)}: expected e.g. 30s, 5m, 1h`)
  const value = Number(match[1])
  const unit = match[2]
  const millis = unit === "ms" ? value : unit === "s" ? value * 1000 : unit === "m" ? value * 60_000 : value * 3_600_000
  return millis > 0 ? Result.succeed(Duration.millis(millis)) : Result.fail(`duration ${JSON.stringify(text)} must be positive`)
}

/** `:8081` (all interfaces), `127.0.0.1:0`, `[::1]:8081`; `0` disables. */
export const parseAddress = (text: string): Result.Result<{ host: string; port: number } | undefined, string> => {
  if (text === "0") return Result.succeed(undefined)
  const match = /^(\[[^\]]+\]|[^:]*):(\d{1,5})$/.exec(text)
  const port = match === null ? NaN : Number(match[2])
  if (match === null || port > 65535) return Result.fail(`invalid address ${JSON.stringify(text)}: expected HOST:PORT, :PORT or 0`)
  const host = (match[1] ?? "").replace(/^\[|\]$/g, "")
  return Result.succeed({ host: host === "" ? "0.0.0.0" : host, port })
}

const namespaceOf = (parsed: Parsed) =>
  Effect.gen(function*() {
    const flag = parsed.values.get("namespace")
    if (flag !== undefined) return flag
    const env = yield* Config.option(Config.String("WHATAP_DEFAULT_NAMESPACE")).pipe(Effect.orElseSucceed(() => Option.none()))
    if (Option.isSome(env) && env.value.trim() !== "") return env.value.trim()
    const file = yield* Effect.tryPromise(() => readFile(serviceAccountNamespaceFile, "utf8")).pipe(Effect.option)
    return Option.isSome(file) && file.value.trim() !== "" ? file.value.trim() : Naming.defaultNamespace
  })

const logLevels = { debug: "Debug", info: "Info", warning: "Warn", error: "Error" } as const

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

const value = <A>(result: Result.Result<A, string>, usage: (message: string) => Exit.UsageError) =>
  Result.isFailure(result) ? Effect.fail(usage(result.failure)) : Effect.succeed(result.success)

export const run: Handler = (parsed) =>
  Effect.gen(function*() {
    const usage = (message: string) => new Exit.UsageError({ message, command: "run" })
    if (parsed.operands.length > 0) return yield* usage("run takes no arguments")
    const get = (name: string, fallback: string) => parsed.values.get(name) ?? fallback
    const leaderElect = get("leader-elect", "true")
    if (leaderElect !== "true" && leaderElect !== "false") return yield* usage("--leader-elect takes true or false")
    const level = get("log-level", "info")
    const minimum = level in logLevels ? logLevels[level as keyof typeof logLevels] : undefined
    if (minimum === undefined) return yield* usage("--log-level takes debug, info, warning or error")
    const probes = yield* value(parseAddress(get("health-probe-bind-address", ":8081")), usage)
    const metrics = yield* value(parseAddress(get("metrics-bind-address", "0")), usage)
    const resync = yield* value(parseDuration(get("resync-period", "5m")), usage)
    const leaseDuration = yield* value(parseDuration(get("lease-duration", "10s")), usage)
    const webhookUrl = parsed.values.get("webhook-url")
    if (webhookUrl !== undefined && !/^https:\/\/[^/]+$/.test(webhookUrl)) return yield* usage("--webhook-url must be https://HOST[:PORT] without a path")
    const namespace = yield* namespaceOf(parsed)
    const identity = parsed.values.get("identity") ?? (yield* LeaderElection.makeIdentity(hostname()))
    const base = OperatorConfig.defaults(namespace, identity)
    const leaseMillis = Duration.toMillis(leaseDuration)
    const config: OperatorConfig.Shape = {
      ...base,
      webhook: webhookUrl === undefined ? { mode: "service" } : { mode: "url", baseUrl: webhookUrl },
      resyncPeriod: resync,
      leaderElection: {
        ...base.leaderElection,
        enabled: leaderElect === "true",
        leaseDuration,
        renewDeadline: Duration.millis(leaseMillis * 0.8),
        retryPeriod: Duration.millis(Math.max(200, leaseMillis * 0.2))
      }
    }
    const options = { kubeconfig: parsed.values.get("kubeconfig"), context: parsed.values.get("context"), config, probes, metrics }
    return yield* Operator.run(options, Effect.map(signal, (name) => `received ${name}`)).pipe(
      Effect.as(Exit.ok),
      Effect.provideService(References.MinimumLogLevel, minimum),
      Effect.catchCause((cause) => Effect.as(Effect.logError("operator failed", cause), Exit.failed))
    )
  })

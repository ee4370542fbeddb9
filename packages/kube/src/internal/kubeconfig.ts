/**
 * The client's endpoint from a kubeconfig, read by `@kubernetes/client-node` (the only
 * thing that package does for us): the server URL, a keep-alive Agent carrying the TLS
 * material, and the per-request headers (Authorization, impersonation) that its
 * authenticators compute. Loaded only when a kubeconfig is used (`config.ts` imports this
 * module on demand), so the operator in its pod never loads client-node.
 */
import * as http from "node:http"
import * as https from "node:https"
import { KubeConfig } from "@kubernetes/client-node"
import { Effect, type Scope } from "effect"
import { KubeConfigError } from "../KubeConfigError.ts"
import { KubeError } from "../KubeError.ts"
import type { ConfigSource, Endpoint } from "./config.ts"
import { cached, type Headers } from "./credentials.ts"

const describe = (source: ConfigSource): string =>
  source.kubeconfigData !== undefined ? "kubeconfig data" : source.kubeconfig ?? "default kubeconfig locations"

/** The message names the kubeconfig: "deficient indentation (2:1)" alone does not say which file. */
const configError = (source: ConfigSource) => (cause: unknown) => {
  const where = describe(source)
  const why = cause instanceof Error ? cause.message : String(cause)
  return new KubeConfigError({ source: where, message: why.includes(where) ? why : `${where}: ${why}` })
}

const load = (source: ConfigSource): Effect.Effect<KubeConfig, KubeConfigError> =>
  Effect.try({
    try: () => {
      const kc = new KubeConfig()
      if (source.kubeconfigData !== undefined) kc.loadFromString(source.kubeconfigData)
      else if (source.kubeconfig !== undefined) kc.loadFromFile(source.kubeconfig)
      else kc.loadFromDefault()
      return kc
    },
    catch: configError(source)
  }).pipe(
    Effect.flatMap((kc) => {
      const context = source.context
      if (context === undefined) return Effect.succeed(kc)
      if (kc.getContextObject(context) === null) {
        return Effect.fail(configError(source)(`context "${context}" is not in the kubeconfig`))
      }
      kc.setCurrentContext(context)
      return Effect.succeed(kc)
    })
  )

/** The options client-node computes for one request: TLS material, headers, basic auth. */
const applied = (kc: KubeConfig): Promise<https.RequestOptions> => {
  const options: https.RequestOptions = {}
  return kc.applyToHTTPSOptions(options).then(() => options)
}

const headersOf = (options: https.RequestOptions): Headers => {
  const out: Record<string, string> = {}
  const raw = options.headers
  if (raw !== undefined && !Array.isArray(raw)) {
    for (const [name, value] of Object.entries(raw)) {
      if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : String(value)
    }
  }
  if (options.auth !== undefined && options.auth !== null) {
    out["Authorization"] = `Basic ${Buffer.from(options.auth).toString("base64")}`
  }
  return out
}

/**
 * Our own keep-alive Agent with the kubeconfig's TLS material; client-node's agents do not
 * keep connections alive. A cluster with a `proxy-url` keeps client-node's proxy agent.
 */
const makeAgent = (kc: KubeConfig, options: https.RequestOptions, secure: boolean): http.Agent => {
  if (kc.getCurrentCluster()?.proxyUrl !== undefined && options.agent instanceof http.Agent) return options.agent
  if (!secure) return new http.Agent({ keepAlive: true })
  const tls: https.AgentOptions = { keepAlive: true }
  if (options.ca !== undefined) tls.ca = options.ca
  if (options.cert !== undefined) tls.cert = options.cert
  if (options.key !== undefined) tls.key = options.key
  if (options.pfx !== undefined) tls.pfx = options.pfx
  if (options.passphrase !== undefined) tls.passphrase = options.passphrase
  if (options.servername !== undefined) tls.servername = options.servername
  if (options.rejectUnauthorized !== undefined) tls.rejectUnauthorized = options.rejectUnauthorized
  return new https.Agent(tls)
}

/** What client-node falls back to when it finds no kubeconfig and no in-cluster service account. */
const nothingFound = (kc: KubeConfig, source: ConfigSource): boolean =>
  source.kubeconfig === undefined && source.kubeconfigData === undefined &&
  kc.getCurrentContext() === "loaded-context" && kc.getCurrentCluster()?.server === "http://localhost:8080"

const serverOf = (kc: KubeConfig, source: ConfigSource): Effect.Effect<URL, KubeConfigError> => {
  if (nothingFound(kc, source)) {
    return Effect.fail(configError(source)("no kubeconfig ($KUBECONFIG, ~/.kube/config) and no in-cluster service account"))
  }
  const cluster = kc.getCurrentCluster()
  if (cluster === null || cluster.server === "") {
    return Effect.fail(configError(source)("the current context has no cluster with a server"))
  }
  const url = URL.parse(cluster.server)
  if (url === null || (url.protocol !== "https:" && url.protocol !== "http:")) {
    return Effect.fail(configError(source)(`server "${cluster.server}" is not an http(s) URL`))
  }
  if (url.protocol === "http:" && cluster.skipTLSVerify !== true) {
    return Effect.fail(configError(source)("a plain http server needs insecure-skip-tls-verify"))
  }
  return Effect.succeed(url)
}

/** The endpoint of the kubeconfig's current (or the given) context; the Agent closes with the scope. */
export const endpoint = (source: ConfigSource): Effect.Effect<Endpoint, KubeConfigError, Scope.Scope> =>
  Effect.gen(function*() {
    const kc = yield* load(source)
    const server = yield* serverOf(kc, source)
    const first = yield* Effect.tryPromise({ try: () => applied(kc), catch: configError(source) })
    const secure = server.protocol === "https:"
    const agent = yield* Effect.acquireRelease(
      Effect.sync(() => makeAgent(kc, first, secure)),
      (agent) => Effect.sync(() => agent.destroy())
    )
    const [headers, refreshHeaders] = yield* Effect.tryPromise({
      try: () => applied(kc),
      catch: (cause) =>
        new KubeError({
          reason: "Unauthorized",
          operation: "authenticate",
          message: `credentials from the kubeconfig: ${cause instanceof Error ? cause.message : String(cause)}`,
          status: 0
        })
    }).pipe(Effect.map(headersOf), cached)
    return { server, transport: secure ? https.request : http.request, agent, headers, refreshHeaders }
  })

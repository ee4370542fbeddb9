/**
 * The in-cluster configuration, read without `@kubernetes/client-node`: the API server at
 * $KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT, trusted with the service account's
 * `ca.crt`, called with its `token`, both from the directory the kubelet mounts into
 * every pod. The operator's Deployment runs this way, and client-node (its generated API,
 * its authenticators and their dependencies) costs 14 MiB of resident memory at rest (20
 * at the peak) that a token file does not need.
 *
 * When it applies follows client-node's `loadFromDefault` (and client-go's
 * `NewNonInteractiveDeferredLoadingClientConfig`): no kubeconfig or context was given,
 * $KUBECONFIG is empty, there is no ~/.kube/config, and both service variables are set.
 * Everything else (Windows with its WSL lookups included) is the kubeconfig path.
 */
import { existsSync } from "node:fs"
import { readFile } from "node:fs/promises"
import * as https from "node:https"
import { isIPv6 } from "node:net"
import { join } from "node:path"
import { Config, Effect, Option, type Scope } from "effect"
import { KubeConfigError } from "../KubeConfigError.ts"
import { KubeError } from "../KubeError.ts"
import type { ConfigSource, Endpoint } from "./config.ts"
import { cached, type Headers } from "./credentials.ts"

/** Where the kubelet mounts the pod's service account (client-go's and client-node's constant). */
export const serviceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount"

/** The API server's Service as the kubelet announces it to every container. */
export interface Service {
  readonly host: string
  readonly port: string
}

/** Unset and empty are the same, as for client-node and client-go. */
const env = (name: string): Effect.Effect<string> =>
  Config.String(name).pipe(Config.withDefault(""), Effect.orElseSucceed(() => ""))

/** Whether client-node would find a kubeconfig: $KUBECONFIG, then ~/.kube/config. */
const kubeconfigFound = Effect.gen(function*() {
  if ((yield* env("KUBECONFIG")) !== "") return true
  const home = yield* env("HOME")
  return home !== "" && (yield* Effect.sync(() => existsSync(join(home, ".kube", "config"))))
})

/** The API server's Service when the in-cluster configuration applies (see the module comment). */
export const detect = Effect.fn("InCluster.detect")(function*(source: ConfigSource, platform: string = process.platform) {
  const given = source.kubeconfig !== undefined || source.kubeconfigData !== undefined || source.context !== undefined
  if (given || platform === "win32" || (yield* kubeconfigFound)) return Option.none<Service>()
  const host = yield* env("KUBERNETES_SERVICE_HOST")
  const port = yield* env("KUBERNETES_SERVICE_PORT")
  return host === "" || port === "" ? Option.none<Service>() : Option.some<Service>({ host, port })
})

const why = (cause: unknown): string =>
  cause instanceof Error ? ("code" in cause && typeof cause.code === "string" ? cause.code : cause.message) : String(cause)

/** One file of the mount; the error names the file and why it could not be read (ENOENT, EACCES). */
const readMounted = (file: string, what: string) =>
  Effect.tryPromise({ try: () => readFile(file, "utf8"), catch: (cause) => `cannot read the service account ${what} ${file} (${why(cause)})` })

/** The token as a header; the kubelet writes it without a newline, a hand-made mount may not. */
const bearer = (file: string): Effect.Effect<Headers, string> =>
  readMounted(file, "token").pipe(
    Effect.map((text) => text.trim()),
    Effect.filterOrFail((token) => token !== "", () => `the service account token ${file} is empty`),
    Effect.map((token) => ({ Authorization: `Bearer ${token}` }))
  )

/** `https://host:port`; an IPv6 host in brackets (a dual-stack or IPv6-only cluster's Service). */
const serverOf = (service: Service): URL | null =>
  URL.parse(`https://${isIPv6(service.host) ? `[${service.host}]` : service.host}:${service.port}`)

/**
 * The endpoint of the in-cluster configuration; its Agent closes with the scope. The CA is
 * read once, as client-go does; the token again every `authTtl` and after a 401, so the
 * kubelet's rotation of the projected token is picked up.
 */
export const endpoint = Effect.fn("InCluster.endpoint")(
  function*(service: Service, dir: string = serviceAccountDir): Effect.fn.Return<Endpoint, KubeConfigError, Scope.Scope> {
    const configError = (message: string) => new KubeConfigError({ source: dir, message: `in-cluster config: ${message}` })
    const server = serverOf(service)
    if (server === null) {
      return yield* configError(`KUBERNETES_SERVICE_HOST "${service.host}" and KUBERNETES_SERVICE_PORT "${service.port}" do not make a URL`)
    }
    const tokenFile = join(dir, "token")
    const ca = yield* readMounted(join(dir, "ca.crt"), "CA").pipe(Effect.mapError(configError))
    const [headers, refreshHeaders] = yield* cached(bearer(tokenFile).pipe(
      Effect.mapError((message) => new KubeError({ reason: "Unauthorized", operation: "authenticate", message, status: 0 }))
    ))
    // Read now (and kept for the first requests): a missing token is a config error at start.
    yield* headers.pipe(Effect.mapError((error) => configError(error.message)))
    const agent = yield* Effect.acquireRelease(
      Effect.sync(() => new https.Agent({ keepAlive: true, ca })),
      (agent) => Effect.sync(() => agent.destroy())
    )
    return { server, transport: https.request, agent, headers, refreshHeaders }
  }
)

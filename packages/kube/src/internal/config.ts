/**
 * Where the live client sends its requests and with what credentials: the server URL, a
 * keep-alive Agent carrying the TLS material, and the per-request headers. Two sources:
 * a kubeconfig, read by `@kubernetes/client-node` (`kubeconfig.ts`), or, when no
 * kubeconfig is given or found, the in-cluster service account (`inCluster.ts`), read
 * directly. client-node is imported on demand, only for a kubeconfig: it is the larger
 * part of the operator's code, and its pod never needs it.
 */
import type * as http from "node:http"
import type * as https from "node:https"
import { Effect, Option, type Scope } from "effect"
import type { KubeConfigError } from "../KubeConfigError.ts"
import type { KubeError } from "../KubeError.ts"
import type { Headers } from "./credentials.ts"
import * as InCluster from "./inCluster.ts"

export { authTtl, type Headers } from "./credentials.ts"

export interface ConfigSource {
  /** A kubeconfig file; absent: $KUBECONFIG, ~/.kube/config, then the in-cluster config. */
  readonly kubeconfig?: string | undefined
  /** A kubeconfig's YAML text; wins over `kubeconfig` (tests, configs from a Secret). */
  readonly kubeconfigData?: string | undefined
  /** A context other than the kubeconfig's current one. */
  readonly context?: string | undefined
}

export type Transport = (
  url: URL,
  options: https.RequestOptions,
  onResponse: (response: http.IncomingMessage) => void
) => http.ClientRequest

export interface Endpoint {
  /** `https://host:port` plus an optional path prefix (a server behind a proxy path). */
  readonly server: URL
  readonly transport: Transport
  readonly agent: http.Agent
  /** The user's headers, cached for `authTtl`: bearer tokens rotate (in-cluster, exec plugins). */
  readonly headers: Effect.Effect<Headers, KubeError>
  /** Forget the cached headers (after a 401) so the next call reads the credentials again. */
  readonly refreshHeaders: Effect.Effect<void>
}

/**
 * The endpoint of the in-cluster config, or of the kubeconfig's current (or the given)
 * context; the Agent closes with the scope. `serviceAccountDir` moves the service account
 * mount (tests).
 */
export const endpoint = (
  source: ConfigSource,
  serviceAccountDir: string = InCluster.serviceAccountDir
): Effect.Effect<Endpoint, KubeConfigError, Scope.Scope> =>
  Effect.flatMap(InCluster.detect(source), Option.match({
    onSome: (service) => InCluster.endpoint(service, serviceAccountDir),
    // A module that cannot be loaded is a broken installation: a defect, not a config error.
    onNone: () => Effect.flatMap(Effect.promise(() => import("./kubeconfig.ts")), (kubeconfig) => kubeconfig.endpoint(source))
  }))

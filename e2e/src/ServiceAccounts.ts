/**
 * Run something with the identity of a ServiceAccount, as it would run in a pod: creates
 * the ServiceAccount, asks the TokenRequest API for a token (what the kubelet mounts into a
 * pod) with the admin credentials, and writes a kubeconfig for that token. The API server
 * then authenticates the bearer as `system:serviceaccount:<namespace>:<name>` and RBAC
 * decides what it may do: a spec sees the operator's real permissions, not the admin's.
 */
import { join } from "node:path"
import { ApiException, CoreV1Api, type KubeConfig } from "@kubernetes/client-node"
import { Effect } from "effect"
import { ControlPlaneError } from "./ControlPlaneError.ts"
import * as Kubeconfig from "./Kubeconfig.ts"

export interface Options {
  /** Admin credentials: create the ServiceAccount and request its token. */
  readonly kubeConfig: KubeConfig
  readonly namespace: string
  readonly name: string
  /** Where the kubeconfig goes (the control plane's work directory). */
  readonly dir: string
  /** Token lifetime; default 3600 (the API server's minimum is 600). */
  readonly expirationSeconds?: number
}

/** The user name the API server (and so the audit log) gives the ServiceAccount. */
export const username = (namespace: string, name: string): string => `system:serviceaccount:${namespace}:${name}`

const failure = (step: string) => (error: unknown) =>
  new ControlPlaneError({
    step,
    message: error instanceof ApiException ? `HTTP ${error.code}: ${String(error.body)}` : String(error)
  })

/** Creates the ServiceAccount; one that exists already is fine. */
export const ensure = Effect.fn("ServiceAccounts.ensure")(
  function*(kubeConfig: KubeConfig, namespace: string, name: string) {
    const core = kubeConfig.makeApiClient(CoreV1Api)
    yield* Effect.tryPromise({
      try: () => core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } }),
      catch: (error) => error
    }).pipe(
      Effect.asVoid,
      Effect.catchIf((error) => error instanceof ApiException && error.code === 409, () => Effect.void),
      Effect.mapError(failure(`create ServiceAccount ${namespace}/${name}`))
    )
  }
)

/** A token for the ServiceAccount from the TokenRequest API. Never log it. */
export const token = Effect.fn("ServiceAccounts.token")(function*(options: Options) {
  const core = options.kubeConfig.makeApiClient(CoreV1Api)
  const response = yield* Effect.tryPromise({
    try: () =>
      core.createNamespacedServiceAccountToken({
        namespace: options.namespace,
        name: options.name,
        body: { spec: { audiences: [], expirationSeconds: options.expirationSeconds ?? 3600 } }
      }),
    catch: failure(`TokenRequest for ${options.namespace}/${options.name}`)
  })
  const value = response.status?.token
  if (value === undefined || value === "") {
    return yield* new ControlPlaneError({ step: "TokenRequest", message: "the response carries no token" })
  }
  return value
})

/**
 * Creates the ServiceAccount, requests a token and writes `<dir>/sa-<namespace>-<name>.kubeconfig`
 * (same server and CA as `kubeConfig`, the token as the user); returns its path.
 */
export const kubeconfig = Effect.fn("ServiceAccounts.kubeconfig")(function*(options: Options) {
  const cluster = options.kubeConfig.getCurrentCluster()
  if (cluster === null || cluster.caData === undefined) {
    return yield* new ControlPlaneError({
      step: "ServiceAccount kubeconfig",
      message: "the admin kubeconfig has no current cluster with certificate-authority-data"
    })
  }
  yield* ensure(options.kubeConfig, options.namespace, options.name)
  const path = join(options.dir, `sa-${options.namespace}-${options.name}.kubeconfig`)
  yield* Kubeconfig.writeContents(path, {
    server: cluster.server,
    caData: cluster.caData,
    userName: username(options.namespace, options.name),
    user: { token: yield* token(options) },
    namespace: options.namespace
  })
  return path
})

/**
 * kube-apiserver as a component that a spec may stop and start again: same port, same
 * flags, same etcd, same PKI, same audit log (appended to). The port is chosen once; while
 * the server is down another process could take it, which on a test machine does not
 * happen in practice. Shutdown order is kept: the enclosing scope stops whichever run is
 * current after the controllers and before etcd (`Component.restartable`).
 */
import { join } from "node:path"
import { type Duration, Effect } from "effect"
import * as Audit from "./Audit.ts"
import type { Layout } from "./BuildSpec.ts"
import * as Component from "./Component.ts"
import type { ControlPlaneError } from "./ControlPlaneError.ts"
import * as Loopback from "./Loopback.ts"
import type { Pki } from "./Pki.ts"
import * as Probe from "./Probe.ts"

export interface Options {
  readonly layout: Layout
  readonly dir: string
  readonly pki: Pki
  readonly etcdUrl: string
  readonly audit: Audit.Files
  /** Admin credentials for the readiness probe. */
  readonly tls: Probe.Tls
}

export interface Handle extends Component.Restartable {
  readonly url: string
  /** stop, wait `downFor`, start: the API server is ready again when this returns. */
  readonly restart: (downFor: Duration.Input) => Effect.Effect<void, ControlPlaneError>
}

const args = (options: Options, port: number): ReadonlyArray<string> => {
  const { dir, pki } = options
  return [
    `--etcd-servers=${options.etcdUrl}`,
    "--bind-address=127.0.0.1", `--secure-port=${port}`,
    // Must be non-loopback (else the `kubernetes` Endpoints are rejected) and must be set
    // (hosts without a default route cannot auto-detect one). Nothing dials it.
    "--advertise-address=192.0.2.10",
    `--cert-dir=${join(dir, "pki")}`,
    `--tls-cert-file=${pki.apiServerCert}`, `--tls-private-key-file=${pki.apiServerKey}`,
    `--client-ca-file=${pki.caCert}`,
    "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
    `--service-account-key-file=${pki.serviceAccountPub}`,
    `--service-account-signing-key-file=${pki.serviceAccountKey}`,
    "--service-cluster-ip-range=10.96.0.0/16",
    "--authorization-mode=RBAC",
    "--allow-privileged=true",
    // As envtest: tests create pods right after creating a namespace, before the
    // controller-manager has made its `default` ServiceAccount.
    "--disable-admission-plugins=ServiceAccount",
    "--profiling=false",
    // Without it, SIGTERM waits for the clients' open watches until our 5 s grace runs out
    // and SIGKILL ends it; with it, the watches are closed and the process is gone in ~1 s.
    "--shutdown-watch-termination-grace-period=2s",
    ...Audit.apiServerFlags(options.audit)
  ]
}

/** Starts kube-apiserver and waits for /readyz; the enclosing scope stops it. */
export const make = Effect.fn("ApiServer.make")(function*(options: Options) {
  const port = yield* Loopback.freePort
  const url = `https://127.0.0.1:${port}`
  const spec: Component.Spec = {
    name: "kube-apiserver",
    command: options.layout.bin("kube-apiserver"),
    workDir: options.dir,
    env: Loopback.env(),
    args: args(options, port)
  }
  const server = yield* Component.restartable(spec, "kube-apiserver /readyz", Probe.ok(`${url}/readyz`, options.tls))
  const handle: Handle = {
    url,
    ...server,
    restart: (downFor) => server.stop.pipe(Effect.andThen(Effect.sleep(downFor)), Effect.andThen(server.start))
  }
  return handle
})

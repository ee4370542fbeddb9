/**
 * Kubeconfig files for the local control plane: the admin's, one per component, and one
 * per ServiceAccount token. Credentials are embedded (`*-data`, `token`) so a file works
 * from any directory and can be handed to kubectl as is.
 */
import { readFile, writeFile } from "node:fs/promises"
import { Effect } from "effect"
import { stringify } from "yaml"
import type { KeyPair, Pki } from "./Pki.ts"

export const CLUSTER = "whatap-e2e"

/** The `user` entry of a kubeconfig: a client certificate or a bearer token. */
export type User =
  | { readonly "client-certificate-data": string; readonly "client-key-data": string }
  | { readonly token: string }

export interface Contents {
  readonly server: string
  /** Base64 of the CA's PEM. */
  readonly caData: string
  readonly userName: string
  readonly user: User
  readonly namespace?: string
}

export const render = (contents: Contents): string =>
  stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: CLUSTER, cluster: { server: contents.server, "certificate-authority-data": contents.caData } }],
    users: [{ name: contents.userName, user: contents.user }],
    contexts: [{
      name: CLUSTER,
      context: { cluster: CLUSTER, user: contents.userName, namespace: contents.namespace ?? "default" }
    }],
    "current-context": CLUSTER
  })

/** Writes `contents` readable by its owner only: it holds a credential. */
export const writeContents = (path: string, contents: Contents) =>
  Effect.promise(() => writeFile(path, render(contents), { mode: 0o600 }))

const base64 = (path: string) => Effect.promise(() => readFile(path)).pipe(Effect.map((b) => b.toString("base64")))

/** A kubeconfig for a client certificate of the per-run PKI; the admin's by default. */
export const write = Effect.fn("Kubeconfig.write")(function*(
  path: string,
  server: string,
  pki: Pki,
  client: { readonly userName: string; readonly pair: KeyPair } = {
    userName: "e2e-admin",
    pair: { cert: pki.adminCert, key: pki.adminKey }
  }
) {
  yield* writeContents(path, {
    server,
    caData: yield* base64(pki.caCert),
    userName: client.userName,
    user: {
      "client-certificate-data": yield* base64(client.pair.cert),
      "client-key-data": yield* base64(client.pair.key)
    }
  })
})

/**
 * The admin kubeconfig of a local control plane. Credentials are embedded (`*-data`) so the
 * file works from any directory and can be handed to kubectl as is.
 */
import { readFile, writeFile } from "node:fs/promises"
import { Effect } from "effect"
import { stringify } from "yaml"
import type { Pki } from "./Pki.ts"

const base64 = (path: string) => Effect.promise(() => readFile(path)).pipe(Effect.map((b) => b.toString("base64")))

export const write = Effect.fn("Kubeconfig.write")(function*(path: string, server: string, pki: Pki) {
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{
      name: "whatap-e2e",
      cluster: { server, "certificate-authority-data": yield* base64(pki.caCert) }
    }],
    users: [{
      name: "e2e-admin",
      user: {
        "client-certificate-data": yield* base64(pki.adminCert),
        "client-key-data": yield* base64(pki.adminKey)
      }
    }],
    contexts: [{ name: "whatap-e2e", context: { cluster: "whatap-e2e", user: "e2e-admin", namespace: "default" } }],
    "current-context": "whatap-e2e"
  }
  yield* Effect.promise(() => writeFile(path, stringify(config), { mode: 0o600 }))
})

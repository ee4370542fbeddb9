/**
 * The live layer over real TLS: a server whose certificate the kubeconfig's CA did not
 * issue is a KubeError that says so in kubectl's words, not Node's (which suggests a Node
 * flag). The certificates come from the `openssl` command line.
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createServer } from "node:https"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as ApiResource from "../src/ApiResource.ts"
import { KubeClient } from "../src/KubeClient.ts"

const openssl = spawnSync("openssl", ["version"], { encoding: "utf8" })
const hasOpenssl = openssl.status === 0

/** A CA that issued the server's certificate for 127.0.0.1, and another CA. */
const pki = () => {
  const dir = mkdtempSync(join(tmpdir(), "kube-tls-"))
  const run = (...args: Array<string>) => {
    const r = spawnSync("openssl", args, { cwd: dir, encoding: "utf8" })
    if (r.status !== 0) throw new Error(`openssl ${args.join(" ")}: ${r.stderr}`)
  }
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
  run("req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.crt", "-subj", "/CN=cluster-ca", "-days", "1")
  run("req", "-x509", ...ec, "-keyout", "other.key", "-out", "other.crt", "-subj", "/CN=other-ca", "-days", "1")
  run("req", ...ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=kube-apiserver")
  writeFileSync(join(dir, "ext"), "subjectAltName=IP:127.0.0.1\n")
  run("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.crt", "-days", "1", "-extfile", "ext")
  const read = (f: string) => readFileSync(join(dir, f), "utf8")
  const files = { ca: read("ca.crt"), other: read("other.crt"), cert: read("server.crt"), key: read("server.key") }
  rmSync(dir, { recursive: true, force: true })
  return files
}

const kubeconfig = (port: number, ca: string) => `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: https://127.0.0.1:${port}
    certificate-authority-data: ${Buffer.from(ca).toString("base64")}
users:
- name: u
  user:
    token: abc
contexts:
- name: c
  context: {cluster: c, user: u}
current-context: c
`

describe.skipIf(!hasOpenssl)("KubeClient live over TLS (needs the openssl command)", () => {
  it.live("a server certificate another CA issued: reason Unavailable, in kubectl's words", () =>
    Effect.gen(function*() {
      const { ca, other, cert, key } = pki()
      const server = createServer({ cert, key }, (_req, res) => res.end(JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: "x" } })))
      yield* Effect.acquireRelease(
        Effect.callback<void>((resume) => void server.listen(0, "127.0.0.1", () => resume(Effect.void))),
        () => Effect.sync(() => void server.close())
      )
      const port = (server.address() as AddressInfo).port
      const get = Effect.flatMap(Effect.service(KubeClient), (kube) => kube.get(ApiResource.Namespace, "x"))
      // the right CA: the call goes through
      const ok = yield* get.pipe(Effect.provide(KubeClient.layer({ kubeconfigData: kubeconfig(port, ca), retry: { retries: 0 } })))
      assert.strictEqual(ok.metadata.name, "x")
      const error = yield* Effect.flip(get.pipe(Effect.provide(KubeClient.layer({ kubeconfigData: kubeconfig(port, other), retry: { retries: 0 } }))))
      assert.strictEqual(error._tag, "KubeError")
      assert.strictEqual(error._tag === "KubeError" ? error.reason : undefined, "Unavailable")
      assert.include(error.message, "the API server's certificate is not signed by the kubeconfig's certificate authority (x509: certificate signed by unknown authority)")
      assert.notInclude(error.message, "--use-system-ca")
    }).pipe(Effect.scoped), 30_000)
})

if (!hasOpenssl) console.warn("live-tls.test.ts: skipped, the openssl command is not installed")

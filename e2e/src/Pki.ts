/**
 * Per-run PKI for the local control plane, made with the openssl CLI: one CA that signs the
 * apiserver serving cert, the admin client cert (group system:masters), a serving cert for
 * webhooks the test process hosts on 127.0.0.1, plus the service-account signing key pair.
 * Fresh keys per run mean no secret is ever committed and runs never share trust.
 */
import { rm, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { Effect } from "effect"
import * as Exec from "./Exec.ts"

export interface Pki {
  readonly dir: string
  readonly caCert: string
  readonly caKey: string
  readonly apiServerCert: string
  readonly apiServerKey: string
  readonly adminCert: string
  readonly adminKey: string
  readonly webhookCert: string
  readonly webhookKey: string
  readonly serviceAccountKey: string
  readonly serviceAccountPub: string
}

const DAYS = "30"

// Go's TLS stack has no CN fallback, so every serving cert carries its IP/DNS names as SANs.
const APISERVER_SANS = [
  "IP:127.0.0.1",
  "DNS:localhost",
  "DNS:kubernetes",
  "DNS:kubernetes.default",
  "DNS:kubernetes.default.svc",
  "DNS:kubernetes.default.svc.cluster.local",
  "IP:10.96.0.1"
].join(",")

const sign = Effect.fn("Pki.sign")(
  function*(dir: string, name: string, subject: string, sans: string, usage: "serverAuth" | "clientAuth") {
    const key = join(dir, `${name}.key`)
    const csr = join(dir, `${name}.csr`)
    const ext = join(dir, `${name}.ext`)
    yield* Exec.run("openssl", ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", subject])
    const extensions = [
      "basicConstraints=CA:FALSE",
      "keyUsage=critical,digitalSignature,keyEncipherment",
      `extendedKeyUsage=${usage}`,
      ...(sans === "" ? [] : [`subjectAltName=${sans}`])
    ]
    yield* Effect.promise(() => writeFile(ext, extensions.join("\n") + "\n"))
    yield* Exec.run("openssl", [
      "x509", "-req", "-sha256", "-days", DAYS, "-in", csr,
      "-CA", join(dir, "ca.crt"), "-CAkey", join(dir, "ca.key"), "-CAcreateserial",
      "-extfile", ext, "-out", join(dir, `${name}.crt`)
    ])
    yield* Effect.promise(() => Promise.all([rm(csr), rm(ext)]))
  }
)

/** Writes the PKI into `dir` (which must exist). */
export const generate = Effect.fn("Pki.generate")(function*(dir: string) {
  yield* Exec.run("openssl", [
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", DAYS,
    "-keyout", join(dir, "ca.key"), "-out", join(dir, "ca.crt"), "-subj", "/CN=whatap-operator-e2e-ca",
    "-addext", "basicConstraints=critical,CA:TRUE",
    "-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature"
  ])
  // The three leaf certs are independent; openssl is single-threaded, so run them side by side.
  yield* Effect.all([
    sign(dir, "apiserver", "/CN=kube-apiserver", APISERVER_SANS, "serverAuth"),
    sign(dir, "admin", "/O=system:masters/CN=e2e-admin", "", "clientAuth"),
    sign(dir, "webhook", "/CN=e2e-webhook", "IP:127.0.0.1,DNS:localhost", "serverAuth"),
    Exec.run("openssl", ["genrsa", "-out", join(dir, "sa.key"), "2048"])
  ], { concurrency: "unbounded" })
  yield* Exec.run("openssl", ["rsa", "-in", join(dir, "sa.key"), "-pubout", "-out", join(dir, "sa.pub")])
  const pki: Pki = {
    dir,
    caCert: join(dir, "ca.crt"),
    caKey: join(dir, "ca.key"),
    apiServerCert: join(dir, "apiserver.crt"),
    apiServerKey: join(dir, "apiserver.key"),
    adminCert: join(dir, "admin.crt"),
    adminKey: join(dir, "admin.key"),
    webhookCert: join(dir, "webhook.crt"),
    webhookKey: join(dir, "webhook.key"),
    serviceAccountKey: join(dir, "sa.key"),
    serviceAccountPub: join(dir, "sa.pub")
  }
  return pki
})

/**
 * Per-run PKI for the local control plane, made with the openssl CLI: one CA that signs the
 * apiserver serving cert, the admin client cert (group system:masters), one client cert per
 * component (its own user name, so the audit log tells them apart; also system:masters), a
 * serving cert for webhooks the test process hosts on 127.0.0.1, plus the service-account
 * signing key pair. Fresh keys per run mean no secret is ever committed and runs never share
 * trust. Certificates use P-256 keys: an RSA key costs openssl 50-200 ms, a P-256 key ~1 ms,
 * and start-up waits for the slowest of them.
 */
import { randomBytes } from "node:crypto"
import { rm, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { Effect } from "effect"
import * as Exec from "./Exec.ts"

/** The components that reach the API server as clients, each with its own certificate. */
export const COMPONENTS = ["kube-controller-manager", "kube-scheduler", "kwok"] as const
export type ComponentName = (typeof COMPONENTS)[number]

/** The user name a component's certificate carries (its CN). */
export const userOf = (component: ComponentName): string => `system:${component}`

export interface KeyPair {
  readonly cert: string
  readonly key: string
}

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
  readonly components: Readonly<Record<ComponentName, KeyPair>>
}

const DAYS = "30"
const P256 = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]

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
    yield* Exec.run("openssl", ["req", ...P256, "-nodes", "-keyout", key, "-out", csr, "-subj", subject])
    const extensions = [
      "basicConstraints=CA:FALSE",
      "keyUsage=critical,digitalSignature",
      `extendedKeyUsage=${usage}`,
      ...(sans === "" ? [] : [`subjectAltName=${sans}`])
    ]
    yield* Effect.promise(() => writeFile(ext, extensions.join("\n") + "\n"))
    yield* Exec.run("openssl", [
      "x509", "-req", "-sha256", "-days", DAYS, "-in", csr,
      // A serial of its own: -CAcreateserial shares ca.srl, which parallel signings race on.
      "-CA", join(dir, "ca.crt"), "-CAkey", join(dir, "ca.key"), "-set_serial", `0x${randomBytes(16).toString("hex")}`,
      "-extfile", ext, "-out", join(dir, `${name}.crt`)
    ])
    yield* Effect.promise(() => Promise.all([rm(csr), rm(ext)]))
  }
)

const pair = (dir: string, name: string): KeyPair => ({ cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) })

/** The CA, then every certificate it signs. */
const authority = Effect.fn("Pki.authority")(function*(dir: string) {
  yield* Exec.run("openssl", [
    "req", "-x509", ...P256, "-nodes", "-sha256", "-days", DAYS,
    "-keyout", join(dir, "ca.key"), "-out", join(dir, "ca.crt"), "-subj", "/CN=whatap-operator-e2e-ca",
    "-addext", "basicConstraints=critical,CA:TRUE",
    "-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature"
  ])
  // The leaf certs are independent; openssl is single-threaded, so run them side by side.
  yield* Effect.all([
    sign(dir, "apiserver", "/CN=kube-apiserver", APISERVER_SANS, "serverAuth"),
    sign(dir, "admin", "/O=system:masters/CN=e2e-admin", "", "clientAuth"),
    sign(dir, "webhook", "/CN=e2e-webhook", "IP:127.0.0.1,DNS:localhost", "serverAuth"),
    ...COMPONENTS.map((name) => sign(dir, name, `/O=system:masters/CN=${userOf(name)}`, "", "clientAuth"))
  ], { concurrency: "unbounded" })
})

// RSA, so service-account tokens are RS256 like a real cluster's. Needs no CA, so it is
// made beside the certificates.
const serviceAccountKeys = Effect.fn("Pki.serviceAccountKeys")(function*(dir: string) {
  yield* Exec.run("openssl", ["genrsa", "-out", join(dir, "sa.key"), "2048"])
  yield* Exec.run("openssl", ["rsa", "-in", join(dir, "sa.key"), "-pubout", "-out", join(dir, "sa.pub")])
})

/** Writes the PKI into `dir` (which must exist). */
export const generate = Effect.fn("Pki.generate")(function*(dir: string) {
  yield* Effect.all([authority(dir), serviceAccountKeys(dir)], { concurrency: "unbounded" })
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
    serviceAccountPub: join(dir, "sa.pub"),
    components: {
      "kube-controller-manager": pair(dir, "kube-controller-manager"),
      "kube-scheduler": pair(dir, "kube-scheduler"),
      kwok: pair(dir, "kwok")
    }
  }
  return pki
})

/**
 * An independent reader: the OpenSSL command line verifies the chain strictly, prints the
 * extensions, computes the key identifier the same way, and makes CAs (with and without a
 * subjectKeyIdentifier, or with an Ed25519 key) that `issueServing` must cope with.
 * The tests run on the live Clock because OpenSSL checks validity against the machine's.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { execFile } from "node:child_process"
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import { Certificates } from "../src/index.ts"
import { reasonOf } from "./support/pki.ts"

const run = promisify(execFile)
const hasOpenssl = await run("openssl", ["version"]).then(() => true, () => false)
const slow = { timeout: 60_000 }

/** A temporary directory for PEM files, removed when the test's scope closes. */
const workDir = Effect.acquireRelease(
  Effect.promise(() => mkdtemp(join(tmpdir(), "whatap-certs-"))),
  (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
)

const openssl = (args: ReadonlyArray<string>, cwd: string) =>
  Effect.promise(() =>
    run("openssl", [...args], { cwd }).then(
      ({ stdout, stderr }) => ({ ok: true, output: stdout + stderr }),
      (error: { stdout?: string; stderr?: string }) => ({ ok: false, output: `${error.stdout ?? ""}${error.stderr ?? ""}` })
    )
  )

const write = (dir: string, files: Record<string, string>) =>
  Effect.promise(() => Promise.all(Object.entries(files).map(([name, text]) => writeFile(join(dir, name), text))))

const text = (dir: string, file: string) => Effect.map(openssl(["x509", "-in", file, "-noout", "-text"], dir), (r) => r.output)

/** The hex after an extension's heading line in `openssl x509 -text`, colons and all. */
const keyIdAfter = (output: string, heading: string) => output.split(heading)[1]?.split("\n")[1]?.trim().replace(/^keyid:/, "")


describe.skipIf(!hasOpenssl)("openssl", () => {
  it.live.each(["rsa-2048", "ecdsa-p256"] as const)("verifies the %s chain strictly for TLS serving", (algorithm) =>
    Effect.gen(function*() {
      const dir = yield* workDir
      const ca = yield* Certificates.generateCa({ keyAlgorithm: algorithm })
      const serving = yield* Certificates.issueServing(ca, { ...Certificates.webhookNames("ns", { loopback: true }), keyAlgorithm: algorithm })
      yield* write(dir, { "ca.pem": ca.cert, "server.pem": serving.cert, "server.key": serving.key })
      const verify = yield* openssl(["verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", "ca.pem", "server.pem"], dir)
      assert.isTrue(verify.ok, verify.output)
      assert.include(verify.output, "server.pem: OK")
      const host = yield* openssl(["verify", "-CAfile", "ca.pem", "-verify_hostname", "whatap-admission-controller.ns.svc.cluster.local", "-verify_ip", "127.0.0.1", "server.pem"], dir)
      assert.isTrue(host.ok, host.output)
      const wrongHost = yield* openssl(["verify", "-CAfile", "ca.pem", "-verify_hostname", "elsewhere.example", "server.pem"], dir)
      assert.isFalse(wrongHost.ok, wrongHost.output)
      const keyCheck = yield* openssl(algorithm === "rsa-2048" ? ["rsa", "-check", "-noout", "-in", "server.key"] : ["ec", "-check", "-noout", "-in", "server.key"], dir)
      assert.isTrue(keyCheck.ok, keyCheck.output)
    }), slow)

  it.live("prints the CA and serving extensions", () =>
    Effect.gen(function*() {
      const dir = yield* workDir
      const ca = yield* Certificates.generateCa()
      const serving = yield* Certificates.issueServing(ca, { dnsNames: ["a.example"], ipAddresses: ["127.0.0.1", "::1"] })
      yield* write(dir, { "ca.pem": ca.cert, "server.pem": serving.cert })
      const caText = yield* text(dir, "ca.pem")
      assert.match(caText, /Version: 3 \(0x2\)/)
      assert.match(caText, /Signature Algorithm: sha256WithRSAEncryption/)
      assert.match(caText, /Public-Key: \(2048 bit\)/)
      assert.match(caText, /X509v3 Basic Constraints: critical\n\s+CA:TRUE\n/)
      assert.match(caText, /X509v3 Key Usage: critical\n\s+Certificate Sign, CRL Sign\n/)
      assert.match(caText, /X509v3 Subject Key Identifier: \n\s+[0-9A-F:]{59}\n/)

      const servingText = yield* text(dir, "server.pem")
      assert.match(servingText, /Issuer: CN = whatap-webhook-ca\n/)
      assert.match(servingText, /Subject: CN = a.example\n/)
      assert.match(servingText, /X509v3 Basic Constraints: critical\n\s+CA:FALSE\n/)
      assert.match(servingText, /X509v3 Key Usage: critical\n\s+Digital Signature, Key Encipherment\n/)
      assert.match(servingText, /X509v3 Extended Key Usage: \n\s+TLS Web Server Authentication\n/)
      assert.match(servingText, /X509v3 Subject Alternative Name: \n\s+DNS:a.example, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1\n/)
      assert.strictEqual(
        keyIdAfter(servingText, "X509v3 Authority Key Identifier:"),
        keyIdAfter(caText, "X509v3 Subject Key Identifier:")
      )
    }), slow)

  it.live("computes the key identifier as OpenSSL does", () =>
    Effect.gen(function*() {
      const dir = yield* workDir
      const ca = yield* Certificates.generateCa()
      yield* write(dir, { "ca.pem": ca.cert, "ca.key": ca.key })
      const made = yield* openssl(["req", "-x509", "-key", "ca.key", "-subj", "/CN=same-key", "-days", "1", "-out", "same.pem"], dir)
      assert.isTrue(made.ok, made.output)
      const ours = keyIdAfter(yield* text(dir, "ca.pem"), "X509v3 Subject Key Identifier:")
      assert.isDefined(ours)
      assert.strictEqual(ours, keyIdAfter(yield* text(dir, "same.pem"), "X509v3 Subject Key Identifier:"))
    }), slow)

  it.live.each([
    ["with a subjectKeyIdentifier", [], ["-x509_strict"]],
    // -x509_strict would refuse such a CA itself (error 86, Missing Subject Key Identifier).
    ["without a subjectKeyIdentifier", ["-addext", "subjectKeyIdentifier=none", "-addext", "authorityKeyIdentifier=none"], []]
  ] as const)("issues from an OpenSSL-made RSA CA %s", ([, extra, strict]) =>
    Effect.gen(function*() {
      const dir = yield* workDir
      const made = yield* openssl([
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/O=Example Org/CN=outside-ca", "-addext", "basicConstraints=critical,CA:true",
        "-addext", "keyUsage=critical,keyCertSign", ...extra
      ], dir)
      assert.isTrue(made.ok, made.output)
      const ca = { cert: yield* Effect.promise(() => readFile(join(dir, "ca.pem"), "utf8")), key: yield* Effect.promise(() => readFile(join(dir, "ca.key"), "utf8")) }
      const serving = yield* Certificates.issueServing(ca, { dnsNames: ["a.example"] })
      assert.isTrue(yield* Certificates.verifies(serving.cert, ca.cert))
      yield* write(dir, { "server.pem": serving.cert })
      const verify = yield* openssl(["verify", ...strict, "-CAfile", "ca.pem", "server.pem"], dir)
      assert.isTrue(verify.ok, verify.output)
      assert.match(yield* text(dir, "server.pem"), /Issuer: O = Example Org, CN = outside-ca\n/)
    }), slow)

  it.live("refuses to sign with an Ed25519 CA key", () =>
    Effect.gen(function*() {
      const dir = yield* workDir
      const made = yield* openssl([
        "req", "-x509", "-newkey", "ed25519", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=ed-ca", "-addext", "basicConstraints=critical,CA:true"
      ], dir)
      assert.isTrue(made.ok, made.output)
      const ca = { cert: yield* Effect.promise(() => readFile(join(dir, "ca.pem"), "utf8")), key: yield* Effect.promise(() => readFile(join(dir, "ca.key"), "utf8")) }
      assert.strictEqual(yield* reasonOf(Certificates.issueServing(ca, { dnsNames: ["a.example"] })), "UnsupportedKey")
    }), slow)
})

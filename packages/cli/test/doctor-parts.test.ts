/**
 * The pieces of `whatapctl doctor`: the permission table equals the operator's RBAC in
 * deploy/operator/rbac.yaml (rendered from the chart), the SubjectAccessReview it sends,
 * the served-certificate handshake against a real TLS server on loopback (and no dial
 * anywhere else), the probe pod's labels, and the bin's exit codes without a cluster.
 */
import { X509Certificate } from "node:crypto"
import { readFileSync, writeFileSync } from "node:fs"
import { createServer } from "node:tls"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Certificates } from "@whatap-operator/injector"
import { Effect } from "effect"
import { parseAllDocuments } from "yaml"
import * as Permissions from "../src/commands/doctor/Permissions.ts"
import * as Rbac from "../src/commands/doctor/Rbac.ts"
import * as Tls from "../src/commands/doctor/Tls.ts"
import * as Webhook from "../src/commands/doctor/Webhook.ts"
import { isolatedEnv, repoRoot, run, scratchDir } from "./support/run.ts"

type Json = Readonly<Record<string, unknown>>
const strings = (u: unknown): ReadonlyArray<string> => (Array.isArray(u) ? u.filter((s): s is string => typeof s === "string") : [])

/** `verb group/resource[/sub] name@namespace` of every permission a Role or ClusterRole of the file grants. */
const granted = (file: string): ReadonlyArray<string> =>
  parseAllDocuments(readFileSync(file, "utf8")).map((d) => d.toJS() as Json).filter((d) => d !== null && (d["kind"] === "ClusterRole" || d["kind"] === "Role")).flatMap((role) => {
    const namespace = role["kind"] === "Role" ? String((role["metadata"] as Json)["namespace"]) : "*"
    return (role["rules"] as ReadonlyArray<Json>).flatMap((r) => strings(r["apiGroups"]).flatMap((g) => strings(r["resources"]).flatMap((res) => strings(r["verbs"]).flatMap((v) =>
      (strings(r["resourceNames"]).length === 0 ? [""] : strings(r["resourceNames"])).map((n) => `${v} ${g}/${res} ${n}@${namespace}`)))))
  })

const table = (namespace: string): ReadonlyArray<string> =>
  Permissions.expand(Permissions.rules, namespace).map((p) => `${p.verb} ${p.group}/${p.resource}${p.subresource === undefined ? "" : `/${p.subresource}`} ${p.name ?? ""}@${p.namespace ?? "*"}`)

const scratch = scratchDir("whatapctl-doctor-")

describe("doctor: RBAC", () => {
  it("the permission table is exactly what deploy/operator/rbac.yaml grants", () => {
    assert.deepStrictEqual([...table("whatap-monitoring")].sort(), [...granted(`${repoRoot}deploy/operator/rbac.yaml`)].sort())
  })

  it("the rollout restart's table is exactly what deploy/operator/rollout-restart-rbac.yaml grants", () => {
    const rollout = Permissions.expand(Permissions.rolloutRules, "whatap-monitoring").map((p) => `${p.verb} ${p.group}/${p.resource} ${p.name ?? ""}@${p.namespace ?? "*"}`)
    assert.deepStrictEqual([...rollout].sort(), [...granted(`${repoRoot}deploy/operator/rollout-restart-rbac.yaml`)].sort())
  })

  it("asks the authorizer about the ServiceAccount's user and groups, a subresource and a name apart", () => {
    const [status] = Permissions.expand([{ scope: "cluster", group: "monitoring.whatap.com", resources: ["whatapagents/status"], verbs: ["patch"] }], "ns")
    const [lease] = Permissions.expand([{ scope: "namespace", group: "coordination.k8s.io", resources: ["leases"], names: ["x"], verbs: ["get"] }], "ns")
    assert.deepStrictEqual(Rbac.review("ns", "sa", status ?? assert.fail())["spec"], {
      user: "system:serviceaccount:ns:sa",
      groups: ["system:serviceaccounts", "system:serviceaccounts:ns", "system:authenticated"],
      resourceAttributes: { verb: "patch", group: "monitoring.whatap.com", resource: "whatapagents", subresource: "status" }
    })
    assert.deepStrictEqual((Rbac.review("ns", "sa", lease ?? assert.fail())["spec"] as Json)["resourceAttributes"], { verb: "get", group: "coordination.k8s.io", resource: "leases", name: "x", namespace: "ns" })
  })
})

describe("doctor: the served certificate", () => {
  const serve = (cert: string, key: string) =>
    Effect.acquireRelease(
      Effect.callback<{ readonly port: number; readonly close: () => void }>((resume) => {
        const server = createServer({ cert, key }, (socket) => socket.end())
        server.listen(0, "127.0.0.1", () => {
          const address = server.address()
          resume(Effect.succeed({ port: typeof address === "object" && address !== null ? address.port : 0, close: () => server.close() }))
        })
      }),
      (s) => Effect.sync(s.close)
    )

  /** A CA and a serving certificate for 127.0.0.1, valid now (the handshake uses the real clock). */
  const loopbackTls = (commonName: string) =>
    Effect.gen(function*() {
      const ca = yield* Certificates.generateCa({ commonName, keyAlgorithm: "ecdsa-p256" })
      const serving = yield* Certificates.issueServing(ca, { ipAddresses: ["127.0.0.1"], keyAlgorithm: "ecdsa-p256" })
      return { ca: ca.cert, cert: serving.cert, key: serving.key }
    })

  it.live("a loopback URL is checked against its caBundle: trusted by its CA, not by another", () =>
    Effect.scoped(Effect.gen(function*() {
      const mine = yield* loopbackTls("mine-ca")
      const other = yield* loopbackTls("other-ca")
      const server = yield* serve(mine.cert, mine.key)
      const url = new URL(`https://127.0.0.1:${server.port}`)
      const trusted = yield* Tls.served(url, mine.ca)
      assert.isTrue(trusted.authorized, trusted.error)
      assert.strictEqual(trusted.certificate?.fingerprint256, new X509Certificate(mine.cert).fingerprint256)
      const foreign = yield* Tls.served(url, other.ca)
      assert.isFalse(foreign.authorized)
      assert.match(foreign.error ?? "", /UNABLE_TO_VERIFY_LEAF_SIGNATURE/)
      // A certificate that names another host fails the host check, as the API server's would.
      const ca = yield* Certificates.generateCa({ commonName: "named-ca", keyAlgorithm: "ecdsa-p256" })
      const named = yield* Certificates.issueServing(ca, { dnsNames: ["whatap-admission-controller.whatap-monitoring.svc"], keyAlgorithm: "ecdsa-p256" })
      const wrongHost = yield* serve(named.cert, named.key)
      const elsewhere = yield* Tls.served(new URL(`https://127.0.0.1:${wrongHost.port}`), ca.cert)
      assert.isFalse(elsewhere.authorized)
      assert.match(elsewhere.error ?? "", /ERR_TLS_CERT_ALTNAME_INVALID/)
    })))

  it.live("nothing listening is an error naming the address", () =>
    Effect.gen(function*() {
      const e = yield* Effect.flip(Tls.served(new URL("https://127.0.0.1:1"), ""))
      assert.match(e.message, /ECONNREFUSED 127\.0\.0\.1:1/)
    }))

  it.effect("a URL that is not loopback is never dialled", () =>
    Effect.gen(function*() {
      for (const url of ["https://10.96.0.10:443", "https://whatap-admission-controller.whatap-monitoring.svc", "https://192.168.1.5:9443"]) {
        const e = yield* Effect.flip(Tls.served(new URL(url), ""))
        assert.include(e.message, "is not a loopback address; it is not dialled")
      }
      assert.isTrue(Tls.isLoopback(new URL("https://127.0.0.1:9443")))
      assert.isTrue(Tls.isLoopback(new URL("https://[::1]:9443")))
      assert.isTrue(Tls.isLoopback(new URL("https://127.1.2.3")))
    }))
})

describe("doctor: the probe pod", () => {
  it("labels from matchLabels, the first value of In, and Exists", () => {
    assert.deepStrictEqual(Webhook.labelsFor({
      matchLabels: { app: "web" },
      matchExpressions: [{ key: "tier", operator: "In", values: ["front", "back"] }, { key: "team", operator: "Exists" }, { key: "legacy", operator: "DoesNotExist" }, { key: "x", operator: "NotIn", values: ["y"] }]
    }), { app: "web", tier: "front", team: "whatapctl-doctor" })
    assert.deepStrictEqual(Webhook.labelsFor(undefined), {})
  })

  it("the webhook's namespaceSelector decides which namespaces a probe may use", () => {
    const webhook = { namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["kube-system"] }] } }
    assert.isTrue(Webhook.covers(webhook, { "kubernetes.io/metadata.name": "default" }))
    assert.isFalse(Webhook.covers(webhook, { "kubernetes.io/metadata.name": "kube-system" }))
    assert.isTrue(Webhook.covers({}, { "kubernetes.io/metadata.name": "kube-system" }))
  })
})

describe("doctor through the bin", () => {
  it("an unusable kubeconfig is exit 2 before anything is contacted", () => {
    const r = run(["doctor", "--kubeconfig", "/nonexistent/kubeconfig"], { env: isolatedEnv() })
    assert.strictEqual(r.status, 2)
    assert.match(r.stderr, /^whatapctl: cannot use the kubeconfig: .*nonexistent/m)
  })

  it("an API server that refuses connections: exit 1, the first check fails, the others are skipped", () => {
    const kubeconfig = join(scratch, "closed.yaml")
    writeFileSync(kubeconfig, [
      "apiVersion: v1", "kind: Config", "current-context: closed",
      "clusters: [{name: closed, cluster: {server: \"https://127.0.0.1:1\", insecure-skip-tls-verify: true}}]",
      "users: [{name: u, user: {token: t}}]",
      "contexts: [{name: closed, context: {cluster: closed, user: u}}]", ""
    ].join("\n"))
    const r = run(["doctor", "--kubeconfig", kubeconfig, "-o", "json"], { env: isolatedEnv() })
    assert.strictEqual(r.status, 1, r.stderr)
    const report = JSON.parse(r.stdout) as { ok: boolean; checks: ReadonlyArray<{ status: string; summary: string }> }
    assert.isFalse(report.ok)
    assert.deepStrictEqual(report.checks.map((c) => c.status), ["fail", "skip", "skip", "skip", "skip", "skip", "skip", "skip"])
    assert.strictEqual(report.checks[0]?.summary, "the API server did not answer")
    assert.strictEqual(r.stderr.split("\n").at(-2), "whatapctl: 8 checks: 0 ok, 1 failed, 7 skipped")
  })

  it("usage errors are exit 2", () => {
    for (const args of [["doctor", "extra"], ["doctor", "-o", "yaml"], ["doctor", "-n", "Bad_NS"], ["doctor", "--service-account", "no spaces"]]) {
      const r = run(args, { env: isolatedEnv() })
      assert.strictEqual(r.status, 2, args.join(" "))
    }
  })
})

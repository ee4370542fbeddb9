/**
 * The in-cluster configuration read without client-node: when it applies (the order of
 * client-node's loadFromDefault), the server of KUBERNETES_SERVICE_HOST/_PORT (IPv6 in
 * brackets), the CA and token of the service account mount (a temporary directory here),
 * the token's rotation picked up after `authTtl` or a 401, and the errors that name the
 * file. The environment comes from a ConfigProvider, never from this process' own.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import * as https from "node:https"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Duration, Effect, Option } from "effect"
import { TestClock } from "effect/testing"
import { HttpResponse } from "msw"
import * as ApiResource from "../src/ApiResource.ts"
import { KubeConfigError } from "../src/KubeConfigError.ts"
import { KubeError } from "../src/KubeError.ts"
import { makeCaller } from "../src/internal/call.ts"
import * as Config from "../src/internal/config.ts"
import * as InCluster from "../src/internal/inCluster.ts"
import { reads } from "../src/internal/reads.ts"
import { configMap, kubeconfig, server, status, useFakeApiServer } from "./support/FakeApiServer.ts"

const fake = useFakeApiServer()

/** Not parsed: the fake server answers before any TLS handshake. */
const ca = "-----BEGIN CERTIFICATE-----\nin-cluster-test-ca\n-----END CERTIFICATE-----\n"

/** A service account mount (token, ca.crt) in a temporary directory removed with the scope. */
const mount = (files: { readonly token?: string; readonly ca?: string } = { token: "one", ca }) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const dir = mkdtempSync(join(tmpdir(), "kube-sa-"))
      if (files.token !== undefined) writeFileSync(join(dir, "token"), files.token)
      if (files.ca !== undefined) writeFileSync(join(dir, "ca.crt"), files.ca)
      return dir
    }),
    (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
  )

/** A HOME with no ~/.kube/config, or with one (`withConfig`). */
const home = (withConfig: boolean) =>
  Effect.map(mount({}), (dir) => {
    if (withConfig) {
      mkdirSync(join(dir, ".kube"))
      writeFileSync(join(dir, ".kube", "config"), kubeconfig)
    }
    return dir
  })

const withEnv = (env: Record<string, string>) => Effect.provide(ConfigProvider.layer(ConfigProvider.fromEnv({ env })))

const service = { KUBERNETES_SERVICE_HOST: "k8s.test", KUBERNETES_SERVICE_PORT: "443" }

const authorization = (endpoint: Config.Endpoint) => Effect.map(endpoint.headers, (h) => h["Authorization"])

describe("in-cluster config: when it applies", () => {
  it.effect("the service variables with no kubeconfig anywhere", () =>
    Effect.gen(function*() {
      const empty = yield* home(false)
      const found = yield* InCluster.detect({}, "linux").pipe(withEnv({ ...service, HOME: empty }))
      assert.deepStrictEqual(found, Option.some({ host: "k8s.test", port: "443" }))
    }).pipe(Effect.scoped))

  it.effect("a kubeconfig wins: given, as data, a context, $KUBECONFIG, ~/.kube/config; Windows; a variable missing", () =>
    Effect.gen(function*() {
      const empty = yield* home(false)
      const withConfig = yield* home(true)
      const cases = [
        InCluster.detect({ kubeconfig: "/x/config" }, "linux").pipe(withEnv({ ...service, HOME: empty })),
        InCluster.detect({ kubeconfigData: kubeconfig }, "linux").pipe(withEnv({ ...service, HOME: empty })),
        InCluster.detect({ context: "other" }, "linux").pipe(withEnv({ ...service, HOME: empty })),
        InCluster.detect({}, "linux").pipe(withEnv({ ...service, HOME: empty, KUBECONFIG: "/x/config" })),
        InCluster.detect({}, "linux").pipe(withEnv({ ...service, HOME: withConfig })),
        InCluster.detect({}, "win32").pipe(withEnv({ ...service, HOME: empty })),
        InCluster.detect({}, "linux").pipe(withEnv({ KUBERNETES_SERVICE_HOST: "k8s.test", HOME: empty })),
        InCluster.detect({}, "linux").pipe(withEnv({ KUBERNETES_SERVICE_PORT: "443", HOME: empty }))
      ]
      for (const found of yield* Effect.all(cases)) assert.isTrue(Option.isNone(found))
      // The control: an empty $KUBECONFIG is no kubeconfig.
      const control = yield* InCluster.detect({}, "linux").pipe(withEnv({ ...service, HOME: empty, KUBECONFIG: "" }))
      assert.isTrue(Option.isSome(control))
    }).pipe(Effect.scoped))

  it.effect("a given kubeconfig is used although the service variables are set", () =>
    Effect.gen(function*() {
      const endpoint = yield* Config.endpoint({ kubeconfigData: kubeconfig.replace(server, "https://from-kubeconfig.test") }, "/nonexistent")
        .pipe(withEnv(service))
      assert.strictEqual(endpoint.server.host, "from-kubeconfig.test")
    }).pipe(Effect.scoped))
})

describe("in-cluster config: the endpoint", () => {
  it.effect("https to the service, the mount's CA on the Agent, the token as a bearer", () =>
    Effect.gen(function*() {
      const dir = yield* mount({ token: "one\n", ca })
      const endpoint = yield* InCluster.endpoint({ host: "10.96.0.1", port: "443" }, dir)
      assert.strictEqual(endpoint.server.href, "https://10.96.0.1/")
      assert.instanceOf(endpoint.agent, https.Agent)
      assert.strictEqual((endpoint.agent as https.Agent).options.ca, ca)
      assert.strictEqual(endpoint.transport, https.request)
      assert.strictEqual(yield* authorization(endpoint), "Bearer one")
    }).pipe(Effect.scoped))

  it.effect("an IPv6 host goes in brackets", () =>
    Effect.gen(function*() {
      const dir = yield* mount()
      const endpoint = yield* InCluster.endpoint({ host: "fd00:10:96::1", port: "6443" }, dir)
      assert.strictEqual(endpoint.server.href, "https://[fd00:10:96::1]:6443/")
    }).pipe(Effect.scoped))

  it.effect("a rotated token is read after authTtl, or at once after a 401", () =>
    Effect.gen(function*() {
      const dir = yield* mount()
      const endpoint = yield* InCluster.endpoint({ host: "k8s.test", port: "443" }, dir)
      assert.strictEqual(yield* authorization(endpoint), "Bearer one")
      writeFileSync(join(dir, "token"), "two")
      yield* TestClock.adjust(Duration.subtract(Config.authTtl, Duration.seconds(1)))
      assert.strictEqual(yield* authorization(endpoint), "Bearer one")
      yield* TestClock.adjust(Duration.seconds(1))
      assert.strictEqual(yield* authorization(endpoint), "Bearer two")
      writeFileSync(join(dir, "token"), "three")
      yield* endpoint.refreshHeaders
      assert.strictEqual(yield* authorization(endpoint), "Bearer three")
    }).pipe(Effect.scoped))

  it.effect("a missing or empty token, a missing CA: a KubeConfigError that names the file", () =>
    Effect.gen(function*() {
      const noToken = yield* mount({ ca })
      const missing = yield* Effect.flip(InCluster.endpoint({ host: "k8s.test", port: "443" }, noToken))
      assert.instanceOf(missing, KubeConfigError)
      assert.strictEqual(missing.source, noToken)
      assert.include(missing.message, `in-cluster config: cannot read the service account token ${join(noToken, "token")} (ENOENT)`)
      const empty = yield* Effect.flip(InCluster.endpoint({ host: "k8s.test", port: "443" }, yield* mount({ token: " \n", ca })))
      assert.include(empty.message, "is empty")
      const noCa = yield* mount({ token: "one" })
      const withoutCa = yield* Effect.flip(InCluster.endpoint({ host: "k8s.test", port: "443" }, noCa))
      assert.include(withoutCa.message, `cannot read the service account CA ${join(noCa, "ca.crt")} (ENOENT)`)
      const badPort = yield* Effect.flip(InCluster.endpoint({ host: "k8s.test", port: "not-a-port" }, yield* mount()))
      assert.include(badPort.message, "do not make a URL")
    }).pipe(Effect.scoped))

  it.effect("a token that disappears later fails the call as Unauthorized, without the token", () =>
    Effect.gen(function*() {
      const dir = yield* mount({ token: "secret-token", ca })
      const endpoint = yield* InCluster.endpoint({ host: "k8s.test", port: "443" }, dir)
      rmSync(join(dir, "token"))
      yield* endpoint.refreshHeaders
      const error = yield* Effect.flip(endpoint.headers)
      assert.instanceOf(error, KubeError)
      assert.strictEqual(error.reason, "Unauthorized")
      assert.include(error.message, join(dir, "token"))
      assert.notInclude(error.message, "secret-token")
    }).pipe(Effect.scoped))
})

describe("in-cluster config: requests", () => {
  const get = (endpoint: Config.Endpoint) =>
    reads(makeCaller(endpoint, { timeout: Duration.seconds(5), maxResponseBytes: 1024 * 1024 }))
      .get(ApiResource.ConfigMap, "a", { namespace: "ns" })

  it.live("a call goes to the service with the mount's token; after a 401 with the rotated one", () =>
    Effect.gen(function*() {
      const empty = yield* home(false)
      const dir = yield* mount()
      // The first token is accepted once, then it has "expired".
      fake.route("get", "/api/v1/namespaces/ns/configmaps/a", (request, n) =>
        request.headers.get("authorization") === (n === 0 ? "Bearer one" : "Bearer two")
          ? HttpResponse.json(configMap("a", String(n)))
          : status(401, "Unauthorized", "Unauthorized"))
      const endpoint = yield* Config.endpoint({}, dir).pipe(withEnv({ ...service, HOME: empty }))
      assert.strictEqual(endpoint.server.origin, server)
      assert.strictEqual((yield* get(endpoint)).metadata.resourceVersion, "0")
      writeFileSync(join(dir, "token"), "two")
      assert.strictEqual((yield* get(endpoint)).metadata.resourceVersion, "2")
      assert.deepStrictEqual(fake.seen.map((r) => r.headers.get("authorization")), ["Bearer one", "Bearer one", "Bearer two"])
    }).pipe(Effect.scoped))
})

/**
 * The live layer's requests, as the API server sees them: paths, verbs, content types,
 * query parameters, the Accept of metadata-only lists, decoding of objects and lists.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { HttpResponse } from "msw"
import * as ApiResource from "../src/ApiResource.ts"
import { KubeClient } from "../src/KubeClient.ts"
import { KubeConfigError } from "../src/KubeConfigError.ts"
import type { RequestEvent } from "../src/internal/call.ts"
import { configMap, kubeconfig, listBody, provideLive, useFakeApiServer } from "./support/FakeApiServer.ts"

const fake = useFakeApiServer()

/** A temporary directory, removed with the scope. */
const scratchDir = (prefix: string) =>
  Effect.acquireRelease(
    Effect.sync(() => mkdtempSync(join(tmpdir(), prefix))),
    (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
  )
const cm = configMap("a", "7", { k: "v" })
const base = "/api/v1/namespaces/ns/configmaps"

describe("KubeClient live: requests", () => {
  it.live("get sends the bearer token and decodes the object", () =>
    Effect.gen(function*() {
      fake.route("get", `${base}/a`, () => HttpResponse.json(cm))
      const client = yield* KubeClient
      const got = yield* client.get(ApiResource.ConfigMap, "a", { namespace: "ns" })
      assert.deepStrictEqual(got, cm)
      const [request] = fake.seen
      assert.strictEqual(request?.method, "GET")
      assert.strictEqual(request?.headers.get("authorization"), "Bearer abc")
      assert.strictEqual(request?.headers.get("accept"), "application/json")
      assert.strictEqual(request?.headers.get("user-agent"), "whatap-operator")
    }).pipe(provideLive()))

  it.live("cluster-scoped and group paths", () =>
    Effect.gen(function*() {
      const node = { apiVersion: "v1", kind: "Node", metadata: { name: "n1" } }
      const deployment = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d", namespace: "ns" } }
      fake.route("get", "/api/v1/nodes/n1", () => HttpResponse.json(node))
      fake.route("get", "/apis/apps/v1/namespaces/ns/deployments/d", () => HttpResponse.json(deployment))
      const client = yield* KubeClient
      assert.deepStrictEqual(yield* client.get(ApiResource.Node, "n1"), node)
      assert.deepStrictEqual(yield* client.get(ApiResource.Deployment, "d", { namespace: "ns" }), deployment)
    }).pipe(provideLive()))

  it.live("create POSTs JSON to the collection of the object's namespace with the field manager", () =>
    Effect.gen(function*() {
      fake.route("post", base, ({ body }) => HttpResponse.json(JSON.parse(body), { status: 201 }))
      const client = yield* KubeClient
      yield* client.create(ApiResource.ConfigMap, cm, { dryRun: true })
      const [request] = fake.seen
      assert.strictEqual(request?.headers.get("content-type"), "application/json")
      assert.deepStrictEqual(JSON.parse(request?.body ?? ""), cm)
      assert.strictEqual(request?.url.searchParams.get("dryRun"), "All")
      assert.strictEqual(request?.url.searchParams.get("fieldManager"), "whatap-operator")
    }).pipe(provideLive()))

  it.live("create on a subresource addresses the parent by the object's name", () =>
    Effect.gen(function*() {
      const tokenRequest = {
        apiVersion: "authentication.k8s.io/v1",
        kind: "TokenRequest",
        metadata: { name: "agent", namespace: "ns" },
        spec: { audiences: ["x"] }
      }
      fake.route("post", "/api/v1/namespaces/ns/serviceaccounts/agent/token", () =>
        HttpResponse.json({ ...tokenRequest, status: { token: "t" } }, { status: 201 }))
      const client = yield* KubeClient
      const got = yield* client.create(ApiResource.ServiceAccount, tokenRequest, { subresource: "token" })
      assert.deepStrictEqual(got["status"], { token: "t" })
    }).pipe(provideLive()))

  it.live("update PUTs to the object's path; status subresource", () =>
    Effect.gen(function*() {
      fake.route("put", `${base}/a/status`, ({ body }) => HttpResponse.json(JSON.parse(body)))
      const client = yield* KubeClient
      yield* client.update(ApiResource.ConfigMap, cm, { subresource: "status", fieldManager: "other" })
      const [request] = fake.seen
      assert.strictEqual(request?.method, "PUT")
      assert.strictEqual(request?.url.searchParams.get("fieldManager"), "other")
      assert.isNull(request?.url.searchParams.get("dryRun") ?? null)
    }).pipe(provideLive()))

  it.live("apply PATCHes apply-patch+yaml with fieldManager and force", () =>
    Effect.gen(function*() {
      fake.route("patch", `${base}/a`, () => HttpResponse.json(cm))
      const client = yield* KubeClient
      yield* client.apply(ApiResource.ConfigMap, cm, { force: true })
      yield* client.apply(ApiResource.ConfigMap, cm, { force: false, fieldManager: "mine" })
      const [forced, plain] = fake.seen
      assert.strictEqual(forced?.headers.get("content-type"), "application/apply-patch+yaml")
      assert.strictEqual(forced?.url.search, "?force=true&fieldManager=whatap-operator")
      assert.strictEqual(plain?.url.search, "?force=false&fieldManager=mine")
      assert.deepStrictEqual(JSON.parse(plain?.body ?? ""), cm)
    }).pipe(provideLive()))

  it.live("patch content type per patch type", () =>
    Effect.gen(function*() {
      fake.route("patch", `${base}/a`, () => HttpResponse.json(cm))
      fake.route("patch", `${base}/a/status`, () => HttpResponse.json(cm))
      const client = yield* KubeClient
      yield* client.patch(ApiResource.ConfigMap, "a", { type: "merge", body: { data: { k: "w" } } }, { namespace: "ns" })
      yield* client.patch(ApiResource.ConfigMap, "a", { type: "json", body: [{ op: "remove", path: "/data/k" }] }, {
        namespace: "ns"
      })
      yield* client.patch(ApiResource.ConfigMap, "a", { type: "strategic", body: {} }, {
        namespace: "ns",
        subresource: "status"
      })
      assert.deepStrictEqual(fake.seen.map((r) => [r.url.pathname, r.headers.get("content-type")]), [
        [`${base}/a`, "application/merge-patch+json"],
        [`${base}/a`, "application/json-patch+json"],
        [`${base}/a/status`, "application/strategic-merge-patch+json"]
      ])
      assert.deepStrictEqual(JSON.parse(fake.seen[1]?.body ?? ""), [{ op: "remove", path: "/data/k" }])
    }).pipe(provideLive()))

  it.live("delete sends DeleteOptions only when given", () =>
    Effect.gen(function*() {
      fake.route("delete", `${base}/a`, () => HttpResponse.json({ kind: "Status", status: "Success" }))
      const client = yield* KubeClient
      yield* client.delete(ApiResource.ConfigMap, "a", { namespace: "ns" })
      yield* client.delete(ApiResource.ConfigMap, "a", {
        namespace: "ns",
        propagationPolicy: "Foreground",
        preconditions: { uid: "uid-a" }
      })
      const [plain, withOptions] = fake.seen
      assert.strictEqual(plain?.body, "")
      assert.deepStrictEqual(JSON.parse(withOptions?.body ?? ""), {
        apiVersion: "v1",
        kind: "DeleteOptions",
        propagationPolicy: "Foreground",
        preconditions: { uid: "uid-a" }
      })
    }).pipe(provideLive()))

  it.live("list fills apiVersion/kind of items and follows continue", () =>
    Effect.gen(function*() {
      fake.route("get", base, ({ url }) =>
        url.searchParams.get("continue") === null
          ? HttpResponse.json(listBody([configMap("a", "1")], "10", "tok"))
          : HttpResponse.json(listBody([configMap("b", "2")], "10")))
      const client = yield* KubeClient
      const list = yield* client.list(ApiResource.ConfigMap, { namespace: "ns", limit: 1, labelSelector: "a=b" })
      assert.deepStrictEqual(list, { items: [configMap("a", "1"), configMap("b", "2")], resourceVersion: "10" })
      assert.deepStrictEqual(fake.seen.map((r) => r.url.search), [
        "?labelSelector=a%3Db&limit=1",
        "?labelSelector=a%3Db&limit=1&continue=tok"
      ])
    }).pipe(provideLive()))

  it.live("metadata-only list asks for PartialObjectMetadataList", () =>
    Effect.gen(function*() {
      fake.route("get", "/api/v1/pods", () =>
        HttpResponse.json({
          apiVersion: "meta.k8s.io/v1",
          kind: "PartialObjectMetadataList",
          metadata: { resourceVersion: "5" },
          items: [{ metadata: { name: "p", namespace: "ns" } }]
        }))
      const client = yield* KubeClient
      const list = yield* client.list(ApiResource.Pod, { metadataOnly: true, fieldSelector: "spec.nodeName=n1" })
      assert.deepStrictEqual(list.items, [
        { apiVersion: "meta.k8s.io/v1", kind: "PartialObjectMetadata", metadata: { name: "p", namespace: "ns" } }
      ])
      assert.strictEqual(
        fake.seen[0]?.headers.get("accept"),
        "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"
      )
    }).pipe(provideLive()))

  it.live("observe hears each attempt with verb, target and status", () => {
    const events: Array<RequestEvent> = []
    return Effect.gen(function*() {
      fake.route("get", `${base}/a`, (_, n) => n === 0 ? HttpResponse.json({}, { status: 503 }) : HttpResponse.json(cm))
      const client = yield* KubeClient
      yield* client.get(ApiResource.ConfigMap, "a", { namespace: "ns" })
      assert.deepStrictEqual(events.map((e) => [e.verb, e.resource.plural, e.namespace, e.name, e.status]), [
        ["get", "configmaps", "ns", "a", 503],
        ["get", "configmaps", "ns", "a", 200]
      ])
      assert.isTrue(events.every((e) => e.durationMs >= 0))
    }).pipe(provideLive({ observe: (event) => Effect.sync(() => events.push(event)) }))
  })

  it.live("a kubeconfig without the asked context fails the layer", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(Effect.service(KubeClient).pipe(provideLive({ context: "absent" })))
      assert.isTrue(Exit.isFailure(exit))
      const error = Exit.findErrorOption(exit)
      assert.isTrue(error._tag === "Some" && error.value instanceof KubeConfigError)
    }))

  it.live("a kubeconfig file by path; an http server with insecure-skip-tls-verify goes over plain http", () =>
    Effect.gen(function*() {
      const dir = yield* scratchDir("kube-live-")
      const path = join(dir, "config")
      writeFileSync(path, kubeconfig.replace("https://k8s.test", "http://k8s.test:8080"))
      fake.route("get", "/api/v1/namespaces/ns/configmaps/a", () => HttpResponse.json(cm), "http://k8s.test:8080")
      const got = yield* Effect.flatMap(Effect.service(KubeClient), (c) => c.get(ApiResource.ConfigMap, "a", { namespace: "ns" })).pipe(
        Effect.provide(KubeClient.layer({ kubeconfig: path }))
      )
      assert.deepStrictEqual(got, cm)
      assert.strictEqual(fake.seen[0]?.url.protocol, "http:")
      writeFileSync(path, kubeconfig.replace("https://k8s.test", "http://k8s.test:8080").replace("insecure-skip-tls-verify: true", ""))
      const plain = yield* Effect.flip(Effect.service(KubeClient).pipe(Effect.provide(KubeClient.layer({ kubeconfig: path }))))
      assert.include(plain.message, "insecure-skip-tls-verify")
      const missing = yield* Effect.flip(Effect.service(KubeClient).pipe(Effect.provide(KubeClient.layer({ kubeconfig: join(dir, "absent") }))))
      assert.instanceOf(missing, KubeConfigError)
      assert.strictEqual(missing.source, join(dir, "absent"))
    }).pipe(Effect.scoped))

  it.live("a kubeconfig that does not load: the file, line and column, never its text; an endless or device file is refused", () =>
    Effect.gen(function*() {
      const dir = yield* scratchDir("kube-bad-")
      const layerError = (layer: Parameters<typeof KubeClient.layer>[0]) =>
        Effect.flip(Effect.service(KubeClient).pipe(Effect.provide(KubeClient.layer(layer))))
      const broken = join(dir, "broken")
      writeFileSync(broken, kubeconfig.replace("token: abc", "token: SUPERSECRETTOKEN123\n    password: \"unterminated"))
      const syntax = yield* layerError({ kubeconfig: broken })
      assert.instanceOf(syntax, KubeConfigError)
      assert.match(syntax.message, new RegExp(`^${broken}: invalid YAML at line \\d+, column \\d+: `))
      assert.notInclude(syntax.message, "SUPERSECRETTOKEN123")
      assert.notInclude(syntax.message, "\n")
      // js-yaml quotes a tag or an alias in its reason: a password may start with ! or *
      writeFileSync(broken, kubeconfig.replace("token: abc", "token: !SECRETTAG-991"))
      const tagged = yield* layerError({ kubeconfig: broken })
      assert.notInclude(tagged.message, "SECRETTAG-991")
      assert.match(tagged.message, /invalid YAML at line \d+, column \d+: /)
      const absent = yield* layerError({ kubeconfig: join(dir, "absent") })
      assert.strictEqual(absent.message, `${join(dir, "absent")}: no such file or directory`)
      const directory = yield* layerError({ kubeconfig: dir })
      assert.strictEqual(directory.message, `${dir}: is a directory, not a kubeconfig file`)
      const endless = yield* layerError({ kubeconfig: "/dev/zero" })
      assert.strictEqual(endless.message, "/dev/zero: it is larger than 16 MiB (a kubeconfig is a few KiB)")
      const saved = process.env["KUBECONFIG"]
      yield* Effect.acquireRelease(
        Effect.sync(() => void (process.env["KUBECONFIG"] = `/dev/zero`)),
        () => Effect.sync(() => void (saved === undefined ? delete process.env["KUBECONFIG"] : (process.env["KUBECONFIG"] = saved)))
      )
      const device = yield* layerError(undefined)
      assert.include(device.message, "/dev/zero is a device, not a kubeconfig file")
    }).pipe(Effect.scoped))

  it.live("$KUBECONFIG's files are read bounded and merged as client-node merges them (missing ones left out): a context of the second file is usable", () =>
    Effect.gen(function*() {
      const dir = yield* scratchDir("kube-list-")
      const first = join(dir, "first")
      const second = join(dir, "second")
      writeFileSync(first, kubeconfig)
      writeFileSync(second, kubeconfig.replaceAll("name: fake", "name: other").replaceAll("cluster: fake", "cluster: other").replaceAll("user: fake", "user: other").replace("current-context: fake", "current-context: other"))
      const saved = process.env["KUBECONFIG"]
      yield* Effect.acquireRelease(
        // a file of the list that does not exist is left out, as kubectl leaves it out
        Effect.sync(() => void (process.env["KUBECONFIG"] = [join(dir, "absent"), first, join(dir, "gone"), second].join(":"))),
        () => Effect.sync(() => void (saved === undefined ? delete process.env["KUBECONFIG"] : (process.env["KUBECONFIG"] = saved)))
      )
      fake.route("get", "/api/v1/namespaces/ns/configmaps/a", () => HttpResponse.json(cm))
      for (const context of ["fake", "other"]) {
        const got = yield* Effect.flatMap(Effect.service(KubeClient), (c) => c.get(ApiResource.ConfigMap, "a", { namespace: "ns" })).pipe(
          Effect.provide(KubeClient.layer({ context }))
        )
        assert.deepStrictEqual(got, cm, context)
      }
    }).pipe(Effect.scoped))

  it.live("relative certificate paths in a kubeconfig file resolve against its directory, as client-node's loadFromFile does", () =>
    Effect.gen(function*() {
      const dir = yield* scratchDir("kube-rel-")
      const path = join(dir, "config")
      writeFileSync(join(dir, "ca.pem"), "not checked before a connection")
      writeFileSync(path, kubeconfig.replace("insecure-skip-tls-verify: true", "certificate-authority: ca.pem"))
      yield* Effect.service(KubeClient).pipe(Effect.provide(KubeClient.layer({ kubeconfig: path })))
      writeFileSync(path, kubeconfig.replace("insecure-skip-tls-verify: true", "certificate-authority: absent.pem"))
      const missing = yield* Effect.flip(Effect.service(KubeClient).pipe(Effect.provide(KubeClient.layer({ kubeconfig: path }))))
      assert.include(missing.message, join(dir, "absent.pem"))
    }).pipe(Effect.scoped))

  it.live("an exec credential plugin that fails is named, with what it printed or that it printed nothing", () =>
    Effect.gen(function*() {
      const withExec = (script: string) => kubeconfig.replace("    token: abc", `    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: sh\n      args: ["-c", ${JSON.stringify(script)}]\n      interactiveMode: Never`)
      const layerError = (data: string) => Effect.flip(Effect.service(KubeClient).pipe(Effect.provide(KubeClient.layer({ kubeconfigData: data }))))
      const silent = yield* layerError(withExec("echo garbage; exit 3"))
      assert.include(silent.message, "the credential plugin \"sh\" failed without a message")
      const loud = yield* layerError(withExec("echo token expired >&2; exit 1"))
      assert.include(loud.message, "the credential plugin \"sh\" failed: token expired")
    }).pipe(Effect.scoped))

  // client-node falls back to the in-cluster config, which a pod has: there the test means nothing.
  it.live.skipIf(existsSync("/var/run/secrets/kubernetes.io/serviceaccount/token"))(
    "no kubeconfig anywhere fails the layer with a message that says so",
    () =>
      Effect.gen(function*() {
        const home = yield* scratchDir("kube-home-")
        // Without the service variables too: with them, the in-cluster config would apply.
        const saved = { HOME: process.env["HOME"], KUBECONFIG: process.env["KUBECONFIG"], KUBERNETES_SERVICE_HOST: process.env["KUBERNETES_SERVICE_HOST"] }
        yield* Effect.acquireRelease(
          Effect.sync(() => {
            process.env["HOME"] = home
            delete process.env["KUBECONFIG"]
            delete process.env["KUBERNETES_SERVICE_HOST"]
          }),
          () =>
            Effect.sync(() => {
              for (const [name, value] of Object.entries(saved)) {
                if (value === undefined) delete process.env[name]
                else process.env[name] = value
              }
            })
        )
        const error = yield* Effect.flip(Effect.service(KubeClient).pipe(Effect.provide(KubeClient.layer())))
        assert.instanceOf(error, KubeConfigError)
        assert.include(error.message, "no kubeconfig")
      }).pipe(Effect.scoped)
  )
})

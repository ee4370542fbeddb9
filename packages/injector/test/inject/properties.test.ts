/**
 * Properties of `Inject.mutate` over generated pods and CRs (fast-check): the patch
 * applied to the input is exactly the output; mutating the output changes nothing; the
 * output is a pod the API server accepts as far as the mutation is concerned (unique env
 * names per container when the input had them, no entry with both value and valueFrom,
 * unique volume names, unique mount paths per container, unique container names); and
 * fields the mutation does not own come through untouched.
 */
import { assert, describe, it } from "@effect/vitest"
import fc from "fast-check"
import { Inject } from "../../src/index.ts"
import * as Names from "../../src/internal/inject/Names.ts"
import { agent, assertPatchReproduces, context, namespace } from "./support.ts"

type Json = { readonly [key: string]: unknown }
const isRecord = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)
const records = (u: unknown): ReadonlyArray<Json> => (Array.isArray(u) ? u.filter(isRecord) : [])

const envNames = ["A", "B", "JAVA_TOOL_OPTIONS", "PYTHONPATH", "NODE_OPTIONS", "NODE_PATH", "license", "whatap.server.host",
  "WHATAP_SERVER_HOST", "app_name", "OKIND", "WHATAP_ORIGINAL_JAVA_TOOL_OPTIONS", "WHATAP_ORIGINAL_PYTHONPATH", "whatap.name"]

const source = fc.record({
  secretKeyRef: fc.record({ name: fc.constant("s"), key: fc.constant("k"), optional: fc.boolean() }, { requiredKeys: ["name", "key"] })
})
const extra = fc.option(fc.record({ "x-extra": fc.jsonValue({ maxDepth: 2 }) }), { nil: undefined })

const envEntry = (name: string) => fc.tuple(fc.oneof(
  fc.record({ value: fc.constantFrom("", "-Da=1", "/app", "--max-old-space-size=512", "$(A)") }),
  fc.record({ valueFrom: source })
), extra).map(([body, x]) => ({ name, ...body, ...x }))

const env = fc.uniqueArray(fc.constantFrom(...envNames), { maxLength: 6 }).chain((names) => fc.tuple(...names.map(envEntry)))

const mountPaths = fc.uniqueArray(fc.constantFrom("/data", "/cache", "/config-volume", "/logs", "/tmp", "/whatap-agent"), { maxLength: 2 })

const containerOf = (name: string) => fc.tuple(fc.option(env, { nil: undefined }), mountPaths, extra).map(([e, paths, x]) => ({
  name,
  image: `example/${name}:1`,
  ...(e === undefined ? {} : { env: e }),
  ...(paths.length === 0 ? {} : { volumeMounts: paths.map((mountPath, i) => ({ name: `v${i}`, mountPath })) }),
  ...x
}))

const pods = fc.record({
  containers: fc.uniqueArray(fc.constantFrom("app", "side", "web", "api", "whatap-agent-init"), { minLength: 1, maxLength: 2 }),
  inits: fc.uniqueArray(fc.constantFrom("migrate", "setup", "wait", "whatap-agent-init"), { maxLength: 1 }),
  volumes: fc.uniqueArray(fc.constantFrom("v0", "v1", "config-volume", "whatap-plugin-volume", "whatap-agent-volume"), { maxLength: 3 }),
  labels: fc.dictionary(fc.constantFrom("app", "tier"), fc.constantFrom("web", "api"), { maxKeys: 2 }),
  annotations: fc.option(fc.dictionary(fc.constantFrom("whatap-apm-injected", "whatap-apm-reason", "a.io/b"), fc.constantFrom("true", "false", "x"), { maxKeys: 2 }), { nil: undefined }),
  pullSecrets: fc.uniqueArray(fc.constantFrom("regcred", "ecr"), { maxLength: 2 }),
  extra
}).chain((p) => fc.tuple(fc.constant(p), fc.tuple(...p.containers.map(containerOf))).map(([q, containers]) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p", namespace: "apps", labels: q.labels, ...(q.annotations === undefined ? {} : { annotations: q.annotations }), ...q.extra },
  spec: {
    containers,
    ...(q.inits.length === 0 ? {} : { initContainers: q.inits.map((name) => ({ name, image: "example/init:1" })) }),
    ...(q.volumes.length === 0 ? {} : { volumes: q.volumes.map((name) => ({ name, emptyDir: {} })) }),
    ...(q.pullSecrets.length === 0 ? {} : { imagePullSecrets: q.pullSecrets.map((name) => ({ name })) }),
    ...q.extra
  }
})))

const targetEnv = fc.uniqueArray(fc.constantFrom("WHATAP_LICENSE", "WHATAP_HOST", "app_name", "OKIND", "TZ", "whatap.name", "PYTHONPATH", "WHATAP_ORIGINAL_PYTHONPATH"), { maxLength: 3 })
  .chain((names) => fc.tuple(...names.map((name) => fc.oneof(
    fc.record({ name: fc.constant(name), value: fc.constantFrom("", "x", "10.0.0.1") }),
    fc.record({ name: fc.constant(name), valueFrom: source })
  ))))

const targetSpec = fc.record({
  name: fc.constantFrom("t1", "t2"),
  enabled: fc.constantFrom(true, true, true, false),
  language: fc.constantFrom("java", "python", "nodejs", "php", "golang", "cobol"),
  podSelector: fc.constantFrom(undefined, undefined, { matchLabels: { app: "web" } }, { matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] }),
  envs: fc.option(targetEnv, { nil: undefined }),
  config: fc.option(fc.record({
    mode: fc.constantFrom("custom", "default"),
    configMapRef: fc.constant({ name: "conf" }),
    volumeName: fc.constantFrom("", "config-volume", "whatap-plugin-volume", "whatap-agent-volume", "wconf"),
    mountPath: fc.constantFrom("", "/whatap-agent", "/wconf"),
    pluginConfigMapRef: fc.constant({ name: "plugins" })
  }, { requiredKeys: ["mode"] }), { nil: undefined }),
  imagePullSecrets: fc.option(fc.array(fc.record({ name: fc.constantFrom("regcred", "ecr", "other") }), { maxLength: 3 }), { nil: undefined })
}, { requiredKeys: ["name", "enabled", "language"] })

const contexts = fc.tuple(fc.array(targetSpec, { minLength: 1, maxLength: 3 }), fc.constantFrom("apps", "apps", "apps", "apps", "kube-system", "unknown"))
  .map(([ts, ns]) => context(agent({ targets: ts }), ns === "unknown" ? "unknown" : namespace(ns)))

const duplicates = (names: ReadonlyArray<unknown>): ReadonlyArray<unknown> => names.filter((n, i) => names.indexOf(n) !== i)

const assertValid = (input: unknown, output: unknown): void => {
  const spec = isRecord(output) && isRecord(output["spec"]) ? output["spec"] : {}
  const inputSpec = isRecord(input) && isRecord(input["spec"]) ? input["spec"] : {}
  const containers = records(spec["containers"])
  const all = [...records(spec["initContainers"]), ...containers]
  assert.deepStrictEqual(duplicates(all.map((c) => c["name"])), duplicates([...records(inputSpec["initContainers"]), ...records(inputSpec["containers"])].map((c) => c["name"])))
  assert.deepStrictEqual(duplicates(records(spec["volumes"]).map((v) => v["name"])), [])
  for (const c of all) {
    assert.deepStrictEqual(duplicates(records(c["volumeMounts"]).map((m) => m["mountPath"])), [], `mounts of ${String(c["name"])}`)
    assert.deepStrictEqual(duplicates(records(c["env"]).map((e) => e["name"])), [], `env of ${String(c["name"])}`)
    for (const e of records(c["env"])) assert.isFalse(e["valueFrom"] !== undefined && e["value"] !== undefined && e["value"] !== "", JSON.stringify(e))
  }
}

/** Env entries the mutation does not own (not managed, not set by a target) survive as they were. */
const assertKept = (input: unknown, output: unknown, ctx: Inject.Context): void => {
  const targetNames = new Set((ctx.agent?.spec.features.apm?.instrumentation?.targets ?? []).flatMap((t) => (t.envs ?? []).map((e) => e.name)))
  const outputContainers = isRecord(output) && isRecord(output["spec"]) ? records(output["spec"]["containers"]) : []
  const inputContainers = isRecord(input) && isRecord(input["spec"]) ? records(input["spec"]["containers"]) : []
  inputContainers.forEach((c, i) => {
    const out = outputContainers[i] ?? {}
    assert.deepStrictEqual(out["x-extra"], c["x-extra"])
    for (const e of records(c["env"])) {
      if (typeof e["name"] !== "string" || Names.managed.has(e["name"]) || targetNames.has(e["name"])) continue
      assert.deepInclude(records(out["env"]), e)
    }
  })
  if (isRecord(input) && isRecord(output) && isRecord(input["spec"]) && isRecord(output["spec"])) {
    assert.deepStrictEqual(output["spec"]["x-extra"], input["spec"]["x-extra"])
  }
}

describe("mutation properties", () => {
  it("patch reproduces the output, idempotent, valid, unowned fields kept", () => {
    let injected = 0
    fc.assert(fc.property(pods, contexts, (input, ctx) => {
      const result = Inject.mutate(input, ctx)
      assertPatchReproduces(input, result)
      if (result.outcome.injected) injected++
      const again = Inject.mutate(result.pod, ctx)
      assert.deepStrictEqual(again.patch, [], JSON.stringify(again.outcome))
      assert.strictEqual(again.pod, result.pod)
      assertValid(input, result.pod)
      assertKept(input, result.pod, ctx)
    }), { numRuns: 600 })
    // The generators must reach the injecting path often enough to mean something.
    assert.isAbove(injected, 80)
  })

  it("the input is never changed and no output shares a mutated object with it", () => {
    fc.assert(fc.property(pods, contexts, (input, ctx) => {
      const copy = structuredClone(input)
      Inject.mutate(input, ctx)
      Inject.explain(input, ctx)
      assert.deepStrictEqual(input, copy)
    }), { numRuns: 200 })
  })
})

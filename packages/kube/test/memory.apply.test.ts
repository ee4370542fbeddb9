/**
 * Server-side apply of the memory layer, replayed against the recordings of a real
 * kube-apiserver (`fixtures/ssa/`): the same requests must leave the same objects and the
 * same managedFields (per manager), refuse the same conflict with the same message, and
 * make no change where the server made none. Then the rules the recordings do not cover.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { ApiResource, KubeClient, type KubeObject, KubeMemory, ServerSideApply } from "../src/index.ts"
import { asArray, get } from "./jsonEdit.ts"
import { configMap, deployment, withMemory } from "./memoryFixtures.ts"
import { kinds, load, recorded } from "./ssaFixtures.ts"

const operator = "whatap-operator"

const resourceOf = (object: KubeObject.KubeObject): ApiResource.ApiResource => {
  const resource = ApiResource.forObject(object.apiVersion, object.kind)
  if (resource === undefined) throw new Error(`no resource for ${object.kind}`)
  return resource
}

/** fieldsV1 per manager of the main resource, for the managers a scenario involves. */
const ownership = (object: KubeObject.KubeObject, managers: ReadonlyArray<string>) =>
  Object.fromEntries(
    (object.metadata.managedFields ?? [])
      .filter((e) => managers.includes(e.manager ?? "") && e.subresource === undefined)
      .map((e) => [`${e.manager}/${e.operation}`, e.fieldsV1])
      .sort(([a], [b]) => String(a).localeCompare(String(b)))
  )

const applyAs = (object: KubeObject.KubeObject, fieldManager = operator, force = true) =>
  Effect.gen(function*() {
    const kube = yield* KubeClient
    return yield* kube.apply(resourceOf(object), object, { force, fieldManager })
  })

const containerNames = (object: KubeObject.KubeObject): ReadonlyArray<unknown> =>
  asArray(get(object, ["spec", "template", "spec", "containers"])).map((c) => get(c, ["name"]))

describe("memory server-side apply replays the recorded server", () => {
  for (const kind of kinds) {
    it.effect(`${kind}: same managedFields, up to date, and a second apply changes nothing`, () =>
      withMemory(Effect.gen(function*() {
        const { intent, stored } = recorded(kind)
        const first = yield* applyAs(intent)
        assert.deepStrictEqual(ownership(first, [operator]), ownership(stored, [operator]))
        assert.isTrue(ServerSideApply.upToDate(intent, first, operator))
        const second = yield* applyAs(intent)
        assert.strictEqual(second.metadata.resourceVersion, first.metadata.resourceVersion)
        assert.deepStrictEqual(second, first)
      })))
  }
})

describe("memory server-side apply: recorded scenarios", () => {
  it.effect("another manager adds a sidecar and a label; we drop a container and keep theirs", () =>
    withMemory(Effect.gen(function*() {
      const scenario = load("scenario-sidecar")
      const managers = [operator, "sidecar-injector"]
      yield* applyAs(scenario.object("intent"))
      const stored = yield* applyAs(scenario.object("patch"), "sidecar-injector")
      assert.deepStrictEqual(containerNames(stored), containerNames(scenario.object("stored")))
      assert.deepStrictEqual(stored.metadata.labels, scenario.object("stored").metadata.labels)
      assert.deepStrictEqual(ownership(stored, managers), ownership(scenario.object("stored"), managers))
      assert.isTrue(ServerSideApply.upToDate(scenario.object("intent"), stored, operator))
      const after = yield* applyAs(scenario.object("withoutHelper"))
      assert.deepStrictEqual(containerNames(after), ["whatap-node-agent", "sidecar"])
      assert.deepStrictEqual(ownership(after, managers), ownership(scenario.object("afterRemoval"), managers))
      assert.deepStrictEqual(
        get(after, ["spec", "template", "spec", "volumes"]),
        get(scenario.object("withoutHelper"), ["spec", "template", "spec", "volumes"]),
        "volumes the remaining containers still use stay"
      )
    })))

  it.effect("a kubectl-style merge patch adds a label owned by an Update entry", () =>
    withMemory(Effect.gen(function*() {
      const scenario = load("scenario-label")
      const kube = yield* KubeClient
      const intent = scenario.object("intent")
      yield* applyAs(intent)
      const patched = yield* kube.patch(ApiResource.Secret, intent.metadata.name ?? "", {
        type: "merge",
        body: scenario.raw.patch
      }, { namespace: intent.metadata.namespace, fieldManager: "kubectl-label" })
      const managers = [operator, "kubectl-label"]
      assert.deepStrictEqual(ownership(patched, managers), ownership(scenario.object("stored"), managers))
      assert.deepStrictEqual(patched.metadata.labels, { team: "platform" })
    })))

  it.effect("an update takes a field from us; our plain apply conflicts with the server's message; force takes it back", () =>
    withMemory(Effect.gen(function*() {
      const scenario = load("scenario-edit")
      const kube = yield* KubeClient
      const intent = scenario.object("intent")
      const live = yield* applyAs(intent)
      const containers = asArray(get(live, ["spec", "template", "spec", "containers"]))
      const edited = {
        ...live,
        spec: { ...asRecord(live.spec), template: { ...asRecord(get(live, ["spec", "template"])), spec: { ...asRecord(get(live, ["spec", "template", "spec"])), containers: [{ ...asRecord(containers[0]), image: "whatap/kube_agent:9.9.9" }] } } }
      }
      const stored = yield* kube.update(ApiResource.Deployment, edited, { fieldManager: "kubectl-edit" })
      const managers = [operator, "kubectl-edit"]
      assert.deepStrictEqual(ownership(stored, managers), ownership(scenario.object("stored"), managers))
      assert.isFalse(ServerSideApply.upToDate(intent, stored, operator))
      const conflict = yield* Effect.flip(applyAs(intent, operator, false))
      assert.deepStrictEqual([conflict.reason, conflict.status], ["Conflict", 409])
      assert.strictEqual(conflict.message, get(scenario.raw, ["conflict", "body", "message"]))
      const forced = yield* applyAs(intent)
      assert.deepStrictEqual(ownership(forced, managers), ownership(scenario.object("forced"), managers))
      assert.strictEqual(get(forced, ["spec", "template", "spec", "containers", 0, "image"]), "whatap/kube_agent:1.8.10")
    })))

  it.effect("a field another manager also applied stays when we drop it; one only we owned goes", () =>
    withMemory(Effect.gen(function*() {
      const scenario = load("scenario-removal")
      const managers = [operator, "other-applier"]
      yield* applyAs(scenario.object("intent"))
      const shared = yield* applyAs(scenario.object("other"), "other-applier")
      assert.deepStrictEqual(ownership(shared, managers), ownership(scenario.object("shared"), managers))
      const afterDropShared = yield* applyAs(scenario.object("dropShared"))
      assert.deepStrictEqual(afterDropShared.data, scenario.object("afterDropShared").data)
      assert.deepStrictEqual(ownership(afterDropShared, managers), ownership(scenario.object("afterDropShared"), managers))
      const afterDropOwned = yield* applyAs(scenario.object("dropOwned"))
      assert.deepStrictEqual(afterDropOwned.data, scenario.object("afterDropOwned").data)
      assert.deepStrictEqual(ownership(afterDropOwned, managers), ownership(scenario.object("afterDropOwned"), managers))
    })))

  it.effect("re-applying every intent makes no write that changes anything (the noop recording)", () =>
    withMemory(Effect.gen(function*() {
      const memory = yield* KubeMemory
      for (const kind of kinds) yield* applyAs(recorded(kind).intent)
      const before = yield* memory.resourceVersion
      for (const kind of kinds) yield* applyAs(recorded(kind).intent)
      assert.strictEqual(yield* memory.resourceVersion, before)
      const noop = load("scenario-noop").raw
      for (const kind of kinds) assert.strictEqual(get(noop, [kind, "before"]), get(noop, [kind, "after"]), kind)
    })))
})

const asRecord = (u: unknown): Record<string, unknown> => (typeof u === "object" && u !== null && !Array.isArray(u) ? { ...u } : {})

describe("memory server-side apply: list order as structured-merge-diff merges", () => {
  const withEnv = (names: ReadonlyArray<string>, containers: ReadonlyArray<string> = ["main"]) =>
    deployment("order", "img", {
      spec: {
        selector: { matchLabels: { app: "order" } },
        template: {
          metadata: { labels: { app: "order" } },
          spec: { containers: containers.map((name) => ({ name, image: "img", env: names.map((n) => ({ name: n, value: n })) })) }
        }
      }
    })
  const editAs = (manager: string, containers: ReadonlyArray<unknown>) =>
    Effect.gen(function*() {
      const kube = yield* KubeClient
      const body = [{ op: "replace" as const, path: "/spec/template/spec/containers", value: containers }]
      return yield* kube.patch(ApiResource.Deployment, "order", { type: "json", body }, { namespace: "ns", fieldManager: manager })
    })
  const envNames = (object: KubeObject.KubeObject) => asArray(get(object, ["spec", "template", "spec", "containers", 0, "env"])).map((e) => get(e, ["name"]))

  // the e2e suite checks these orders against a real kube-apiserver (e2e/test/specs/ssa.ts)
  it.effect("an item another writer removed comes back where the applied configuration has it, not at the end", () =>
    withMemory(Effect.gen(function*() {
      yield* applyAs(withEnv(["A", "B", "C", "D"]))
      yield* editAs("kubectl-edit", [{ name: "main", image: "img", env: ["A", "C", "D"].map((n) => ({ name: n, value: n })) }])
      assert.deepStrictEqual(envNames(yield* applyAs(withEnv(["A", "B", "C", "D"]))), ["A", "B", "C", "D"])
    })))

  it.effect("a container another writer removed comes back before the one it preceded", () =>
    withMemory(Effect.gen(function*() {
      yield* applyAs(withEnv([], ["helper", "agent"]))
      yield* editAs("kubectl-edit", [{ name: "agent", image: "img" }])
      assert.deepStrictEqual(containerNames(yield* applyAs(withEnv([], ["helper", "agent"]))), ["helper", "agent"])
    })))

  it.effect("an applied list with a key twice, or an item without its key, is refused whole as the API server refuses it", () =>
    withMemory(Effect.gen(function*() {
      const twice = yield* Effect.flip(applyAs(withEnv(["A", "B", "A"])))
      assert.deepStrictEqual([twice.reason, twice.status], ["Internal", 500])
      assert.include(twice.message, `.spec.template.spec.containers[name="main"].env: duplicate entries for key [name="A"]`)
      const keyless = yield* Effect.flip(applyAs(deployment("order", "img", {
        spec: { selector: { matchLabels: { app: "order" } }, template: { metadata: { labels: { app: "order" } }, spec: { containers: [{ image: "img" }] } } }
      })))
      assert.include(keyless.message, `.spec.template.spec.containers: element 0: associative list with keys has an element that omits key field "name"`)
    })))

  it.effect("a key the live list holds twice is merged as absent: the applied item replaces both", () =>
    withMemory(Effect.gen(function*() {
      yield* applyAs(withEnv(["A"]))
      yield* editAs("kubectl-edit", [{ name: "main", image: "img", env: [{ name: "A", value: "1" }, { name: "A", value: "2" }] }])
      const fromSecret = { name: "A", valueFrom: { secretKeyRef: { name: "s", key: "k" } } }
      const applied = yield* applyAs(deployment("order", "img", {
        spec: {
          selector: { matchLabels: { app: "order" } },
          template: { metadata: { labels: { app: "order" } }, spec: { containers: [{ name: "main", image: "img", env: [fromSecret] }] } }
        }
      }))
      assert.deepStrictEqual(get(applied, ["spec", "template", "spec", "containers", 0, "env"]), [fromSecret])
    })))

  it.effect("items only another writer has keep their order ahead of the shared ones they preceded; shared ones follow the applied order", () =>
    withMemory(Effect.gen(function*() {
      yield* applyAs(withEnv(["A", "B", "C"]))
      yield* editAs("kubectl-edit", [{ name: "main", image: "img", env: ["X", "C", "B", "Y", "A"].map((n) => ({ name: n, value: n })) }])
      assert.deepStrictEqual(envNames(yield* applyAs(withEnv(["A", "B", "C"]))), ["X", "Y", "A", "B", "C"])
    })))
})

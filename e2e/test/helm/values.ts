/**
 * The chart's values: values.schema.json rejects a value of the wrong type, an unknown key
 * and an out-of-range value before anything renders; the templates reject combinations the
 * schema cannot express; good values render what they say; every value is documented.
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { assert, it } from "@effect/vitest"
import { Effect } from "effect"
import { parse as parseYaml } from "yaml"
import * as Helm from "./Helm.ts"
import * as Objects from "./Objects.ts"

const withHome = <A, E>(f: (dir: string) => Effect.Effect<A, E>) => Effect.scoped(Effect.flatMap(Helm.home, f))

/** `--set` values and a fragment of the error each must give (schema errors name the path). */
const rejected: ReadonlyArray<readonly [string, string]> = [
  ["replicaCount=abc", "at '/replicaCount': got string, want integer"],
  ["replicaCount=0", "at '/replicaCount'"],
  ["replicas=3", "additional properties 'replicas' not allowed"],
  ["logLevel=verbose", "at '/logLevel'"],
  ["image.pullPolicy=Sometimes", "at '/image/pullPolicy'"],
  ["image.digest=latest", "at '/image/digest'"],
  ["resyncPeriod=soon", "at '/resyncPeriod'"],
  ["credentials.port=70000", "at '/credentials/port'"],
  ["credentials.existingSecret=Not_A_Name", "at '/credentials/existingSecret'"],
  ["extraArgs={-v}", "at '/extraArgs/0'"],
  ["nodejs.mallocArenaMax=-1", "at '/nodejs/mallocArenaMax'"],
  ["nodejs.jit=fast", "at '/nodejs/jit'"],
  ["credentials.create=true", "credentials.license is required when credentials.create is true"],
  ["credentials.create=true,credentials.license=L,credentials.host=h,credentials.existingSecret=mine", "credentials.create and credentials.existingSecret exclude each other"],
  ["replicaCount=3,leaderElection.enabled=false", "replicaCount > 1 needs leaderElection.enabled"]
]

const template = (dir: string, set: string) => Helm.result(dir, ["template", Helm.release, Helm.chartDir, ...Helm.manifestArgs, "--set", set])

interface SchemaNode {
  readonly properties?: Readonly<Record<string, SchemaNode>>
  readonly additionalProperties?: unknown
}

/**
 * Every value as a dotted path, down to the free-form ones (`resources`, `affinity`, ...):
 * the schema's closed objects (`additionalProperties: false`) are walked into.
 */
const leaves = (value: unknown, schema: SchemaNode | undefined, prefix = ""): ReadonlyArray<string> =>
  Objects.isRecord(value) && schema?.additionalProperties === false
    ? Object.entries(value).flatMap(([k, v]) => leaves(v, schema.properties?.[k], prefix === "" ? k : `${prefix}.${k}`))
    : [prefix]

export const valuesSpecs = () => {
  it.effect("values.schema.json and the templates reject bad values (helm template fails with the path)", () =>
    withHome((dir) => Effect.gen(function*() {
      for (const [set, message] of rejected) {
        const result = yield* template(dir, set)
        assert.notStrictEqual(result.code, 0, `--set ${set} was accepted`)
        assert.include(result.stderr, message, `--set ${set}`)
        assert.strictEqual(result.stdout, "", `--set ${set} rendered something`)
      }
    })))

  it.effect("good values render what they say", () =>
    withHome((dir) => Effect.gen(function*() {
      const render = (set: string) => Effect.map(template(dir, set), (r) => {
        assert.strictEqual(r.code, 0, r.stderr)
        return Objects.parse(r.stdout)
      })
      const three = yield* render("replicaCount=3,image.digest=sha256:" + "a".repeat(64))
      const deployment = Objects.find(three, "Deployment", "whatap-operator")
      assert.strictEqual(Objects.deploymentOf(deployment).replicas, 3)
      assert.strictEqual((Objects.deploymentOf(deployment).template.spec.containers[0] as { image?: string }).image, `whatap-operator@sha256:${"a".repeat(64)}`)
      const one = yield* render("replicaCount=1,leaderElection.enabled=false")
      assert.isFalse(one.some((o) => o["kind"] === "PodDisruptionBudget"), "a PDB for one replica would block every drain")
      assert.include(Objects.containerOf(Objects.find(one, "Deployment", "whatap-operator")).args ?? [], "--leader-elect=false")
      const created = yield* render("credentials.create=true,credentials.license=e2e-license,credentials.host=collector.example.com")
      assert.deepStrictEqual(Objects.find(created, "Secret", "whatap-credentials")["data"], {
        WHATAP_LICENSE: Buffer.from("e2e-license").toString("base64"),
        WHATAP_HOST: Buffer.from("collector.example.com").toString("base64"),
        WHATAP_PORT: Buffer.from("6600").toString("base64")
      })
      const existing = yield* render("credentials.existingSecret=my-credentials,credentials.optional=true")
      assert.isFalse(existing.some((o) => o["kind"] === "Secret"))
      const env = Objects.containerOf(Objects.find(existing, "Deployment", "whatap-operator")).env ?? []
      assert.deepStrictEqual(env.find((e) => e.name === "WHATAP_LICENSE")?.valueFrom, {
        secretKeyRef: { name: "my-credentials", key: "WHATAP_LICENSE", optional: true }
      })
      // The memory checker's permissions exist only with the checker (the default RBAC is exactly what the operator uses).
      assert.isFalse(existing.some((o) => Objects.metadataOf(o).name === "whatap-operator-gpu-memory-check"))
      const checker = yield* render("gpuMemoryCheck.enabled=true")
      assert.deepStrictEqual(Objects.find(checker, "Role", "whatap-operator-gpu-memory-check")["rules"], [
        { apiGroups: ["metrics.k8s.io"], resources: ["pods"], verbs: ["list"] },
        { apiGroups: [""], resources: ["pods"], verbs: ["delete"] }
      ])
      assert.deepStrictEqual(Objects.find(checker, "RoleBinding", "whatap-operator-gpu-memory-check")["roleRef"], {
        apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "whatap-operator-gpu-memory-check"
      })
      // The rollout restart's ClusterRole likewise exists only when asked for (B3).
      assert.isFalse(existing.some((o) => Objects.metadataOf(o).name === "whatap-operator-rollout-restart"))
      const restarts = yield* render("rolloutRestart.enabled=true")
      assert.deepStrictEqual(Objects.find(restarts, "ClusterRole", "whatap-operator-rollout-restart")["rules"], [
        { apiGroups: ["apps"], resources: ["deployments", "statefulsets", "daemonsets"], verbs: ["get", "patch"] },
        { apiGroups: ["apps"], resources: ["replicasets"], verbs: ["get"] },
        { apiGroups: ["policy"], resources: ["poddisruptionbudgets"], verbs: ["list"] }
      ])
      assert.deepStrictEqual(Objects.find(restarts, "ClusterRoleBinding", "whatap-operator-rollout-restart")["subjects"], [
        { kind: "ServiceAccount", name: "whatap-operator", namespace: "whatap-monitoring" }
      ])
      const checkerEnv = Objects.containerOf(Objects.find(checker, "Deployment", "whatap-operator")).env ?? []
      assert.include(JSON.stringify(checkerEnv), `{"name":"ENABLED_WHATAP_DCGM_EXPORTER_MEMORY_CHECK","value":"true"}`)
      // The Node.js memory settings: on by default, and gone when emptied.
      const nodeEnv = (objects: ReadonlyArray<Record<string, unknown>>) =>
        (Objects.containerOf(Objects.find(objects, "Deployment", "whatap-operator")).env ?? [])
          .filter((e) => e.name === "NODE_OPTIONS" || e.name === "MALLOC_ARENA_MAX").map((e) => JSON.stringify(e))
      assert.deepStrictEqual(nodeEnv(existing), [
        `{"name":"NODE_OPTIONS","value":"--max-old-space-size=96 --max-semi-space-size=2"}`,
        `{"name":"MALLOC_ARENA_MAX","value":"2"}`
      ])
      assert.deepStrictEqual(nodeEnv(yield* render("nodejs.options=,nodejs.mallocArenaMax=0")), [])
      const jitArgs = (objects: ReadonlyArray<Record<string, unknown>>) =>
        (Objects.containerOf(Objects.find(objects, "Deployment", "whatap-operator")).args ?? []).filter((a) => a.startsWith("--jit"))
      assert.deepStrictEqual(jitArgs(existing), ["--jit=baseline"])
      assert.deepStrictEqual(jitArgs(yield* render("nodejs.jit=optimizing")), ["--jit=optimizing"])
      const bare = yield* render("agentsRbac.create=false,metrics.service.enabled=false,namespace.create=false")
      assert.deepStrictEqual(bare.filter((o) => ["Namespace", "Service"].includes(String(o["kind"])) || Objects.metadataOf(o).name === "whatap").map(Objects.idOf), [])
    })))

  it("every value is in the schema and documented in the chart's README", () => {
    const values: unknown = parseYaml(readFileSync(join(Helm.chartDir, "values.yaml"), "utf8"))
    const schema = JSON.parse(readFileSync(join(Helm.chartDir, "values.schema.json"), "utf8")) as SchemaNode & { properties: Record<string, SchemaNode> }
    const readme = readFileSync(join(Helm.chartDir, "README.md"), "utf8")
    assert.deepStrictEqual(Object.keys(Objects.isRecord(values) ? values : {}).sort(), Object.keys(schema.properties).filter((k) => k !== "global").sort())
    const paths = leaves(values, schema)
    assert.isAbove(paths.length, 25)
    assert.deepStrictEqual(paths.filter((p) => !readme.includes(`| \`${p}\` |`)), [], "values missing from the README's table")
  })
}

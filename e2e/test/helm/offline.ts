/**
 * The chart without a cluster: `helm lint` is clean, `helm template` is deterministic and is
 * what the repository keeps (manifests, deploy/operator, CRD copies), the RBAC is the one
 * the operator specs check, the Deployment is hardened and matches what the operator
 * expects of its pods, and nothing the operator creates itself is shipped a second time.
 */
import { assert, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { Decode, Naming } from "@whatap-operator/core"
import { Render } from "@whatap-operator/operator"
import * as Manifests from "../../src/Manifests.ts"
import * as Rbac from "../operator/Rbac.ts"
import * as Helm from "./Helm.ts"
import * as Objects from "./Objects.ts"

const withHome = <A, E>(f: (dir: string) => Effect.Effect<A, E>) => Effect.scoped(Effect.flatMap(Helm.home, f))

const rendered = (args: ReadonlyArray<string> = []) => withHome((dir) => Effect.map(Helm.template(dir, args), Objects.parse))

/** What the operator renders for the all-options sample (service mode, as in a cluster). */
const operatorObjects = () => {
  const [sample] = Manifests.loadFiles(Manifests.samplesDir, (f) => f === "whatap-agent-all-options.yaml")
  const agent = Option.getOrThrow(Decode.as("WhatapAgent", sample).value)
  return Render.render({
    agent,
    namespace: Helm.namespace,
    monitors: { podMonitors: [], serviceMonitors: [], staticEndpoints: [] },
    webhook: { endpoint: { mode: "service" }, tls: undefined }
  }).map((d) => d.object as unknown as Objects.Json)
}

/** Exactly the chart's objects with the manifests' values: no webhook configuration, no ConfigMap. */
const expectedObjects = [
  "Namespace/whatap-monitoring", "PodDisruptionBudget/whatap-operator", "ServiceAccount/whatap-operator",
  "CustomResourceDefinition/whatapagents.monitoring.whatap.com", "CustomResourceDefinition/whatappodmonitors.monitoring.whatap.com",
  "CustomResourceDefinition/whatapservicemonitors.monitoring.whatap.com", "CustomResourceDefinition/whatapstaticendpoints.monitoring.whatap.com",
  "ClusterRole/whatap", "ClusterRole/whatap-operator", "ClusterRoleBinding/whatap", "ClusterRoleBinding/whatap-operator",
  "Role/whatap-operator", "RoleBinding/whatap-operator", "Service/whatap-operator-metrics", "Deployment/whatap-operator"
]

export const offlineSpecs = () => {
  it.effect("helm lint --strict is clean", () =>
    withHome((dir) => Effect.gen(function*() {
      const lint = yield* Helm.result(dir, ["lint", "--strict", Helm.chartDir, ...Helm.manifestArgs])
      assert.strictEqual(lint.code, 0, lint.stdout + lint.stderr)
      assert.include(lint.stdout, "1 chart(s) linted, 0 chart(s) failed")
      assert.notMatch(lint.stdout + lint.stderr, /\[(WARNING|ERROR)\]/)
    })))

  it.effect("helm template is deterministic and is what deploy/manifests, deploy/operator and the chart's CRDs hold", () =>
    withHome((dir) => Effect.gen(function*() {
      const first = yield* Helm.template(dir)
      assert.strictEqual(yield* Helm.template(dir), first)
      const { crds, rendered } = yield* Helm.generated(dir)
      assert.strictEqual(crds.length, 4)
      const stale = [...crds, ...rendered].filter((f) => Objects.repoText(f.path) !== f.content).map((f) => f.path)
      assert.deepStrictEqual(stale, [], `out of date: ${Helm.regenerate}`)
    })))

  it.effect("the CRDs are core's, kept on uninstall unless crds.keep=false, absent with crds.install=false", () =>
    Effect.gen(function*() {
      const generated = (yield* Manifests.crds) as unknown as ReadonlyArray<Objects.Json>
      const chart = (yield* rendered()).filter((o) => o["kind"] === "CustomResourceDefinition")
      const keep = { "helm.sh/resource-policy": "keep" }
      assert.deepStrictEqual(chart.map((o) => Objects.metadataOf(o).annotations), generated.map(() => keep))
      const unkept = (yield* rendered(["--set", "crds.keep=false"])).filter((o) => o["kind"] === "CustomResourceDefinition")
      assert.deepStrictEqual(unkept, [...generated].sort((a, b) => Objects.idOf(a).localeCompare(Objects.idOf(b))))
      const none = yield* rendered(["--set", "crds.install=false"])
      assert.isFalse(none.some((o) => o["kind"] === "CustomResourceDefinition"))
    }))

  it.effect("the ClusterRole and Role are those the RBAC spec checks (deploy/operator/rbac.yaml)", () =>
    Effect.gen(function*() {
      const chart = yield* rendered()
      const checked = Objects.parse(Objects.repoText("deploy/operator/rbac.yaml"))
      for (const [kind, name] of [["ClusterRole", "whatap-operator"], ["Role", "whatap-operator"], ["ClusterRoleBinding", "whatap-operator"]] as const) {
        assert.deepStrictEqual(Objects.find(chart, kind, name), Objects.find(checked, kind, name), `${kind}/${name}`)
      }
      const rules = Rbac.rulesOf(chart.filter((o) => Objects.metadataOf(o).name === "whatap-operator"))
      assert.deepStrictEqual(rules, Rbac.rulesOf(checked))
      // Least privilege: no wildcard anywhere in the operator's own rules.
      assert.notInclude(JSON.stringify(rules), "*")
    }))

  it.effect("exactly the chart's objects: nothing the operator creates itself (webhook configurations, D9 ConfigMaps)", () =>
    Effect.gen(function*() {
      const chart = yield* rendered()
      assert.deepStrictEqual(chart.map(Objects.idOf), expectedObjects)
      const operator = operatorObjects()
      assert.isAbove(operator.length, 15)
      const owned = new Set(operator.map((o) => `${Objects.idOf(o)} ${Objects.metadataOf(o).namespace ?? ""}`))
      assert.deepStrictEqual(chart.filter((o) => owned.has(`${Objects.idOf(o)} ${Objects.metadataOf(o).namespace ?? ""}`)).map(Objects.idOf), [])
    }))

  it.effect("the Deployment: 2 replicas, leader election, probes, resources, non-root, read-only root, RuntimeDefault seccomp", () =>
    Effect.gen(function*() {
      const chart = yield* rendered()
      const deployment = Objects.find(chart, "Deployment", "whatap-operator")
      const { replicas, template } = Objects.deploymentOf(deployment)
      const container = Objects.containerOf(deployment)
      assert.strictEqual(replicas, 2)
      assert.strictEqual(template.spec.serviceAccountName, "whatap-operator")
      assert.deepStrictEqual(container.args?.slice(0, 4), ["run", "--leader-elect=true", "--health-probe-bind-address=:8081", "--webhook-bind-address=:9443"])
      assert.deepInclude(container.livenessProbe, { httpGet: { path: "/healthz", port: "health" } })
      assert.deepInclude(container.readinessProbe, { httpGet: { path: "/readyz", port: "health" } })
      assert.deepStrictEqual(container.resources, { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } })
      assert.deepInclude(template.spec.securityContext, { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } })
      assert.deepInclude(container.securityContext, { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } })
      const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.valueFrom]))
      assert.deepStrictEqual(env["WHATAP_DEFAULT_NAMESPACE"], { fieldRef: { fieldPath: "metadata.namespace" } })
      for (const key of Object.values(Naming.credentialKeys)) {
        assert.deepStrictEqual(env[key], { secretKeyRef: { name: Naming.credentialsSecret, key, optional: false } })
      }
      // The operator's webhook Service must select these pods and reach their webhook port.
      const service = Objects.find(operatorObjects(), "Service", Naming.webhook.service)
      const spec = service["spec"] as { selector: Record<string, string>; ports: ReadonlyArray<{ targetPort: number }> }
      assert.deepInclude(template.metadata.labels, spec.selector)
      assert.include((container.ports ?? []).map((p) => p.containerPort), spec.ports[0]?.targetPort ?? 0)
      // The Go operator's selector (manifests/resources.yaml and its chart): a selector cannot
      // change, so any other makes applying this over the Go install, or back, fail.
      assert.deepStrictEqual((deployment["spec"] as { selector: unknown }).selector, { matchLabels: { "app.kubernetes.io/name": "whatap-operator" } })
      assert.deepInclude(template.metadata.labels, { "app.kubernetes.io/instance": Helm.release })
    }))
}

/**
 * Golden mutated pods (test/golden/*.json): per language and for the edge cases of spec
 * 5, each file holding the outcome, the warnings, the patch and the mutated pod. Pods
 * carry unknown fields on purpose (they must come through untouched).
 * Rewrite with `UPDATE_GOLDEN=1 npx vitest run test/inject/golden.test.ts` and review.
 */
import { describe, it } from "@effect/vitest"
import { Inject } from "../../src/index.ts"
import { agent, container, context, expectGolden, namespace, pod, run, target } from "./support.ts"

const secret = (name: string, key: string) => ({ secretKeyRef: { name, key } })

interface Case {
  readonly name: string
  readonly pod: unknown
  readonly instrumentation: Record<string, unknown>
  readonly namespace?: Inject.Namespace
}

const single = (language: string, extra: Record<string, unknown> = {}) => ({ targets: [target(language, { whatapApmVersions: { [language]: "1.2.3" }, ...extra })] })

const busyPod = pod([
  container("app", [{ name: "A", value: "1", "x-unknown-env-field": true }], { volumeMounts: [{ name: "data", mountPath: "/data" }], futureContainerField: { x: 1 } }),
  container("sidecar", [{ name: "TZ", value: "UTC" }])
], {
  labels: { app: "shop" },
  annotations: { "example.com/owner": "team-a" },
  spec: {
    initContainers: [container("migrate")],
    volumes: [{ name: "data", emptyDir: {} }],
    imagePullSecrets: [{ name: "regcred" }],
    futureSpecField: ["kept"]
  }
})

const cases: ReadonlyArray<Case> = [
  { name: "java-multi-container", pod: busyPod, instrumentation: single("java", { imagePullSecrets: [{ name: "regcred" }, { name: "ecr" }] }) },
  { name: "java-tool-options-literal", pod: pod([container("app", [{ name: "JAVA_TOOL_OPTIONS", value: "-Xmx512m" }, { name: "whatap.server.host", value: "127.0.0.1" }])]), instrumentation: single("java") },
  { name: "java-tool-options-secret", pod: pod([container("app", [{ name: "JAVA_TOOL_OPTIONS", valueFrom: secret("jvm", "opts") }, { name: "USES", value: "$(JAVA_TOOL_OPTIONS)" }])]), instrumentation: single("java") },
  { name: "java-tool-options-optional", pod: pod([container("app", [{ name: "JAVA_TOOL_OPTIONS", valueFrom: { configMapKeyRef: { name: "jvm", key: "opts", optional: true } } }])]), instrumentation: single("java") },
  { name: "python-default", pod: pod([container("web")]), instrumentation: single("python") },
  {
    name: "python-target-envs",
    pod: pod([container("web", [{ name: "PYTHONPATH", value: "/app/libs" }, { name: "whatap.name", value: "stale" }, { name: "license", value: "stale" }])]),
    instrumentation: single("python", {
      envs: [
        { name: "app_name", value: "shop" }, { name: "app_process_name", value: "gunicorn" }, { name: "OKIND", value: "web" },
        { name: "whatap.name", value: "shop-web" }, { name: "WHATAP_HOST", value: "10.0.0.1" }, { name: "PYTHONPATH", value: "/ignored" }
      ]
    })
  },
  { name: "python-pythonpath-configmap", pod: pod([container("web", [{ name: "PYTHONPATH", valueFrom: { configMapKeyRef: { name: "paths", key: "py" } } }])]), instrumentation: single("python") },
  { name: "nodejs-default", pod: pod([container("api")]), instrumentation: single("nodejs") },
  { name: "nodejs-existing-options-and-path", pod: pod([container("api", [{ name: "NODE_OPTIONS", value: "--max-old-space-size=512" }, { name: "NODE_PATH", value: "/app/lib" }])]), instrumentation: single("nodejs") },
  { name: "php", pod: pod([container("fpm")]), instrumentation: single("php") },
  { name: "dotnet", pod: pod([container("svc")]), instrumentation: single("dotnet") },
  { name: "golang", pod: pod([container("svc")]), instrumentation: single("golang", { envs: [{ name: "WHATAP_GO_ENABLED", value: "true" }] }) },
  { name: "unknown-language", pod: pod([container("svc")]), instrumentation: single("Ruby") },
  {
    name: "custom-config-and-plugins",
    pod: pod([container("app")]),
    instrumentation: single("java", { config: { mode: "custom", configMapRef: { name: "whatap-conf" }, pluginConfigMapRef: { name: "whatap-plugins" } } })
  },
  {
    name: "custom-config-collision",
    pod: pod([container("app")], { spec: { volumes: [{ name: "config-volume", configMap: { name: "app-config" } }] } }),
    instrumentation: single("java", { config: { mode: "custom", configMapRef: { name: "whatap-conf" } } })
  },
  {
    name: "init-security-resources-instrumentation",
    pod: pod([container("app")]),
    instrumentation: { ...single("nodejs"), initContainerSecurity: { runAsNonRoot: true, runAsUser: 1001 }, initContainerResources: { requests: { cpu: "10m" } } }
  },
  {
    name: "init-security-resources-target",
    pod: pod([container("app")]),
    instrumentation: { ...single("python", { initContainerSecurity: { runAsUser: 0 }, initContainerResources: {} }), initContainerSecurity: { runAsNonRoot: true } }
  },
  {
    name: "credentials-from-target-secret",
    pod: pod([container("app")]),
    instrumentation: single("java", { envs: [{ name: "WHATAP_LICENSE", valueFrom: secret("team-license", "license") }, { name: "WHATAP_HOST", value: "10.1.1.1" }] })
  },
  { name: "refused-conflict-mount", pod: pod([container("app", [], { volumeMounts: [{ name: "agent", mountPath: "/whatap-agent" }] })]), instrumentation: single("java") },
  { name: "refused-system-namespace", pod: pod([container("app")], { namespace: "kube-system" }), instrumentation: single("java"), namespace: namespace("kube-system") }
]

describe("golden mutated pods", () => {
  for (const c of cases) {
    it(c.name, () => {
      const result = run(c.pod, context(agent(c.instrumentation), c.namespace))
      expectGolden(c.name, { outcome: result.outcome, warnings: result.warnings, patch: result.patch, pod: result.pod })
    })
  }
})

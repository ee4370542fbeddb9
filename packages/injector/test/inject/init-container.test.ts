/**
 * The init container and pod-level changes (spec 5.4, 5.5): image and version
 * precedence, securityContext and resources precedence (target > instrumentation >
 * default, `{}` meaning none, `{runAsUser: 0}` alone), the custom whatap.conf and plugin
 * ConfigMaps with the exact `sh -c` command and their collisions, image pull secrets,
 * the agent volume, existing init containers and several application containers.
 */
import { assert, describe, it } from "@effect/vitest"
import type { Instrumentation } from "@whatap-operator/core"
import * as InitContainer from "../../src/internal/inject/InitContainer.ts"
import { agent, at, container, context, field, namespace, pod, run, target } from "./support.ts"

type TargetSpec = Instrumentation.TargetSpec

/** A field of an init container (the agent's is the first when the pod had none). */
const init = (doc: unknown, index = 0) => (key: string): unknown => field(doc, "spec", "initContainers", index, key)
const inject = (extra: Record<string, unknown>, instrumentation: Record<string, unknown> = {}, input: unknown = pod([container("a")])) =>
  run(input, context(agent({ ...instrumentation, targets: [target("java", extra)] })))

describe("image", () => {
  it("customImageFullName > customImageName > apm-init-<language>:<version>", () => {
    assert.strictEqual(init(inject({ customImageFullName: "a/full:1", customImageName: "a/old:1" }).pod)("image"), "a/full:1")
    assert.strictEqual(init(inject({ customImageName: "a/old:1" }).pod)("image"), "a/old:1")
    assert.strictEqual(init(inject({ whatapApmVersions: { java: "2.2.58", python: "1.0" } }).pod)("image"), "public.ecr.aws/whatap/apm-init-java:2.2.58")
  })

  it("the version of another language, or an empty one, means latest (also in the annotation)", () => {
    const result = inject({ whatapApmVersions: { python: "1.0", java: "" } })
    assert.strictEqual(init(result.pod)("image"), "public.ecr.aws/whatap/apm-init-java:latest")
    assert.strictEqual(at(result.pod, "metadata", "annotations", "whatap-apm-version"), "latest")
  })

  it("a version is looked up among the map's own keys only", () => {
    // a language the schema would refuse, as a CR admitted while the validating webhook was away may carry it
    for (const language of ["constructor", "toString", "__proto__"]) {
      assert.strictEqual(InitContainer.version({ name: "t", enabled: true, language, whatapApmVersions: { java: "2.2.58" } } as unknown as TargetSpec), "latest", language)
    }
  })

  it("pull policy Always, no command without custom config", () => {
    const c = init(inject({}).pod)
    assert.strictEqual(c("imagePullPolicy"), "Always")
    assert.isUndefined(c("command"))
    assert.isUndefined(c("args"))
  })
})

describe("securityContext", () => {
  it("default: runAsNonRoot only", () => {
    assert.deepStrictEqual(init(inject({}).pod)("securityContext"), { runAsNonRoot: true })
  })

  it("the target's fields only, even {runAsUser: 0} alone", () => {
    assert.deepStrictEqual(init(inject({ initContainerSecurity: { runAsUser: 0 } }, { initContainerSecurity: { runAsNonRoot: true } }).pod)("securityContext"), { runAsUser: 0 })
  })

  it("the instrumentation's when the target gives none (an empty object is none)", () => {
    const result = inject({ initContainerSecurity: {} }, { initContainerSecurity: { runAsNonRoot: false, runAsUser: 1001 } })
    assert.deepStrictEqual(init(result.pod)("securityContext"), { runAsUser: 1001, runAsNonRoot: false })
  })
})

describe("securityContext in a namespace whose Pod Security level is restricted", () => {
  const restricted = (mode: string, value = "restricted") => namespace("apps", { [`pod-security.kubernetes.io/${mode}`]: value })
  const injectIn = (ns: ReturnType<typeof namespace>, extra: Record<string, unknown> = {}, input: unknown = pod([container("a")])) =>
    run(input, context(agent({ targets: [target("java", extra)] }), ns))
  const fitting = { capabilities: { drop: ["ALL"] }, runAsNonRoot: true, allowPrivilegeEscalation: false, seccompProfile: { type: "RuntimeDefault" } }

  it("enforce restricted: no privilege escalation, no capabilities, RuntimeDefault seccomp, in Go's field order", () => {
    const c = init(injectIn(restricted("enforce")).pod)("securityContext")
    assert.deepStrictEqual(c, fitting)
    assert.deepStrictEqual(Object.keys(c as object), ["capabilities", "runAsNonRoot", "allowPrivilegeEscalation", "seccompProfile"])
  })

  it("other levels, warn or audit only (the API server admits Go's pods), or a look-alike label: the Go operator's container", () => {
    for (const ns of [restricted("enforce", "baseline"), restricted("enforce", "Restricted"), restricted("warn"), restricted("audit"), namespace("apps", { "pod-security.kubernetes.io/enforce-version": "restricted" })]) {
      assert.deepStrictEqual(init(injectIn(ns).pod)("securityContext"), { runAsNonRoot: true }, JSON.stringify(ns.labels))
    }
  })

  it("the pod's own seccomp profile is left to apply", () => {
    const input = pod([container("a")], { spec: { securityContext: { seccompProfile: { type: "Localhost", localhostProfile: "p.json" } } } })
    const { seccompProfile: _, ...rest } = fitting
    assert.deepStrictEqual(init(injectIn(restricted("enforce"), {}, input).pod)("securityContext"), rest)
  })

  it("the CR's runAsUser and runAsNonRoot are kept; values restricted refuses are warned about", () => {
    const result = injectIn(restricted("enforce"), { initContainerSecurity: { runAsUser: 0, runAsNonRoot: false } })
    assert.deepStrictEqual(init(result.pod)("securityContext"), {
      capabilities: { drop: ["ALL"] }, runAsUser: 0, runAsNonRoot: false, allowPrivilegeEscalation: false, seccompProfile: { type: "RuntimeDefault" }
    })
    assert.deepStrictEqual(result.warnings.filter((w) => w.includes("restricted")).map((w) => w.split(":")[1]?.trim()), ["the init container's runAsNonRoot", "the init container's runAsUser"])
    const uid = injectIn(restricted("enforce"), { initContainerSecurity: { runAsUser: 1001 } })
    assert.deepStrictEqual(uid.warnings, [])
    // a UID alone does not satisfy restricted: runAsNonRoot: true is added
    assert.deepStrictEqual(init(uid.pod)("securityContext"), { capabilities: { drop: ["ALL"] }, runAsUser: 1001, runAsNonRoot: true, allowPrivilegeEscalation: false, seccompProfile: { type: "RuntimeDefault" } })
  })

  it("a pod that sets runAsNonRoot: true itself lends it to the init container", () => {
    const input = pod([container("a")], { spec: { securityContext: { runAsNonRoot: true } } })
    const result = injectIn(restricted("enforce"), { initContainerSecurity: { runAsUser: 1001 } }, input)
    assert.deepStrictEqual(init(result.pod)("securityContext"), { capabilities: { drop: ["ALL"] }, runAsUser: 1001, allowPrivilegeEscalation: false, seccompProfile: { type: "RuntimeDefault" } })
  })
})

describe("resources", () => {
  it("default: limits only", () => {
    assert.deepStrictEqual(init(inject({}).pod)("resources"), { limits: { cpu: "200m", memory: "256Mi" } })
  })

  it("the target's, {} meaning none, over the instrumentation's", () => {
    const result = inject({ initContainerResources: {} }, { initContainerResources: { limits: { cpu: "1" } } })
    assert.deepStrictEqual(init(result.pod)("resources"), {})
  })

  it("quantities as Go writes them: canonical text, keys sorted", () => {
    const result = inject({ initContainerResources: { limits: { memory: "0.5Gi", cpu: 1 }, requests: { cpu: "0.1" } } })
    const resources = init(result.pod)("resources") as { limits: Record<string, unknown>; requests: Record<string, unknown> }
    assert.deepStrictEqual(resources, { limits: { cpu: "1", memory: "512Mi" }, requests: { cpu: "100m" } })
    assert.deepStrictEqual(Object.keys(resources.limits), ["cpu", "memory"])
  })

  it("the instrumentation's when the target has none", () => {
    const resources = { requests: { cpu: "50m" }, limits: { cpu: "100m", memory: "64Mi" } }
    assert.deepStrictEqual(init(inject({}, { initContainerResources: resources }).pod)("resources"), resources)
  })

  it("within the pod-level resources: cpu and memory capped at the pod's, a request its limit would default to written out", () => {
    // the API server has filled the pod's requests in from its one container
    const sized = pod([container("a")], { spec: { resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "150m", memory: "8Gi" } } } })
    const result = inject({}, {}, sized)
    assert.deepStrictEqual(init(result.pod)("resources"), { limits: { cpu: "150m", memory: "256Mi" }, requests: { cpu: "50m", memory: "64Mi" } })
    assert.isTrue(result.warnings.some((w) => w.includes("brought within the pod-level resources (spec.resources): limits.cpu 150m, requests.cpu 50m, requests.memory 64Mi")))
    // what already fits is left as it is, without a warning
    const roomy = pod([container("a")], { spec: { resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "2", memory: "2Gi" } } } })
    const fits = inject({}, {}, roomy)
    assert.deepStrictEqual(init(fits.pod)("resources"), { limits: { cpu: "200m", memory: "256Mi" } })
    assert.isFalse(fits.warnings.some((w) => w.includes("pod-level")))
  })

  it("within the pod-level requests less what the sidecars started before it request", () => {
    const side = { name: "side", image: "envoy", restartPolicy: "Always", resources: { requests: { cpu: "200m", memory: "200Mi" } } }
    const input = pod([container("app", undefined, { resources: { requests: { cpu: "100m", memory: "100Mi" } } })], {
      spec: { initContainers: [side], resources: { requests: { cpu: "300m", memory: "300Mi" }, limits: { cpu: "300m", memory: "300Mi" } } }
    })
    const resources = init(inject({}, {}, input).pod, 1)("resources")
    // 300m - 200m and 300Mi - 200Mi: the init container with the sidecar stays within the pod's requests
    assert.deepStrictEqual(resources, { limits: { cpu: "200m", memory: "256Mi" }, requests: { cpu: "100m", memory: "104857600" } })
  })

  it("claims the pod declares are kept; the others are left out with a warning (the API server refuses them)", () => {
    const claims = [{ name: "gpu" }, { name: "fpga" }]
    const lacking = inject({ initContainerResources: { limits: { cpu: "1" }, claims } })
    assert.deepStrictEqual(init(lacking.pod)("resources"), { limits: { cpu: "1" } })
    assert.deepInclude(lacking.warnings, `target "java-target": init container claim "gpu", "fpga" left out: the pod declares no resourceClaims entry of that name`)
    const declaring = pod([container("a")], { spec: { resourceClaims: [{ name: "gpu", resourceClaimName: "shared-gpu" }] } })
    const some = inject({ initContainerResources: { limits: { cpu: "1" }, claims } }, {}, declaring)
    assert.deepStrictEqual(init(some.pod)("resources"), { limits: { cpu: "1" }, claims: [{ name: "gpu" }] })
    assert.isTrue(some.warnings.some((w) => w.includes(`claim "fpga" left out`)))
  })
})

const both = "cp /config-volume/whatap.conf /whatap-agent/ && chmod 644 /whatap-agent/whatap.conf && if [ -x /init.sh ]; then /init.sh; fi && mkdir -p /whatap-agent/plugin && cp -L /whatap-plugin/* /whatap-agent/plugin/ 2>/dev/null || true && chmod 644 /whatap-agent/plugin/* 2>/dev/null || true"

describe("custom whatap.conf and plugins (spec 5.5)", () => {
  const custom = { mode: "custom", configMapRef: { name: "my-conf" } }
  const plugin = { pluginConfigMapRef: { name: "my-plugins" } }

  it("both: the exact command of the spec, volumes before the agent volume", () => {
    const result = inject({ config: { ...custom, ...plugin } })
    const c = init(result.pod)
    assert.deepStrictEqual(c("command"), ["sh", "-c"])
    assert.deepStrictEqual(c("args"), [both])
    assert.deepStrictEqual(c("volumeMounts"), [
      { name: "whatap-agent-volume", mountPath: "/whatap-agent" },
      { name: "config-volume", mountPath: "/config-volume" },
      { name: "whatap-plugin-volume", mountPath: "/whatap-plugin" }
    ])
    assert.deepStrictEqual(at(result.pod, "spec", "volumes"), [
      { name: "config-volume", configMap: { name: "my-conf" } },
      { name: "whatap-plugin-volume", configMap: { name: "my-plugins" } },
      { name: "whatap-agent-volume", emptyDir: {} }
    ])
  })

  it("custom config only, with its own volume name and mount path", () => {
    const c = init(inject({ config: { ...custom, volumeName: "wconf", mountPath: "/etc/wconf" } }).pod)
    assert.deepStrictEqual(c("args"), ["cp /etc/wconf/whatap.conf /whatap-agent/ && chmod 644 /whatap-agent/whatap.conf && if [ -x /init.sh ]; then /init.sh; fi"])
  })

  it("plugins only", () => {
    const c = init(inject({ config: plugin }).pod)
    assert.deepStrictEqual(c("args"), ["if [ -x /init.sh ]; then /init.sh; fi && mkdir -p /whatap-agent/plugin && cp -L /whatap-plugin/* /whatap-agent/plugin/ 2>/dev/null || true && chmod 644 /whatap-agent/plugin/* 2>/dev/null || true"])
  })

  it("mode custom without configMapRef, or configMapRef with mode default, does nothing", () => {
    assert.isUndefined(init(inject({ config: { mode: "custom" } }).pod)("command"))
    assert.isUndefined(init(inject({ config: { mode: "default", configMapRef: { name: "x" } } }).pod)("command"))
  })

  it("a volume name the pod uses: that part is skipped with a warning, the other still applies", () => {
    const input = pod([container("a")], { spec: { volumes: [{ name: "config-volume", emptyDir: {} }] } })
    const result = inject({ config: { ...custom, ...plugin } }, {}, input)
    assert.deepStrictEqual(init(result.pod)("args"), ["if [ -x /init.sh ]; then /init.sh; fi && mkdir -p /whatap-agent/plugin && cp -L /whatap-plugin/* /whatap-agent/plugin/ 2>/dev/null || true && chmod 644 /whatap-agent/plugin/* 2>/dev/null || true"])
    assert.match(result.warnings[0] ?? "", /custom whatap\.conf not copied: the pod already has a volume named "config-volume"; set targets\[0\]\.config\.volumeName/)
  })

  it("a plugin volume collision (here with the custom config's own volume name) skips the plugins", () => {
    const result = inject({ config: { ...custom, volumeName: "whatap-plugin-volume", ...plugin } })
    assert.deepStrictEqual(init(result.pod)("args"), ["cp /config-volume/whatap.conf /whatap-agent/ && chmod 644 /whatap-agent/whatap.conf && if [ -x /init.sh ]; then /init.sh; fi"])
    assert.match(result.warnings[0] ?? "", /plugin files not copied/)
  })

  it("no command at all when every part collides", () => {
    const input = pod([container("a")], { spec: { volumes: [{ name: "config-volume" }, { name: "whatap-plugin-volume" }] } })
    const result = inject({ config: { ...custom, ...plugin } }, {}, input)
    assert.isUndefined(init(result.pod)("command"))
    assert.strictEqual(result.warnings.length, 2)
  })

  it("a mount path or volume name the agent uses is refused (Go produced an invalid pod)", () => {
    const paths = ["/whatap-agent", "/whatap-agent/"].map((mountPath) => ({ ...custom, mountPath }))
    const pluginPaths = ["/whatap-plugin", "/whatap-plugin//"].map((mountPath) => ({ ...custom, ...plugin, mountPath }))
    for (const config of [...paths, ...pluginPaths, { ...custom, volumeName: "whatap-agent-volume" }]) {
      const result = inject({ config })
      assert.notInclude(JSON.stringify(init(result.pod)("args") ?? []), "whatap.conf", JSON.stringify(config))
      assert.strictEqual(result.warnings.length, 1)
    }
  })

  it("/whatap-plugin is free for the custom config when no plugin ConfigMap is mounted (as in Go)", () => {
    const result = inject({ config: { ...custom, mountPath: "/whatap-plugin" } })
    assert.deepStrictEqual(init(result.pod)("args"), ["cp /whatap-plugin/whatap.conf /whatap-agent/ && chmod 644 /whatap-agent/whatap.conf && if [ -x /init.sh ]; then /init.sh; fi"])
    assert.deepStrictEqual(result.warnings, [])
  })
})

describe("pod-level changes", () => {
  it("a pull secret without a name is written as {} (as Go's omitempty writes it)", () => {
    const result = inject({ imagePullSecrets: [{ name: "" }] })
    assert.deepStrictEqual(at(result.pod, "spec", "imagePullSecrets"), [{}])
  })

  it("a target env's source is written as Go writes it: a reference's empty name (the CRD's default) left out", () => {
    const envs = [
      { name: "A", valueFrom: { configMapKeyRef: { name: "", key: "a" } } },
      { name: "B", valueFrom: { secretKeyRef: { name: "", key: "b", optional: true } } },
      { name: "C", valueFrom: { secretKeyRef: { name: "s", key: "c" } } },
      { name: "WHATAP_LICENSE", valueFrom: { secretKeyRef: { name: "", key: "license" } } }
    ]
    const result = inject({ envs })
    const env = field(result.pod, "spec", "containers", 0, "env") as ReadonlyArray<{ name: string }>
    const byName = (name: string): unknown => env.find((e) => e.name === name)
    assert.deepStrictEqual(byName("A"), { name: "A", valueFrom: { configMapKeyRef: { key: "a" } } })
    assert.deepStrictEqual(byName("B"), { name: "B", valueFrom: { secretKeyRef: { key: "b", optional: true } } })
    assert.deepStrictEqual(byName("C"), { name: "C", valueFrom: { secretKeyRef: { name: "s", key: "c" } } })
    const initEnv = init(result.pod)("env") as ReadonlyArray<{ name: string }>
    assert.deepStrictEqual(initEnv.find((e) => e.name === "WHATAP_LICENSE") as unknown, { name: "WHATAP_LICENSE", valueFrom: { secretKeyRef: { key: "license" } } })
  })

  it("imagePullSecrets: the target's appended once each, existing ones kept", () => {
    const input = pod([container("a")], { spec: { imagePullSecrets: [{ name: "regcred" }] } })
    const result = inject({ imagePullSecrets: [{ name: "regcred" }, { name: "ecr" }, { name: "ecr" }] }, {}, input)
    assert.deepStrictEqual(at(result.pod, "spec", "imagePullSecrets"), [{ name: "regcred" }, { name: "ecr" }])
    const unchanged = inject({ imagePullSecrets: [{ name: "regcred" }] }, {}, input)
    assert.isFalse(unchanged.patch.some((op) => op.path.startsWith("/spec/imagePullSecrets")))
  })

  it("the agent volume is reused when present (with a warning), never duplicated", () => {
    const input = pod([container("a")], { spec: { volumes: [{ name: "whatap-agent-volume", emptyDir: { medium: "Memory" } }] } })
    const result = inject({}, {}, input)
    assert.deepStrictEqual(at(result.pod, "spec", "volumes"), [{ name: "whatap-agent-volume", emptyDir: { medium: "Memory" } }])
    assert.match(result.warnings[0] ?? "", /already has a volume named whatap-agent-volume/)
  })

  it("the init container goes after existing init containers; every app container (not init, not ephemeral) gets the mount", () => {
    const input = pod([container("a", [], { volumeMounts: [{ name: "d", mountPath: "/d" }] }), container("b")], {
      spec: { initContainers: [container("migrate")], ephemeralContainers: [container("debug")] }
    })
    const result = inject({}, {}, input)
    assert.deepStrictEqual([field(result.pod, "spec", "initContainers", 0, "name"), field(result.pod, "spec", "initContainers", 1, "name")], ["migrate", "whatap-agent-init"])
    assert.isUndefined(field(result.pod, "spec", "initContainers", 2))
    assert.deepStrictEqual(at(result.pod, "spec", "containers", 0, "volumeMounts"), [{ name: "d", mountPath: "/d" }, { name: "whatap-agent-volume", mountPath: "/whatap-agent" }])
    assert.deepStrictEqual(at(result.pod, "spec", "containers", 1, "volumeMounts"), [{ name: "whatap-agent-volume", mountPath: "/whatap-agent" }])
    assert.isUndefined(field(result.pod, "spec", "initContainers", 0, "volumeMounts"))
    assert.deepStrictEqual(at(result.pod, "spec", "ephemeralContainers"), [container("debug")])
  })
})

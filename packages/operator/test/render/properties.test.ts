/**
 * Invariants of `Render.render` over generated CRs (fast-check): deterministic (D3: the
 * same input gives byte-identical JSON, also after decoding the CR again), pure (D4: a
 * deep-frozen input renders and is unchanged), owned (every object carries the
 * controller reference iff the CR has a uid), well-formed (valid DNS names, mounts that
 * name existing volumes, each key once in the lists server-side apply keys, no empty
 * values), sorted, and covered by `Render.managed`.
 */
import { assert, describe, it } from "@effect/vitest"
import fc from "fast-check"
import { Render } from "../../src/index.ts"
import { decodeAgent, tls } from "./support.ts"

const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,6}[a-z0-9]$/)
const labels = fc.dictionary(word, word, { maxKeys: 3 })
const maybe = <A>(arb: fc.Arbitrary<A>) => fc.option(arb, { nil: undefined })
const quantity = fc.constantFrom("100m", "1", "200Mi", "1Gi")
const resources = fc.record({ requests: fc.dictionary(fc.constantFrom("cpu", "memory"), quantity), limits: fc.dictionary(fc.constantFrom("cpu", "memory"), quantity) }, { requiredKeys: [] })
// names the operator sets too (WHATAP_HOST, NODE_NAME, ...) and names given twice
const envName = fc.constantFrom("A", "WHATAP_HOST", "collect_custom_resources", "NODE_NAME", "DCGM_REMOTE_HOSTENGINE_INFO", "DCGM_EXPORTER_LISTEN")
const envs = fc.array(fc.record({ name: envName, value: fc.constantFrom("", "x", "y") }), { maxLength: 4 })
const pullSecrets = maybe(fc.array(fc.record({ name: fc.constantFrom("registry-a", "registry-b") }), { maxLength: 3 }))
const requirement = fc.record({
  key: word,
  operator: fc.constantFrom("In", "NotIn", "Exists", "DoesNotExist", "Gt"),
  values: fc.array(word, { minLength: 1, maxLength: 2 })
})
const terms = (minLength: number) => fc.array(fc.record({ matchExpressions: fc.array(requirement, { minLength: 1, maxLength: 3 }) }), { minLength, maxLength: 3 })
const affinity = (minTerms: number) => maybe(fc.record({ nodeAffinity: fc.record({ requiredDuringSchedulingIgnoredDuringExecution: fc.record({ nodeSelectorTerms: terms(minTerms) }) }) }))
const tolerations = fc.array(fc.record({ key: fc.constantFrom("", "gpu"), operator: fc.constantFrom("Exists", "Equal"), effect: fc.constantFrom("", "NoSchedule") }), { maxLength: 2 })

const component = {
  enabled: fc.boolean(),
  resources: maybe(resources),
  envs: maybe(envs),
  podLabels: maybe(labels),
  labels: maybe(labels),
  nodeSelector: maybe(labels),
  tolerations: maybe(tolerations),
  hostPID: maybe(fc.boolean()),
  imagePullSecrets: pullSecrets
}

const k8sAgent = fc.record({
  namespace: maybe(fc.constantFrom("whatap-monitoring", "gpu-metrics")),
  agentImageVersion: maybe(fc.constantFrom("1.9.6", "")),
  imagePullSecrets: pullSecrets,
  masterAgent: fc.record({ ...component, masterAgentContainer: maybe(fc.record({ resources, envs })) }),
  nodeAgent: fc.record({
    ...component,
    affinity: affinity(1),
    runtime: maybe(fc.constantFrom("containerd", "docker", "crio")),
    runtimeSocketPath: maybe(fc.constantFrom("/run/k3s/containerd/containerd.sock", "")),
    hostNetwork: maybe(fc.boolean()),
    nodeAgentContainer: maybe(fc.record({ resources, envs })),
    nodeHelperContainer: maybe(fc.record({ resources, envs }))
  }),
  gpuMonitoring: fc.record({
    enabled: fc.boolean(),
    nodeSelector: maybe(labels),
    affinity: affinity(0),
    service: maybe(fc.record({ enabled: fc.boolean(), type: fc.constantFrom("ClusterIP", "NodePort", "LoadBalancer"), nodePort: maybe(fc.integer({ min: 30000, max: 32767 })) })),
    hostEngine: maybe(fc.record({ enabled: fc.boolean(), port: maybe(fc.integer({ min: 1, max: 65535 })) })),
    envs: maybe(envs),
    groupLabel: maybe(fc.constantFrom("prjId", "team.io/prj-id")),
    devices: maybe(fc.constantFrom("f", "g", "i")),
    resources: maybe(resources)
  })
})

const secretName = fc.constantFrom("zeta", "alpha.example.com", `${"a".repeat(40)}.${"b".repeat(40)}`)
const openAgent = fc.record({
  enabled: fc.boolean(),
  disableForeground: maybe(fc.boolean()),
  labels: maybe(labels),
  podLabels: maybe(labels),
  envs: maybe(envs),
  tolerations: maybe(tolerations),
  imagePullSecrets: pullSecrets,
  targets: maybe(fc.array(fc.record({
    targetName: word,
    type: fc.constant("StaticEndpoints"),
    enabled: fc.boolean(),
    endpoints: fc.array(fc.record({ address: fc.constant("192.0.2.1:9100"), tlsConfig: fc.record({ caSecret: fc.record({ name: secretName, key: fc.constantFrom("ca.crt", "tls.crt") }) }) }), { maxLength: 2 })
  }), { maxLength: 3 }))
})

const raw = fc.record({
  uid: maybe(fc.uuid()),
  spec: fc.record({
    license: maybe(fc.constantFrom("LIC-abc123", "")),
    host: maybe(fc.constantFrom("collector.example.com", "")),
    features: fc.record({ k8sAgent: maybe(k8sAgent), openAgent: maybe(openAgent) }, { requiredKeys: [] })
  }),
  namespace: fc.constantFrom("whatap-monitoring", "ops"),
  url: fc.boolean(),
  withTls: fc.boolean()
})

type Raw = typeof raw extends fc.Arbitrary<infer A> ? A : never

const toInput = (r: Raw): Render.Input => ({
  agent: decodeAgent(JSON.parse(JSON.stringify({
    apiVersion: "monitoring.whatap.com/v2alpha1",
    kind: "WhatapAgent",
    metadata: { name: "whatap", ...(r.uid === undefined ? {} : { uid: r.uid }) },
    spec: r.spec
  }))),
  namespace: r.namespace,
  monitors: { podMonitors: [], serviceMonitors: [], staticEndpoints: [] },
  webhook: { endpoint: r.url ? { mode: "url", baseUrl: "https://127.0.0.1:9443" } : { mode: "service" }, tls: r.withTls ? tls : undefined }
})

const deepFreeze = <A>(value: A): A => {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
}

const subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/
const label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const isLabel = (s: unknown): boolean => typeof s === "string" && s.length <= 63 && label.test(s)

/** Every `""`, null, undefined, `[]` or `{}` property value, by path; `emptyDir: {}` is meant. */
const empties = (value: unknown, path: string): ReadonlyArray<string> => {
  if (Array.isArray(value)) return value.flatMap((v, i) => (typeof v === "object" ? empties(v, `${path}[${i}]`) : []))
  if (typeof value !== "object" || value === null) return []
  return Object.entries(value).flatMap(([k, v]) => {
    const here = `${path}.${k}`
    const empty = v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0) ||
      (typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 0 && k !== "emptyDir" &&
        !(k === "resources" && /\.containers\[\d+\]$/.test(path)))
    return empty ? [here] : empties(v, here)
  })
}

type Container = {
  readonly name: string
  readonly env?: ReadonlyArray<{ readonly name: string }>
  readonly volumeMounts?: ReadonlyArray<{ readonly name: string; readonly mountPath: string }>
  readonly ports?: ReadonlyArray<{ readonly name?: string; readonly containerPort: number; readonly protocol?: string }>
}
type PodSpec = {
  readonly containers: ReadonlyArray<Container>
  readonly volumes?: ReadonlyArray<{ readonly name: string }>
  readonly imagePullSecrets?: ReadonlyArray<{ readonly name: string }>
}

/** Keys given more than once: server-side apply refuses such a list (a map keyed by them) whole. */
const repeated = (what: string, keys: ReadonlyArray<string>): ReadonlyArray<string> =>
  keys.filter((k, i) => keys.indexOf(k) !== i).map((k) => `${what} ${k} twice`)

const podSpecOf = (object: Render.Desired["object"]): PodSpec | undefined => {
  const spec = object["spec"] as { readonly template?: { readonly spec: PodSpec } } | undefined
  return spec?.template?.spec
}

const podProblems = (pod: PodSpec): ReadonlyArray<string> => {
  const volumes = (pod.volumes ?? []).map((v) => v.name)
  const containers = pod.containers.map((c) => c.name)
  return [
    ...[...volumes, ...containers].filter((n) => !isLabel(n)).map((n) => `invalid name ${n}`),
    ...repeated("volume", volumes),
    ...repeated("container", containers),
    ...repeated("imagePullSecret", (pod.imagePullSecrets ?? []).map((s) => s.name)),
    ...pod.containers.flatMap((c) => [
      ...repeated(`${c.name} env`, (c.env ?? []).map((e) => e.name)),
      ...repeated(`${c.name} mountPath`, (c.volumeMounts ?? []).map((m) => m.mountPath)),
      ...repeated(`${c.name} port`, (c.ports ?? []).map((p) => `${p.containerPort}/${p.protocol ?? "TCP"}`))
    ]),
    ...pod.containers.flatMap((c) => (c.volumeMounts ?? []).filter((m) => !volumes.includes(m.name)).map((m) => `mount of missing ${m.name}`)),
    ...pod.containers.flatMap((c) => (c.ports ?? []).filter((p) => p.name !== undefined && p.name.length > 15).map((p) => `port name ${p.name}`))
  ]
}

const runs = { numRuns: 150 }

describe("Render.render properties", () => {
  it("is deterministic: same input, byte-identical JSON, also from a freshly decoded CR", () => {
    fc.assert(fc.property(raw, (r) => {
      const text = JSON.stringify(Render.render(toInput(r)))
      return text === JSON.stringify(Render.render(toInput(r)))
    }), runs)
  })

  it("never mutates its input (deep-frozen input renders, and is unchanged)", () => {
    fc.assert(fc.property(raw, (r) => {
      const i = deepFreeze(toInput(r))
      const before = JSON.stringify(i)
      Render.render(i)
      Render.managed(i)
      return JSON.stringify(i) === before
    }), runs)
  })

  it("every object has the controller reference iff the CR has a uid", () => {
    fc.assert(fc.property(raw, (r) => {
      const desired = Render.render(toInput(r))
      return desired.every((d) => {
        const refs = d.object.metadata.ownerReferences
        if (r.uid === undefined) return refs === undefined
        return refs?.length === 1 && refs[0]?.uid === r.uid && refs[0].controller === true && refs[0].blockOwnerDeletion === true &&
          refs[0].kind === "WhatapAgent" && refs[0].apiVersion === "monitoring.whatap.com/v2alpha1" && refs[0].name === "whatap"
      })
    }), runs)
  })

  it("names are valid: objects DNS subdomains (Services DNS labels), containers/volumes labels, mounts resolve, keyed lists hold each key once", () => {
    fc.assert(fc.property(raw, (r) => {
      const problems = Render.render(toInput(r)).flatMap((d) => {
        const name = d.object.metadata.name ?? ""
        const bad = name.length > 253 || !subdomain.test(name) || (d.object.kind === "Service" && !isLabel(name)) ? [`object ${name}`] : []
        const pod = podSpecOf(d.object)
        return [...bad, ...(pod === undefined ? [] : podProblems(pod))]
      })
      assert.deepStrictEqual(problems, [])
    }), runs)
  })

  it("writes no empty values (omitempty), except emptyDir: {} and a container's resources: {} (a Go struct)", () => {
    fc.assert(fc.property(raw, (r) => {
      const found = Render.render(toInput(r)).flatMap((d) => empties(d.object, `${d.object.kind}/${d.object.metadata.name}`))
      assert.deepStrictEqual(found, [])
    }), runs)
  })

  it("is sorted, and every rendered object is in managed under the same component", () => {
    fc.assert(fc.property(raw, (r) => {
      const i = toInput(r)
      const desired = Render.render(i)
      const managed = new Set(Render.managed(i).map((m) => `${m.component} ${m.resource.kind} ${m.namespace ?? ""}/${m.name}`))
      const keys = desired.map((d) => `${d.component} ${d.resource.kind} ${d.object.metadata.namespace ?? ""}/${d.object.metadata.name}`)
      assert.deepStrictEqual(keys.filter((k) => !managed.has(k)), [])
      const order = desired.map((d) => [Render.components.indexOf(d.component), d.resource.kind, d.object.metadata.namespace ?? "", d.object.metadata.name ?? ""] as const)
      const sorted = [...order].sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0) || (a[3] < b[3] ? -1 : a[3] > b[3] ? 1 : 0))
      assert.deepStrictEqual(order, sorted)
    }), runs)
  })

  it("the license never leaves the Redacted except as the agents' WHATAP_LICENSE value", () => {
    fc.assert(fc.property(raw, (r) => {
      const desired = Render.render(toInput(r))
      const text = JSON.stringify(desired)
      const license = r.spec.license
      if (license === undefined || license === "") return !text.includes("LIC-abc123")
      const withoutEnv = JSON.stringify(desired, (k, v: unknown) => (k === "env" ? undefined : v))
      return !withoutEnv.includes(license)
    }), runs)
  })
})

/**
 * The admission algorithm (spec 5.2) and its outcomes (D8): the gates in order, the
 * idempotency guard, first match wins, the selector semantics table of spec 5.3 for pods
 * and namespaces, the namespace object being unavailable, system namespaces (D6), the
 * conflicts of spec 10.6, and which outcomes leave annotations on the pod.
 */
import { assert, describe, it } from "@effect/vitest"
import { Naming } from "@whatap-operator/core"
import { Redacted } from "effect"
import { Inject } from "../../src/index.ts"
import { agent, agentWithFeatures, at, container, context, namespace, operatorNamespace, pod, run, target, targets } from "./support.ts"

const plain = pod([container("a")], { labels: { app: "web" } })
const everything = targets(target("java"))

const reasonOf = (result: Inject.Mutated) => (result.outcome.injected ? "Injected" : result.outcome.reason)

const assertUnchanged = (input: unknown, result: Inject.Mutated, reason: Inject.Reason): void => {
  assert.strictEqual(reasonOf(result), reason)
  assert.strictEqual(result.pod, input)
  assert.deepStrictEqual(result.patch, [])
}

/** Only `whatap-apm-injected: "false"` and the reason were added. */
const assertRefused = (result: Inject.Mutated, reason: Inject.Reason): void => {
  assert.strictEqual(reasonOf(result), reason)
  assert.deepStrictEqual(result.patch, [{
    op: "add",
    path: "/metadata/annotations",
    value: { [Naming.apmAnnotations.injected]: "false", [Naming.apmAnnotations.reason]: reason }
  }])
}

describe("gates (spec 5.2 steps 1-4)", () => {
  it("no WhatapAgent", () => assertUnchanged(plain, run(plain, context(undefined)), "NoAgent"))

  it("instrumentation absent, or disabled", () => {
    assertUnchanged(plain, run(plain, context(agentWithFeatures({}))), "InstrumentationDisabled")
    assertUnchanged(plain, run(plain, context(agentWithFeatures({ apm: {} }))), "InstrumentationDisabled")
    assertUnchanged(plain, run(plain, context(agent({ enabled: false, targets: [target("java")] }))), "InstrumentationDisabled")
  })

  it("no targets (an instrumentation object alone is enabled by its CRD default)", () => {
    assertUnchanged(plain, run(plain, context(agent({}))), "NoTargets")
    assertUnchanged(plain, run(plain, context(agent({ targets: [] }))), "NoTargets")
  })

  it("the idempotency guard is `whatap-apm-injected: \"true\"` only", () => {
    const injected = pod([container("a")], { annotations: { [Naming.apmAnnotations.injected]: "true" } })
    assertUnchanged(injected, run(injected, context(everything)), "AlreadyInjected")
    const refused = pod([container("a")], { annotations: { [Naming.apmAnnotations.injected]: "false", [Naming.apmAnnotations.reason]: "ConflictMount", keep: "me" } })
    const result = run(refused, context(everything))
    assert.isTrue(result.outcome.injected)
    assert.deepStrictEqual(at(result.pod, "metadata", "annotations"), {
      [Naming.apmAnnotations.injected]: "true", keep: "me", [Naming.apmAnnotations.language]: "java", [Naming.apmAnnotations.version]: "latest"
    })
    assert.deepInclude(result.patch, { op: "remove", path: "/metadata/annotations/whatap-apm-reason" })
  })

  it("a document that is no pod: InvalidPod, unchanged, and the message never shows a value", () => {
    for (const input of ["pod", null, { spec: {} }, pod([{ name: "a", env: [{ name: "WHATAP_LICENSE", value: 12345 }] }])]) {
      const result = run(input, context(everything))
      assertUnchanged(input, result, "InvalidPod")
      assert.notInclude(JSON.stringify(result.outcome), "12345")
    }
    const outcome = Inject.mutate(pod([{ name: 1 }]), context(everything)).outcome
    assert.strictEqual(outcome.injected ? "" : outcome.message, "not a v1 Pod: spec.containers.0.name is missing or has the wrong type")
  })
})

describe("targets (spec 5.2 step 5)", () => {
  const cr = targets(
    target("java", { name: "off", enabled: false }),
    target("python", { name: "py", podSelector: { matchLabels: { lang: "py" } } }),
    target("nodejs", { name: "rest" }),
    target("php", { name: "never" })
  )

  it("disabled targets are skipped and the first match wins", () => {
    const py = run(pod([container("a")], { labels: { lang: "py" } }), context(cr))
    assert.deepInclude(py.outcome, { injected: true, target: { name: "py", index: 1 }, language: "python" })
    const other = run(pod([container("a")], { labels: { lang: "go" } }), context(cr))
    assert.deepInclude(other.outcome, { injected: true, target: { name: "rest", index: 2 }, language: "nodejs" })
  })

  it("no match: no annotation, no change", () => {
    const only = targets(target("java", { podSelector: { matchLabels: { app: "api" } } }))
    assertUnchanged(plain, run(plain, context(only)), "NoTargetMatched")
  })
})

const podTable: ReadonlyArray<readonly [string, unknown, Record<string, string>, boolean]> = [
  ["absent selector", undefined, {}, true],
  ["empty selector", {}, {}, true],
  ["matchLabels equal", { matchLabels: { app: "web" } }, { app: "web", x: "1" }, true],
  ["matchLabels other value", { matchLabels: { app: "web" } }, { app: "api" }, false],
  ["matchLabels absent", { matchLabels: { app: "web" } }, {}, false],
  ["In, value in the list", { matchExpressions: [{ key: "app", operator: "In", values: ["web", "api"] }] }, { app: "api" }, true],
  ["In, value not in the list", { matchExpressions: [{ key: "app", operator: "In", values: ["web"] }] }, { app: "db" }, false],
  ["In, label absent", { matchExpressions: [{ key: "app", operator: "In", values: ["web"] }] }, {}, false],
  ["NotIn, label absent", { matchExpressions: [{ key: "app", operator: "NotIn", values: ["web"] }] }, {}, true],
  ["NotIn, other value", { matchExpressions: [{ key: "app", operator: "NotIn", values: ["web"] }] }, { app: "api" }, true],
  ["NotIn, listed value", { matchExpressions: [{ key: "app", operator: "NotIn", values: ["web"] }] }, { app: "web" }, false],
  ["Exists, present", { matchExpressions: [{ key: "app", operator: "Exists" }] }, { app: "" }, true],
  ["Exists, absent", { matchExpressions: [{ key: "app", operator: "Exists" }] }, {}, false],
  ["DoesNotExist, absent", { matchExpressions: [{ key: "app", operator: "DoesNotExist" }] }, {}, true],
  ["DoesNotExist, present", { matchExpressions: [{ key: "app", operator: "DoesNotExist" }] }, { app: "x" }, false],
  ["labels AND expressions", { matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "In", values: ["fe"] }] }, { app: "web", tier: "be" }, false],
  ["wrong case operator never matches", { matchExpressions: [{ key: "app", operator: "in", values: ["web"] }] }, { app: "web" }, false],
  ["In without values never matches", { matchExpressions: [{ key: "app", operator: "In", values: [] }] }, { app: "web" }, false],
  // Selectors Kubernetes would reject, matched literally as the Go operator's hand-written matcher does.
  ["NotIn without values always matches", { matchExpressions: [{ key: "app", operator: "NotIn", values: [] }] }, { app: "web" }, true],
  ["NotIn without values, label absent", { matchExpressions: [{ key: "app", operator: "NotIn" }] }, {}, true],
  ["Exists ignores values", { matchExpressions: [{ key: "app", operator: "Exists", values: ["x"] }] }, { app: "web" }, true],
  ["Exists with values, absent", { matchExpressions: [{ key: "app", operator: "Exists", values: ["x"] }] }, {}, false],
  ["DoesNotExist ignores values", { matchExpressions: [{ key: "app", operator: "DoesNotExist", values: ["x"] }] }, {}, true],
  ["a key of invalid syntax is compared literally", { matchLabels: { "bad key!": "v" } }, { "bad key!": "v" }, true],
  ["a value of invalid syntax is compared literally", { matchExpressions: [{ key: "app", operator: "In", values: ["has space"] }] }, { app: "has space" }, true],
  ["an invalid selector still needs its other requirements", { matchLabels: { app: "web" }, matchExpressions: [{ key: "x", operator: "NotIn" }] }, { app: "api" }, false]
]

const namespaceTable: ReadonlyArray<readonly [string, unknown, Inject.Namespace, boolean]> = [
  ["matchNames lists it", { matchNames: ["apps"] }, namespace("apps"), true],
  ["matchNames does not list it", { matchNames: ["apps"] }, namespace("other"), false],
  ["labels only", { matchLabels: { team: "a" } }, namespace("x", { team: "a" }), true],
  ["names AND labels: both", { matchNames: ["apps"], matchLabels: { team: "a" } }, namespace("apps", { team: "a" }), true],
  ["names AND labels: label missing", { matchNames: ["apps"], matchLabels: { team: "a" } }, namespace("apps"), false],
  ["names AND labels: other name", { matchNames: ["apps"], matchLabels: { team: "a" } }, namespace("other", { team: "a" }), false],
  ["expression on namespace labels", { matchExpressions: [{ key: "env", operator: "NotIn", values: ["prod"] }] }, namespace("x", { env: "prod" }), false],
  ["invalid matchNames entry compared literally", { matchNames: ["Apps_1"] }, namespace("Apps_1"), true],
  ["invalid expression (NotIn without values) matches literally", { matchNames: ["apps"], matchExpressions: [{ key: "env", operator: "NotIn" }] }, namespace("apps", { env: "prod" }), true],
  ["invalid expression, other name", { matchNames: ["apps"], matchExpressions: [{ key: "env", operator: "NotIn" }] }, namespace("other"), false]
]

describe("selector semantics (spec 5.3)", () => {
  for (const [name, podSelector, labels, expected] of podTable) {
    it(`podSelector: ${name}`, () => {
      const cr = targets(target("java", podSelector === undefined ? {} : { podSelector }))
      assert.strictEqual(run(pod([container("a")], { labels }), context(cr)).outcome.injected, expected)
    })
  }
  for (const [name, namespaceSelector, ns, expected] of namespaceTable) {
    it(`namespaceSelector: ${name}`, () => {
      const cr = targets(target("java", { namespaceSelector }))
      assert.strictEqual(run(plain, context(cr, ns)).outcome.injected, expected)
    })
  }

  // The operator's status counts match many pods with one compiled matcher; it must give
  // every verdict the admission gives.
  const listed = (cr: ReturnType<typeof targets>) => cr.spec.features.apm?.instrumentation?.targets ?? []
  it("firstMatchingTarget (the status counts, the rollout restart) agrees with the admission on every row", () => {
    for (const [name, podSelector, labels, expected] of podTable) {
      const targetOf = Inject.firstMatchingTarget(listed(targets(target("java", podSelector === undefined ? {} : { podSelector }))))
      assert.strictEqual(targetOf(labels, "apps", {}) !== undefined, expected, `podSelector: ${name}`)
    }
    for (const [name, namespaceSelector, ns, expected] of namespaceTable) {
      const targetOf = Inject.firstMatchingTarget(listed(targets(target("java", { namespaceSelector }))))
      assert.strictEqual(targetOf({ app: "web" }, ns.name, ns.labels) !== undefined, expected, `namespaceSelector: ${name}`)
    }
  })
})

describe("refusals recorded on the pod (D8)", () => {
  it("namespace unknown while a podSelector matches", () => {
    const result = run(plain, context(everything, "unknown"))
    assertRefused(result, "NamespaceUnknown")
    assert.deepInclude(result.outcome, { target: { name: "java-target", index: 0 } })
  })

  it("namespace unknown and no podSelector matches: nothing", () => {
    const only = targets(target("java", { podSelector: { matchLabels: { app: "api" } } }))
    assertUnchanged(plain, run(plain, context(only, "unknown")), "NoTargetMatched")
  })

  it("system namespaces and the operator's own (D6)", () => {
    for (const name of [...Naming.systemNamespaces, operatorNamespace]) {
      assertRefused(run(pod([container("a")], { namespace: name }), context(everything, namespace(name))), "SystemNamespace")
    }
  })

  it("a whatap-agent-init container exists already, as init or app container", () => {
    assertRefused(run(pod([container("a")], { spec: { initContainers: [container("whatap-agent-init")] } }), context(everything)), "ConflictInitContainer")
    assertRefused(run(pod([container("whatap-agent-init")]), context(everything)), "ConflictInitContainer")
  })

  it("an app container mounts /whatap-agent already (however the path is spelt)", () => {
    for (const mountPath of ["/whatap-agent", "/whatap-agent/", "/whatap-agent/.", "//whatap-agent//", "/x/../whatap-agent"]) {
      const input = pod([container("a"), container("b", undefined, { volumeMounts: [{ name: "mine", mountPath }] })], { spec: { volumes: [{ name: "mine", emptyDir: {} }] } })
      const result = run(input, context(everything))
      assertRefused(result, "ConflictMount")
      assert.match(result.outcome.injected ? "" : result.outcome.message, /container "b" already mounts \/whatap-agent/)
    }
  })

  it("a Windows pod (spec.os.name: windows): the Linux init container would be refused there", () => {
    const result = run(pod([container("a")], { spec: { os: { name: "windows" } } }), context(everything))
    assertRefused(result, "WindowsPod")
    assert.match(result.outcome.injected ? "" : result.outcome.message, /runs on Windows/)
    assert.strictEqual(reasonOf(run(pod([container("a")], { spec: { os: { name: "linux" } } }), context(everything))), "Injected")
  })

  it("refusals are stable: mutating the refused pod changes nothing", () => {
    const first = run(pod([container("whatap-agent-init")]), context(everything))
    const second = run(first.pod, context(everything))
    assert.strictEqual(reasonOf(second), "ConflictInitContainer")
    assert.deepStrictEqual(second.patch, [])
  })

  it("the annotated reasons are exactly the refusals", () => {
    assert.deepStrictEqual([...Inject.annotatedReasons].sort(), ["ConflictInitContainer", "ConflictMount", "NamespaceUnknown", "SystemNamespace", "WindowsPod"])
    assert.deepStrictEqual(Inject.reasons.filter((r) => !Inject.annotatedReasons.has(r)), ["InvalidPod", "NoAgent", "InstrumentationDisabled", "NoTargets", "AlreadyInjected", "NoTargetMatched", "PodTooLarge"])
  })
})

describe("credentials never in outcome, warnings or messages", () => {
  it("a distinctive license is in the pod (the product's behaviour) and nowhere else", () => {
    const ctx = { ...context(everything), credentials: { license: Redacted.make("lic-SECRET-123"), host: "h", port: "1" } }
    const input = pod([container("a", [{ name: "JAVA_TOOL_OPTIONS", valueFrom: { secretKeyRef: { name: "s", key: "k" } } }])])
    const result = Inject.mutate(input, ctx)
    assert.include(JSON.stringify(result.pod), "lic-SECRET-123")
    assert.notInclude(JSON.stringify([result.outcome, result.warnings]), "lic-SECRET-123")
    assert.notInclude(String(ctx.credentials.license), "lic-SECRET-123")
  })
})

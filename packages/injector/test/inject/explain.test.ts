/**
 * `Inject.explain` (B1): a verdict for every target with the selector engine's reason,
 * the first match selected and later matches shadowed, verdicts even when a gate decides
 * the outcome, the same patch as `mutate` with license values redacted.
 */
import { assert, describe, it } from "@effect/vitest"
import { Redacted } from "effect"
import { Inject } from "../../src/index.ts"
import { agent, container, context, namespace, pod, target, targets } from "./support.ts"

const cr = targets(
  target("java", { name: "off", enabled: false }),
  target("java", { name: "web-only", podSelector: { matchExpressions: [{ key: "app", operator: "In", values: ["web"] }] } }),
  target("python", { name: "prod-ns", namespaceSelector: { matchNames: ["prod"] } }),
  target("nodejs", { name: "bad", podSelector: { matchExpressions: [{ key: "app", operator: "in", values: ["x"] }] } }),
  target("php", { name: "first" }),
  target("golang", { name: "shadowed" })
)

const input = pod([container("a")], { labels: { app: "api" } })

describe("explain", () => {
  it("says for every target why it did or did not apply", () => {
    const explanation = Inject.explain(input, context(cr, namespace("apps")))
    const rows = explanation.targets.map((t) => [t.name, t.verdict._tag, t.selected])
    assert.deepStrictEqual(rows, [
      ["off", "Disabled", false],
      ["web-only", "PodMismatch", false],
      ["prod-ns", "NamespaceMismatch", false],
      ["bad", "InvalidSelector", false],
      ["first", "Matched", true],
      ["shadowed", "Matched", false]
    ])
    assert.deepStrictEqual(explanation.targets[1]?.verdict, { _tag: "PodMismatch", requirement: "app in (web)", reason: `label "app" is "api", not in (web)` })
    assert.deepStrictEqual(explanation.targets[2]?.verdict, { _tag: "NamespaceMismatch", requirement: "matchNames (prod)", reason: `namespace "apps" is not in matchNames (prod)` })
    assert.deepInclude(explanation.outcome, { injected: true, target: { name: "first", index: 4 } })
  })

  it("verdict sentences for people", () => {
    const explanation = Inject.explain(input, context(cr, namespace("apps")))
    assert.deepStrictEqual(explanation.targets.map((t) => Inject.describeVerdict(t.verdict)).slice(0, 2), [
      "the target is disabled",
      `podSelector does not match: app in (web) fails (label "app" is "api", not in (web))`
    ])
    assert.match(Inject.describeVerdict(explanation.targets[3]?.verdict ?? { _tag: "Matched" }), /^its podSelector is invalid \(.*\) and, matched literally as the Go operator does, does not match$/)
  })

  it("gives the patch mutate gives, license values redacted", () => {
    const ctx = { ...context(cr, namespace("apps")), credentials: { license: Redacted.make("lic-SECRET-123"), host: "h", port: "1" } }
    const java = targets(target("java"))
    const mutated = Inject.mutate(input, { ...ctx, agent: java })
    const explained = Inject.explain(input, { ...ctx, agent: java })
    assert.include(JSON.stringify(mutated.patch), "lic-SECRET-123")
    assert.notInclude(JSON.stringify(explained), "lic-SECRET-123")
    assert.strictEqual(explained.patch.length, mutated.patch.length)
    assert.include(JSON.stringify(explained.patch), `{"name":"license","value":"${Inject.redacted}"}`)
    assert.include(JSON.stringify(explained.patch), `{"name":"WHATAP_LICENSE","value":"${Inject.redacted}"}`)
  })

  it("redacts a license value replaced in place (an env already in the injected order)", () => {
    const env = [
      { name: "JAVA_TOOL_OPTIONS", value: "-Da=1" },
      { name: "WHATAP_JAVA_AGENT_PATH", value: "/x" },
      { name: "license", value: "old" },
      { name: "whatap.server.host", value: "h" },
      { name: "whatap.server.port", value: "1" },
      { name: "whatap.micro.enabled", value: "true" },
      { name: "NODE_IP", valueFrom: { fieldRef: { fieldPath: "status.hostIP" } } },
      { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
      { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }
    ]
    const ctx = { ...context(targets(target("java"))), credentials: { license: Redacted.make("lic-SECRET-123"), host: "h", port: "1" } }
    const explained = Inject.explain(pod([container("a", env)]), ctx)
    assert.deepInclude(explained.patch, { op: "replace", path: "/spec/containers/0/env/2/value", value: Inject.redacted })
    assert.notInclude(JSON.stringify(explained), "lic-SECRET-123")
  })

  it("lists verdicts when a gate decides the outcome, and then no patch", () => {
    const injected = pod([container("a")], { annotations: { "whatap-apm-injected": "true" } })
    const explanation = Inject.explain(injected, context(cr, namespace("apps")))
    assert.deepInclude(explanation.outcome, { injected: false, reason: "AlreadyInjected" })
    assert.strictEqual(explanation.targets.length, 6)
    assert.deepStrictEqual(explanation.patch, [])
    const disabled = Inject.explain(input, context(agent({ enabled: false, targets: [target("java")] })))
    assert.deepStrictEqual(disabled.targets.map((t) => t.verdict._tag), ["Matched"])
  })

  it("without a CR or a pod there is nothing to evaluate", () => {
    assert.deepStrictEqual(Inject.explain(input, context(undefined)).targets, [])
    assert.deepStrictEqual(Inject.explain("not a pod", context(cr)).targets, [])
  })

  it("an unknown namespace shows on the targets whose podSelector matches", () => {
    const explanation = Inject.explain(input, context(cr, "unknown"))
    assert.deepStrictEqual(explanation.targets.map((t) => t.verdict._tag), ["Disabled", "PodMismatch", "NamespaceUnknown", "InvalidSelector", "NamespaceUnknown", "NamespaceUnknown"])
    assert.deepInclude(explanation.outcome, { reason: "NamespaceUnknown", target: { name: "prod-ns", index: 2 } })
  })
})

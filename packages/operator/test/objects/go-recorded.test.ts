/**
 * Every object the render produces against every object the Go operator (a7e2ace) writes
 * for the same WhatapAgent, field by field (fixtures/objects/go-recorded.json: the Go
 * repository's examples and a seeded random sample, recorded by recorder/record.sh with
 * one Reconcile on a controller-runtime fake client). The README's documented fixes are
 * applied to the Go side first (`withDeliberate`); the D9 bundle objects and the validating
 * webhook configuration are ours only. One more difference is allowed, and checked for its
 * cause: in GPU split mode the plain node-agent DaemonSet's node affinity, where Go's
 * required terms come in map order (D3) and its GPU pass writes the GPU terms into the CR's
 * `nodeAgent.affinity`, which then leak into the plain DaemonSet (D4): each of our terms
 * must hold no expression that one of Go's terms lacks.
 * CRs the validator rejects (D1) are recorded but not compared: the operator renders nothing.
 */
import { readFileSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import { Decode } from "@whatap-operator/core"
import { Option } from "effect"
import { Render } from "../../src/index.ts"
import { deliberateExtraObjects, differences, leakedOnly, splitMode, withDeliberate, type Difference } from "./diff.ts"

const fixture = JSON.parse(readFileSync(new URL("../fixtures/objects/go-recorded.json", import.meta.url), "utf8"))

const plainNodeAgent = /^DaemonSet\/[^/]*\/whatap-node-agent$/

const explained = (agent: any, goObjects: ReadonlyArray<any>, ourObjects: ReadonlyArray<any>) => (d: Difference): boolean => {
  if (!splitMode(agent) || !plainNodeAgent.test(d.object) || !d.path.startsWith(".spec.template.spec.affinity.nodeAffinity")) return false
  const named = (list: ReadonlyArray<any>) => list.find((o) => o.kind === "DaemonSet" && o.metadata.name === "whatap-node-agent")
  return leakedOnly(agent, named(goObjects), named(ourObjects))
}

const render = (entry: any) =>
  Render.render({
    agent: Option.getOrThrow(Decode.as("WhatapAgent", entry.agent).value),
    namespace: entry.namespace,
    monitors: { podMonitors: [], serviceMonitors: [], staticEndpoints: [] },
    webhook: { endpoint: { mode: "service" }, tls: fixture.tls }
  }).map((d) => d.object)

describe("objects against the Go operator's (recorded)", () => {
  it("records enough cases", () => {
    assert.isAtLeast(fixture.entries.filter((e: any) => e.errors.length === 0).length, 150)
  })

  it("every object the Go operator writes is rendered, equal but for documented differences", () => {
    const unexplained: Array<unknown> = []
    for (const entry of fixture.entries) {
      if (entry.errors.length > 0) continue
      const ours = render(entry)
      const go = withDeliberate(entry.objects, ours)
      const left = differences(go, ours)
        .filter((d) => !(d.path === "" && d.type === "extra" && deliberateExtraObjects.some((r) => r.test(d.object))))
        .filter((d) => !explained(entry.agent, go, ours)(d))
      if (left.length > 0) unexplained.push({ source: entry.source, left: left.slice(0, 5) })
    }
    assert.deepStrictEqual(unexplained, [])
  })
})

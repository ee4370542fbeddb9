/**
 * What the whole run left behind, checked at the end: every log line of every operator
 * process is JSON and none carries the license (nor do Events or the status), and the
 * operator's RBAC role is exactly what it used — no call was refused (a missing
 * permission), and every rule was exercised by some call (an unneeded permission).
 */
import { assert, type Vitest } from "@effect/vitest"
import { Effect } from "effect"
import { ApiResource, KubeClient } from "@whatap-operator/kube"
import * as Audit from "../../src/Audit.ts"
import { ControlPlane } from "../../src/ControlPlane.ts"
import * as Cluster from "./Cluster.ts"
import type * as SuiteTypes from "./Suite.ts"
import * as Rbac from "./Rbac.ts"
import { operatorUser, Suite } from "./Suite.ts"

type It = Vitest.MethodsNonLive<SuiteTypes.Services>

export const conformanceSpecs = (it: It) => {
  it.effect("every log line is JSON and none carries the license; nor do Events", () =>
    Effect.gen(function*() {
      const suite = yield* Suite
      const kube = yield* KubeClient
      const lines = suite.processes().flatMap((p) => p.logs())
      assert.isAbove(lines.length, 20)
      for (const line of lines) {
        const parsed: unknown = JSON.parse(line)
        assert.isTrue(typeof parsed === "object" && parsed !== null && "msg" in parsed && "level" in parsed && "time" in parsed, line)
        assert.notInclude(line, Cluster.license)
      }
      for (const p of suite.processes()) assert.notInclude(p.stderr(), Cluster.license)
      const events = yield* kube.list(ApiResource.Event, {})
      assert.isAbove(events.items.length, 0)
      assert.notInclude(JSON.stringify(events.items), Cluster.license)
    }))

  it.effect("the operator's RBAC is exactly what it used", () =>
    Effect.gen(function*() {
      const plane = yield* ControlPlane
      yield* Audit.flush(plane.auditLogPath, plane.kubeConfig)
      const events = yield* Audit.events(plane.auditLogPath, { user: operatorUser })
      const rules = Cluster.operatorRules()
      // Server-side apply of an absent object is a `patch` answered 201, authorized as `create` too.
      const created = events.filter((e) => e.verb === "patch" && e.responseStatus?.code === 201).map((e) => ({ ...e, verb: "create" }))
      const calls = Audit.calls([...events, ...created])
      assert.isAbove(calls.length, 20)
      // A missing permission: a call the role does not allow (it was refused). A 403 for an
      // allowed call only happens while a freshly restarted API server fills its RBAC cache.
      assert.deepStrictEqual(Rbac.unallowed(rules, calls), [], "calls the role does not allow")
      assert.deepStrictEqual(Rbac.unused(rules, calls), [], "permissions the operator never used")
    }))
}

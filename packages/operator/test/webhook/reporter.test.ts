/**
 * The pod webhook's reporter: Events are recorded off the admission path, in order, only
 * for decisions that call for them, and a recorder that does not answer (a slow API
 * server) neither holds up `observe` nor makes the backlog grow past its bound.
 */
import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Logger, Option } from "effect"
import type { Inject, PodAdmission } from "@whatap-operator/injector"
import type { KubeObject } from "@whatap-operator/kube"
import type { Shape as EventRecorder } from "../../src/controller/Events.ts"
import * as Reporter from "../../src/webhook/Reporter.ts"

const agent: KubeObject.KubeObject = { apiVersion: "monitoring.whatap.com/v2alpha1", kind: "WhatapAgent", metadata: { name: "whatap", uid: "u" } }

const decided = (name: string, outcome: Inject.Outcome, warnings: ReadonlyArray<string> = []): PodAdmission.Decided => ({
  request: {
    uid: `uid-${name}`, kind: { group: "", version: "v1", kind: "Pod" }, resource: { group: "", version: "v1", resource: "pods" },
    operation: "CREATE", userInfo: {}, namespace: "shop", name
  },
  mutated: { pod: {}, patch: [], outcome, warnings }
})

const target = { name: "java", index: 0 }
const injected = (name: string, warnings: ReadonlyArray<string> = []) =>
  decided(name, { injected: true, target, language: "java", version: "2.2.58", image: "i" }, warnings)
const skipped = (name: string) => decided(name, { injected: false, reason: "SystemNamespace", message: "a system namespace", target })
const unmatched = (name: string) => decided(name, { injected: false, reason: "NoTargetMatched", message: "no target" })

const reporter = (record: EventRecorder["record"], backlog?: number) =>
  Reporter.make({ agent: () => Effect.succeed(Option.some(agent)), recorder: { record }, ...(backlog === undefined ? {} : { backlog }) })

interface Recorded {
  readonly reason: string
  readonly message: string
}

describe("Reporter", () => {
  it.effect("records each decision's Events in order, and none for a pod no target matched", () =>
    Effect.gen(function*() {
      const recorded: Array<Recorded> = []
      const done = yield* Deferred.make<void>()
      const observe = yield* reporter((_, __, reason, message) =>
        Effect.sync(() => recorded.push({ reason, message })).pipe(Effect.andThen((n) => (n === 3 ? Deferred.succeed(done, undefined) : Effect.void))))
      for (const d of [unmatched("a"), skipped("b"), injected("c"), injected("d", ["JAVA_TOOL_OPTIONS kept", "PYTHONPATH kept"])]) yield* observe(d)
      yield* Deferred.await(done)
      assert.deepStrictEqual(recorded.map((r) => r.reason), ["InjectionSkipped", "InjectionAdjusted", "InjectionAdjusted"])
      assert.include(recorded[0]?.message, "Pod shop/b matched target java but was not injected: SystemNamespace")
      assert.deepStrictEqual(recorded.slice(1).map((r) => r.message), ["Pod shop/d: JAVA_TOOL_OPTIONS kept", "Pod shop/d: PYTHONPATH kept"])
    }).pipe(Effect.scoped))

  it.effect("a recorder that never answers holds up no admission; past the backlog decisions are dropped, said once", () =>
    Effect.gen(function*() {
      const logs: Array<string> = []
      const started = yield* Deferred.make<void>()
      const observe = yield* reporter(() => Deferred.succeed(started, undefined).pipe(Effect.andThen(Effect.never)), 2)
      yield* observe(skipped("first"))
      yield* Deferred.await(started)
      // the drainer is stuck on "first"; two fit in the backlog, the rest are dropped
      const all = yield* Effect.forEach(Array.from({ length: 50 }, (_, i) => skipped(`p${i}`)), observe).pipe(
        Effect.provide(Logger.layer([Logger.make(({ message }) => void logs.push(String(message)))])),
        Effect.forkChild
      )
      const finished = yield* Fiber.join(all).pipe(Effect.timeoutOption("2 seconds"))
      assert.isTrue(Option.isSome(finished), "observe waited for the recorder")
      assert.strictEqual(logs.filter((l) => l.includes("dropping new ones")).length, 1, logs.join("\n"))
    }).pipe(Effect.scoped))
})

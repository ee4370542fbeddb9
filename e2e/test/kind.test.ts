/**
 * The same specs against a kind cluster, where a container engine exists. kind is built from
 * its Go module (e2e/src/Kind.ts) and drives the engine itself; testcontainers is used to
 * find out whether an engine is reachable. Without one (this machine, CI) the suite reports
 * itself skipped and says why.
 */
import { KubeConfig } from "@kubernetes/client-node"
import { Effect, Exit, Scope } from "effect"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import * as Exec from "../src/Exec.ts"
import * as Kind from "../src/Kind.ts"
import { engineUnavailable } from "./engine.ts"
import { allSpecs } from "./specs/index.ts"
import type { Target } from "./specs/Target.ts"

const unavailable = await engineUnavailable("kind")

// Runs everywhere, so the kind path's own build is exercised even where no engine exists.
describe("kind binary", () => {
  it(`builds from its Go module (${Kind.KIND_MODULE_VERSION})`, async () => {
    const binary = await Effect.runPromise(Kind.ensureBinary)
    const version = await Effect.runPromise(Exec.run(binary, ["version"]))
    assert.match(version, new RegExp(`^kind ${Kind.KIND_MODULE_VERSION.replaceAll(".", "\\.")} `))
  }, 300_000)
})

describe.skipIf(unavailable !== undefined)("kind cluster", () => {
  let scope: Scope.Closeable | undefined
  let target: Target | undefined

  beforeAll(async () => {
    scope = await Effect.runPromise(Scope.make())
    const cluster = await Effect.runPromise(Kind.cluster.pipe(Scope.provide(scope)))
    const kubeConfig = new KubeConfig()
    kubeConfig.loadFromFile(cluster.kubeconfig)
    // The API server runs in a container and cannot reach a webhook on our loopback.
    target = { name: "kind", kubeConfig }
  }, 600_000)

  afterAll(async () => {
    if (scope !== undefined) await Effect.runPromise(Scope.close(scope, Exit.void))
  }, 120_000)

  allSpecs(() => {
    if (target === undefined) throw new Error("kind cluster did not start")
    return target
  }, { fakeGpu: false })
})

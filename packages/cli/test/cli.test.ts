/**
 * The dispatcher in-process, with an Io layer that records output: a defect in a
 * command becomes one line on stderr and exit 2, never a stack trace.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as Cli from "../src/Cli.ts"
import { Io } from "../src/Io.ts"

const recording = (readFile: (path: string) => Effect.Effect<string, never>) => {
  const out: Array<string> = []
  const err: Array<string> = []
  const layer = Layer.succeed(Io, Io.of({
    out: (text) => Effect.sync(() => void out.push(text)),
    err: (text) => Effect.sync(() => void err.push(text)),
    readFile,
    readStdin: Effect.succeed("")
  }))
  return { out, err, layer }
}

describe("Cli.run", () => {
  it.effect("a defect is one line on stderr and exit 2", () =>
    Effect.gen(function*() {
      const io = recording(() => Effect.die(new TypeError("boom\n    at somewhere (file.ts:1:1)")))
      const code = yield* Cli.run(["validate", "x.yaml"]).pipe(Effect.provide(io.layer))
      assert.strictEqual(code, 2)
      assert.deepStrictEqual(io.out, [])
      assert.deepStrictEqual(io.err, ["whatapctl: internal error: TypeError: boom\n"])
    }))

  it.effect("reads files through the Io service", () =>
    Effect.gen(function*() {
      const io = recording(() => Effect.succeed("apiVersion: monitoring.whatap.com/v2alpha1\nkind: WhatapAgent\nmetadata:\n  name: whatap\nspec:\n  features: {}\n"))
      const code = yield* Cli.run(["validate", "a.yaml"]).pipe(Effect.provide(io.layer))
      assert.strictEqual(code, 0)
      assert.deepStrictEqual(io.err, ["whatapctl: 1 document checked: 0 errors, 0 warnings\n"])
    }))
})

/**
 * Colour only for a terminal and never with NO_COLOR (the decision, and `render --diff`
 * in-process with a TTY-like Io); progress lines on stderr only for steps that run past
 * one second (TestClock).
 */
import { readFileSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect, Fiber, Layer } from "effect"
import { TestClock } from "effect/testing"
import * as Cli from "../src/Cli.ts"
import { Io, IoError } from "../src/Io.ts"
import * as Progress from "../src/Progress.ts"
import * as Style from "../src/Style.ts"
import { repoRoot } from "./support/run.ts"

const io = (stdoutIsTty: boolean) => {
  const out: Array<string> = []
  const err: Array<string> = []
  const layer = Layer.succeed(Io, Io.of({
    out: (text) => Effect.sync(() => void out.push(text)),
    err: (text) => Effect.sync(() => void err.push(text)),
    readFile: (path) => Effect.try({ try: () => readFileSync(`${repoRoot}${path}`, "utf8"), catch: () => new IoError({ message: `cannot read ${path}` }) }),
    readStdin: Effect.succeed(""),
    stdoutIsTty
  }))
  return { out, err, layer }
}

const env = (record: Record<string, string>) => ConfigProvider.layer(ConfigProvider.fromEnvRecord(record))

describe("Style", () => {
  it("colour needs a terminal on stdout and no NO_COLOR (an empty one does not count)", () => {
    assert.isTrue(Style.decide(true, undefined))
    assert.isTrue(Style.decide(true, ""))
    assert.isFalse(Style.decide(true, "1"))
    assert.isFalse(Style.decide(false, undefined))
  })

  it("the plain palette changes nothing; ANSI wraps non-empty text only", () => {
    assert.strictEqual(Style.plain.red("x"), "x")
    assert.strictEqual(Style.ansi.red("x"), "\u001b[31mx\u001b[39m")
    assert.strictEqual(Style.ansi.bold(""), "")
  })

  const diff = ["render", "--diff", "deploy/samples/whatap-agent-basic.yaml", "deploy/samples/whatap-agent-complete.yaml"]

  it.effect("render --diff is coloured on a terminal", () =>
    Effect.gen(function*() {
      const tty = io(true)
      assert.strictEqual(yield* Cli.run(diff).pipe(Effect.provide(Layer.merge(tty.layer, env({})))), 1)
      assert.include(tty.out.join(""), "\u001b[32m+              cpu: \"1\"\u001b[39m")
      assert.include(tty.out.join(""), "\u001b[36m@@ -65,8 +65,8 @@\u001b[39m")
    }))

  it.effect("...but not with NO_COLOR, nor into a pipe, and the text is the same otherwise", () =>
    Effect.gen(function*() {
      const noColor = io(true)
      const pipe = io(false)
      yield* Cli.run(diff).pipe(Effect.provide(Layer.merge(noColor.layer, env({ NO_COLOR: "1" }))))
      yield* Cli.run(diff).pipe(Effect.provide(Layer.merge(pipe.layer, env({}))))
      assert.notInclude(noColor.out.join(""), "\u001b[")
      assert.strictEqual(noColor.out.join(""), pipe.out.join(""))
      assert.strictEqual(pipe.out.join(""), readFileSync(`${repoRoot}packages/cli/test/fixtures/render/basic-to-complete.diff`, "utf8"))
    }))
})

describe("Progress", () => {
  it.effect("a step still running after one second says so once, on stderr", () =>
    Effect.gen(function*() {
      const streams = io(false)
      const step = Effect.sleep("5 seconds").pipe(Effect.as("done"), Progress.during("checking the thing"), Effect.provide(streams.layer))
      const running = yield* Effect.forkChild(step)
      yield* TestClock.adjust("999 millis")
      assert.deepStrictEqual(streams.err, [])
      yield* TestClock.adjust("1 millis")
      assert.deepStrictEqual(streams.err, ["whatapctl: checking the thing ...\n"])
      yield* TestClock.adjust("10 seconds")
      assert.strictEqual(yield* Fiber.join(running), "done")
      assert.deepStrictEqual(streams.err, ["whatapctl: checking the thing ...\n"])
      assert.deepStrictEqual(streams.out, [])
    }))

  it.effect("a quick step prints nothing, even when the clock moves on afterwards", () =>
    Effect.gen(function*() {
      const streams = io(false)
      yield* Effect.sleep("200 millis").pipe(Progress.during("quick"), Effect.provide(streams.layer), Effect.forkChild)
      yield* TestClock.adjust("5 seconds")
      assert.deepStrictEqual(streams.err, [])
    }))
})

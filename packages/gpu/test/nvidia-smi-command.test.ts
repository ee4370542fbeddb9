/**
 * NvidiaSmiCommand against stand-in binaries (shell scripts in a temporary folder):
 * output comes back as text; a missing binary, a non-zero exit and a hang are tagged
 * errors; interrupting kills the process. The real `nvidia-smi` is not needed.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { Effect, Schedule } from "effect"
import { NvidiaSmi, NvidiaSmiCommand } from "../src/index.ts"
import { fixturesDir } from "./support/construct.ts"
import { failure } from "./support/support.ts"

const dir = mkdtempSync(join(tmpdir(), "nvidia-smi-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const script = (name: string, body: string): string => {
  const path = join(dir, name)
  writeFileSync(path, `#!/bin/sh\n${body}\n`)
  chmodSync(path, 0o755)
  return path
}

/** Signal 0 tests for existence; ESRCH means the process is gone (a zombie still counts as alive until reaped). */
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

const xml = new URL("h100-80gb-hbm3-no-mig.xml", fixturesDir).pathname

const run = (binary: string, args: ReadonlyArray<string>, timeoutMs = 10_000) =>
  Effect.gen(function*() {
    const command = yield* NvidiaSmiCommand
    return yield* command.run(args)
  }).pipe(Effect.provide(NvidiaSmiCommand.layerWith({ binary, timeoutMs })))

describe("NvidiaSmiCommand", () => {
  it.live("returns standard output, which parses", () =>
    Effect.gen(function*() {
      const binary = script("ok", `[ "$1 $2" = "-q -x" ] || exit 3\ncat "${xml}"`)
      const inventory = yield* NvidiaSmi.parseXml(yield* run(binary, ["-q", "-x"]))
      assert.strictEqual(inventory.gpus[0]?.name, "NVIDIA H100 80GB HBM3")
    }))

  it.live("no binary: NotFound, saying what is missing", () =>
    Effect.gen(function*() {
      const error = yield* failure(run(join(dir, "absent"), ["-q", "-x"]))
      assert.strictEqual(error.reason, "NotFound")
      assert.strictEqual(error.command, "nvidia-smi -q -x")
      assert.include(error.message, "nvidia-smi was not found on PATH")
    }))

  it.live("a non-zero exit: Failed with the status and nvidia-smi's own first line", () =>
    Effect.gen(function*() {
      const binary = script("nodriver", "echo \"NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\"\necho second line\nexit 9")
      const error = yield* failure(run(binary, ["-q", "-x"]))
      assert.strictEqual(error.reason, "Failed")
      assert.strictEqual(error.message, "nvidia-smi -q -x failed (exit status 9): NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.")
    }))

  it.live("a hang: Timeout after the limit", () =>
    Effect.gen(function*() {
      const error = yield* failure(run(script("hang", "exec sleep 30"), ["-q", "-x"], 300))
      assert.strictEqual(error.reason, "Timeout")
      assert.strictEqual(error.message, "nvidia-smi -q -x did not finish within 0.3s")
    }))

  it.live("interrupting the effect kills the process", () =>
    Effect.gen(function*() {
      const pidFile = join(dir, "slow.pid")
      const result = yield* run(script("slow", `echo $$ > "${pidFile}"\nexec sleep 30`), ["-q", "-x"]).pipe(Effect.timeoutOption("500 millis"))
      assert.strictEqual(result._tag, "None")
      const pid = Number(readFileSync(pidFile, "utf8"))
      const gone = yield* Effect.sync(() => !alive(pid)).pipe(
        Effect.repeat({ until: (dead) => dead, schedule: Schedule.spaced("50 millis"), times: 40 })
      )
      assert.isTrue(gone, `process ${pid} still runs`)
    }))

  it.effect("layerTest answers canned output and NotFound for anything else", () =>
    Effect.gen(function*() {
      const command = yield* NvidiaSmiCommand
      assert.strictEqual(yield* command.run(["mig", "-lgi"]), "No MIG-enabled devices found.\n")
      assert.strictEqual((yield* failure(command.run(["-q", "-x"]))).reason, "NotFound")
    }).pipe(Effect.provide(NvidiaSmiCommand.layerTest({ "mig -lgi": "No MIG-enabled devices found.\n" }))))
})

/**
 * The harness's own promise that an interrupted command leaves nothing running: `go build`
 * forks compile and link, and a Ctrl-C during a build must stop those too, not just `go`.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Fiber } from "effect"
import { afterAll, assert, describe, it } from "vitest"
import * as Exec from "../src/Exec.ts"
import { eventually } from "./specs/Target.ts"

// A zombie (state Z) has stopped; only its parent's wait is missing.
const running = (pid: number): boolean => {
  const stat = `/proc/${pid}/stat`
  return existsSync(stat) && !/^\d+ \(.*\) Z /.test(readFileSync(stat, "utf8"))
}

describe("Exec.run", () => {
  const dir = mkdtempSync(join(tmpdir(), "whatap-exec-"))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it("stops the command and what it forked when interrupted", async () => {
    const pidFile = join(dir, "child.pid")
    const fiber = Effect.runFork(Exec.run("sh", ["-c", `sleep 60 & echo $! > ${pidFile}; wait`]))
    const child = await eventually(async () => Number(readFileSync(pidFile, "utf8").trim()), "10 seconds")
    assert.isTrue(running(child), "the forked sleep never started")
    await Effect.runPromise(Fiber.interrupt(fiber))
    assert.isFalse(running(child), `the forked sleep (pid ${child}) outlived the interrupted command`)
  })
})

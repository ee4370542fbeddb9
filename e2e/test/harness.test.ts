/**
 * The harness's own promises: an interrupted command leaves nothing running (`go build`
 * forks compile and link, and a Ctrl-C during a build must stop those too, not just `go`),
 * and the sweep after a killed run stops that run's processes and nobody else's.
 */
import { spawn, spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Fiber } from "effect"
import { afterAll, assert, describe, it } from "vitest"
import * as Exec from "../src/Exec.ts"
import * as Janitor from "../src/Janitor.ts"
import * as WorkDir from "../src/WorkDir.ts"
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

describe("Janitor.sweep", () => {
  const sleepers: Array<number> = []
  afterAll(() => sleepers.forEach((pid) => Janitor.killGroup(pid, "SIGKILL")))

  const sleeper = (cwd: string): number => {
    const child = spawn("sleep", ["60"], { cwd, detached: true, stdio: "ignore" })
    child.unref()
    sleepers.push(child.pid!)
    return child.pid!
  }

  const ownNamespace = readlinkSync("/proc/self/ns/pid")

  // A run whose owner (of this pid namespace) is dead, listing `pids` as its components.
  const orphanedRun = (pids: ReadonlyArray<number>, kept: boolean): string => {
    const dir = mkdtempSync(join(tmpdir(), Janitor.PREFIX))
    writeFileSync(join(dir, "owner.pid"), `${spawnSync("true").pid}\n${ownNamespace}\n`)
    writeFileSync(join(dir, "components.pids"), pids.map((pid) => `${pid}\n`).join(""))
    writeFileSync(join(dir, "kube-apiserver.log"), "the run's log\n")
    if (kept) WorkDir.keep(dir)
    return dir
  }

  it("stops an orphaned run's processes, and spares a listed pid that now runs elsewhere", async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), "whatap-reused-"))
    const reused = sleeper(elsewhere)
    const dir = orphanedRun([], false)
    const component = sleeper(dir)
    writeFileSync(join(dir, "components.pids"), `${reused}\n${component}\n`)
    await Effect.runPromise(Janitor.sweep)
    await eventually(async () => assert.isFalse(running(component), "the orphaned component still runs"), "10 seconds")
    assert.isTrue(running(reused), "a pid of another run (same number, other directory) was killed")
    assert.isFalse(existsSync(dir), "the orphaned run's directory is still there")
    rmSync(elsewhere, { recursive: true, force: true })
  })

  it("judges an owner of another pid namespace by its heartbeat, not by a pid that means nothing here", async () => {
    const dir = mkdtempSync(join(tmpdir(), Janitor.PREFIX))
    writeFileSync(join(dir, "owner.pid"), `${spawnSync("true").pid}\npid:[1]\n`)
    await Effect.runPromise(Janitor.sweep)
    assert.isTrue(existsSync(dir), "a run of another pid namespace whose owner renews its file was removed")
    const stale = new Date(Date.now() - Janitor.staleMs - 5_000)
    utimesSync(join(dir, "owner.pid"), stale, stale)
    await Effect.runPromise(Janitor.sweep)
    assert.isFalse(existsSync(dir), "a run of another pid namespace without a heartbeat for a minute is still there")
  })

  it("renews the heartbeat of what this process owns until it is disowned", async () => {
    const dir = mkdtempSync(join(tmpdir(), "whatap-owned-"))
    const file = join(dir, "owner.pid")
    Janitor.own(dir)
    assert.strictEqual(readFileSync(file, "utf8"), `${process.pid}\n${ownNamespace}\n`)
    const old = new Date(Date.now() - 3_600_000)
    utimesSync(file, old, old)
    await eventually(async () => assert.isAbove(statSync(file).mtimeMs, Date.now() - 30_000, "the heartbeat was not renewed"), "15 seconds")
    Janitor.disown(dir)
    assert.isFalse(existsSync(file), "disown left the owner file")
    assert.isTrue(Janitor.ownerGone(dir, spawnSync("true").pid), "without an owner file, a dead legacy pid decides")
    assert.isFalse(Janitor.ownerGone(dir), "without an owner file or a pid, nothing is gone")
    rmSync(dir, { recursive: true, force: true })
  })

  it("keeps a kept run's logs and forgets its pids, so no later sweep signals them", async () => {
    const dir = orphanedRun([process.pid], true)
    await Effect.runPromise(Janitor.sweep)
    assert.isTrue(running(process.pid))
    assert.strictEqual(readFileSync(join(dir, "kube-apiserver.log"), "utf8"), "the run's log\n")
    assert.isFalse(existsSync(join(dir, "components.pids")), "the kept run's pid list is still there")
    assert.isFalse(existsSync(join(dir, "owner.pid")), "the kept run's owner is still there")
    rmSync(dir, { recursive: true, force: true })
  })
})

/**
 * The harness's own promises: an interrupted command leaves nothing running (`go build`
 * forks compile and link, and a Ctrl-C during a build must stop those too, not just `go`),
 * and the sweep after a killed run stops that run's processes and nobody else's.
 */
import { spawn, spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, utimesSync, writeFileSync } from "node:fs"
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
    // SIGKILLed with its group; it may take a moment to show as stopped
    await eventually(async () => assert.isFalse(running(child), `the forked sleep (pid ${child}) outlived the interrupted command`), "5 seconds")
  })
})

describe("Janitor.sweep", () => {
  const sleepers: Array<number> = []
  const scratch: Array<string> = []
  afterAll(() => {
    sleepers.forEach((pid) => Janitor.killGroup(pid, "SIGKILL"))
    scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true }))
  })

  const sleeper = (cwd: string): number => {
    const child = spawn("sleep", ["60"], { cwd, detached: true, stdio: "ignore" })
    child.unref()
    sleepers.push(child.pid!)
    return child.pid!
  }

  const tempDir = (prefix: string): string => {
    const dir = mkdtempSync(join(tmpdir(), prefix))
    scratch.push(dir)
    return dir
  }

  const ownNamespace = readlinkSync("/proc/self/ns/pid")
  const deadPid = (): number => spawnSync("true").pid!
  const age = (path: string, ms: number): void => {
    const then = new Date(Date.now() - ms)
    utimesSync(path, then, then)
  }

  /** A run whose owner is dead, with `owner` as its owner file, listing `pids` as its components. */
  const orphanedRun = (pids: ReadonlyArray<number>, options: { readonly kept?: boolean; readonly owner?: string } = {}): string => {
    const dir = tempDir(Janitor.PREFIX)
    writeFileSync(join(dir, "owner.pid"), options.owner ?? `${deadPid()}\n${ownNamespace}\n`)
    writeFileSync(join(dir, "components.pids"), pids.map((pid) => `${pid}\n`).join(""))
    writeFileSync(join(dir, "kube-apiserver.log"), "the run's log\n")
    if (options.kept === true) WorkDir.keep(dir)
    return dir
  }

  it("stops an orphaned run's processes, and spares a listed pid that now runs elsewhere", async () => {
    const reused = sleeper(tempDir("whatap-reused-"))
    const dir = orphanedRun([])
    const component = sleeper(dir)
    writeFileSync(join(dir, "components.pids"), `${reused}\n${component}\n`)
    await Effect.runPromise(Janitor.sweep)
    await eventually(async () => assert.isFalse(running(component), "the orphaned component still runs"), "10 seconds")
    assert.isTrue(running(reused), "a pid of another run (same number, other directory) was killed")
    assert.isFalse(existsSync(dir), "the orphaned run's directory is still there")
  })

  it("leaves a run of another pid namespace alone, however old: its pids mean nothing here", async () => {
    const dir = orphanedRun([], { owner: `${deadPid()}\npid:[1]\n` })
    const component = sleeper(dir)
    writeFileSync(join(dir, "components.pids"), `${component}\n`)
    age(join(dir, "owner.pid"), 3_600_000)
    await Effect.runPromise(Janitor.sweep)
    assert.isTrue(existsSync(join(dir, "components.pids")), "a run of another pid namespace was reaped")
    assert.isTrue(running(component))
  })

  it("judges an owner file of an older harness (pid only) by its pid once it is stale", async () => {
    const live = orphanedRun([], { owner: `${process.pid}\n` })
    const dead = orphanedRun([], { owner: `${deadPid()}\n` })
    await Effect.runPromise(Janitor.sweep)
    assert.isTrue(existsSync(dead), "a fresh owner file of an older harness was taken for abandoned")
    for (const dir of [live, dead]) age(join(dir, "owner.pid"), Janitor.staleMs + 5_000)
    await Effect.runPromise(Janitor.sweep)
    assert.isTrue(existsSync(live), "a live owner of this namespace was reaped")
    assert.isFalse(existsSync(dead), "a stale owner file of an older harness with a dead pid is still there")
  })

  it("own records this pid and namespace; a partial build without an owner file is judged by its name's pid once stale", () => {
    const dir = tempDir("whatap-owned-")
    Janitor.own(dir)
    assert.strictEqual(readFileSync(join(dir, "owner.pid"), "utf8"), `${process.pid}\n${ownNamespace}\n`)
    assert.isFalse(Janitor.ownerGone(dir), "this process's own directory reads as gone")
    Janitor.disown(dir)
    assert.isFalse(existsSync(join(dir, "owner.pid")), "disown left the owner file")
    const pid = deadPid()
    assert.isFalse(Janitor.ownerGone(dir, pid), "a fresh directory was taken for abandoned")
    age(dir, Janitor.staleMs + 5_000)
    assert.isTrue(Janitor.ownerGone(dir, pid), "a stale directory whose pid is dead is not gone")
    assert.isFalse(Janitor.ownerGone(dir, process.pid), "a directory of a live pid is gone")
    assert.isFalse(Janitor.ownerGone(dir), "without an owner file or a pid, something is gone")
  })

  it("keeps a kept run's logs and drops its pid list and owner, so later sweeps read nothing of it", async () => {
    const dir = orphanedRun([process.pid], { kept: true })
    await Effect.runPromise(Janitor.sweep)
    assert.isTrue(running(process.pid))
    assert.strictEqual(readFileSync(join(dir, "kube-apiserver.log"), "utf8"), "the run's log\n")
    assert.isFalse(existsSync(join(dir, "components.pids")), "the kept run's pid list is still there")
    assert.isFalse(existsSync(join(dir, "owner.pid")), "the kept run's owner is still there")
  })
})

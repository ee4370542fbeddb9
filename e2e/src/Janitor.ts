/**
 * Cleans up after runs that could not clean up themselves. Components run in their own
 * process groups (so Ctrl-C reaches us, not them), which means a harness that dies without
 * closing its scope leaves them running. Two guards:
 * - in this process, an `exit` hook kills the groups and removes the work directories that
 *   are still registered (the scope never closed: vitest answers Ctrl-C with
 *   `process.exit()`, an uncaught exception, ...);
 * - for a harness killed with SIGKILL, each work directory records its owner and its
 *   components' pids; the next start kills the groups of dead owners and removes their
 *   directories (unless they were deliberately kept).
 * The temp dir and the build cache may be shared with processes of another pid namespace (a
 * CI container beside a workstation), whose pids mean nothing here: an owner is judged by
 * its pid only in its own namespace, elsewhere by a heartbeat (`own`).
 */
import { appendFileSync, existsSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Console, Effect } from "effect"

export const PREFIX = "whatap-e2e-"
const OWNER = "owner.pid"
/** An owner renews its file this often; another pid namespace's owner is gone after `staleMs` without. */
const HEARTBEAT_MS = 10_000
export const staleMs = 60_000
const PIDS = "components.pids"
export const KEPT = "kept"

const read = (file: string): string => (existsSync(file) ? readFileSync(file, "utf8") : "")

// ESRCH (the group is already gone) is the state we wanted, so failures are ignored. A pid
// below 1 would make `-pid` address our own group (0) or every process we may signal (-1).
export const killGroup = (pid: number, signal: NodeJS.Signals): void => {
  if (pid > 0) Effect.runSync(Effect.try(() => process.kill(-pid, signal)).pipe(Effect.ignore))
}

const groups = new Set<number>()
const dirs = new Set<string>()

// An `exit` hook may only do synchronous work; killing groups and removing files is that.
// The groups go first so nothing writes into a directory while it is removed; the retries
// cover the moment a SIGKILLed process needs to actually stop.
process.on("exit", () => {
  for (const pid of groups) killGroup(pid, "SIGKILL")
  for (const dir of dirs) {
    if (existsSync(join(dir, KEPT))) continue
    Effect.runSync(Effect.try(() => rmSync(dir, { recursive: true, force: true, maxRetries: 5 })).pipe(Effect.ignore))
  }
})

/** Until `forget(pid)`, this process group is SIGKILLed if the process exits. */
export const killOnExit = (pid: number): void => {
  groups.add(pid)
}

/** Until `forget(dir)`, this directory is removed (unless kept) if the process exits. */
export const removeOnExit = (dir: string): void => {
  dirs.add(dir)
}

export const forget = (pidOrDir: number | string): void => {
  if (typeof pidOrDir === "number") groups.delete(pidOrDir)
  else {
    dirs.delete(pidOrDir)
    owned.delete(pidOrDir)
  }
}

const ignore = (f: () => void): void => Effect.runSync(Effect.try(f).pipe(Effect.ignore))

const pidNamespace = (): string =>
  Effect.runSync(Effect.try(() => readlinkSync("/proc/self/ns/pid")).pipe(Effect.orElseSucceed(() => "")))

const owned = new Set<string>()
let heartbeat: NodeJS.Timeout | undefined

const beat = (): void => {
  const now = new Date()
  for (const dir of owned) ignore(() => utimesSync(join(dir, OWNER), now, now))
}

/**
 * Writes `dir`'s owner file (this pid and this pid namespace) and renews its mtime every
 * 10 s until `disown(dir)` or `forget(dir)`: the heartbeat by which another pid namespace
 * tells a running owner from a dead one.
 */
export const own = (dir: string): void => {
  writeFileSync(join(dir, OWNER), `${process.pid}\n${pidNamespace()}\n`)
  owned.add(dir)
  heartbeat ??= setInterval(beat, HEARTBEAT_MS).unref()
}

/** Stops the heartbeat and removes the owner file (before `dir` is published under another name). */
export const disown = (dir: string): void => {
  owned.delete(dir)
  ignore(() => rmSync(join(dir, OWNER), { force: true }))
}

/**
 * Whether `dir` has an owner file whose process is gone: by its pid when it ran in this
 * pid namespace, else by a heartbeat older than `staleMs` (an owner file without a
 * namespace, as older runs wrote it, counts as another namespace's). No owner file: gone
 * only when the caller knows a pid for it (`legacyPid`) that no longer runs here.
 */
export const ownerGone = (dir: string, legacyPid?: number): boolean => {
  const file = join(dir, OWNER)
  if (!existsSync(file)) return legacyPid !== undefined && !alive(legacyPid)
  const [pid = "", namespace = ""] = read(file).split("\n")
  if (namespace !== "" && namespace === pidNamespace()) return !alive(Number(pid))
  return Effect.runSync(
    Effect.try(() => Date.now() - statSync(file).mtimeMs > staleMs).pipe(Effect.orElseSucceed(() => false))
  )
}

/** Marks `dir` as this process's work directory, for this process's exit hook and the next sweep. */
export const claim = (dir: string): void => {
  own(dir)
  removeOnExit(dir)
}

/** Records a component of `dir`'s run, for this process's exit hook and the next sweep. */
export const record = (dir: string, pid: number): void => {
  appendFileSync(join(dir, PIDS), `${pid}\n`)
  killOnExit(pid)
}

export const alive = (pid: number): boolean => {
  if (!Number.isInteger(pid) || pid <= 0) return false
  return Effect.runSync(Effect.try(() => process.kill(pid, 0)).pipe(Effect.as(true), Effect.orElseSucceed(() => false)))
}

// Only signal a pid that still runs in `dir` (every component's working directory is its run's
// work directory): pids get reused, here and in another pid namespace that shares this temp
// dir, where a stale list can name the live components of somebody else's run.
const runsIn = (pid: number, dir: string): boolean =>
  Effect.runSync(
    Effect.try(() => readlinkSync(`/proc/${pid}/cwd`) === realpathSync(dir)).pipe(Effect.orElseSucceed(() => false))
  )

const reap = (dir: string) =>
  Effect.gen(function*() {
    if (!ownerGone(dir)) return
    const pids = read(join(dir, PIDS)).split("\n").map(Number).filter((pid) => alive(pid) && runsIn(pid, dir))
    for (const pid of pids) killGroup(pid, "SIGKILL")
    if (pids.length > 0) yield* Console.log(`[controlplane] stopped ${pids.length} orphaned processes of ${dir}`)
    // A kept directory stays for its logs, and is never reaped again.
    const files = existsSync(join(dir, KEPT)) ? [join(dir, OWNER), join(dir, PIDS)] : [dir]
    for (const file of files) yield* Effect.try(() => rmSync(file, { recursive: true, force: true })).pipe(Effect.ignore)
  })

/** Reaps every orphaned work directory in the temp dir. */
export const sweep = Effect.suspend(() =>
  Effect.forEach(
    readdirSync(tmpdir()).filter((name) => name.startsWith(PREFIX)).map((name) => join(tmpdir(), name)),
    reap,
    { discard: true }
  )
)

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
 * CI container beside a workstation), whose pids mean nothing here: an owner file records
 * the namespace, and only a run of this namespace is judged and reaped (`ownerGone`).
 */
import { appendFileSync, existsSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Console, Effect } from "effect"

export const PREFIX = "whatap-e2e-"
const OWNER = "owner.pid"
/** How long an owner file of an older harness (pid only) must be untouched before its pid decides. */
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
  else dirs.delete(pidOrDir)
}

const ignore = (f: () => void): void => Effect.runSync(Effect.try(f).pipe(Effect.ignore))

const pidNamespace = (): string =>
  Effect.runSync(Effect.try(() => readlinkSync("/proc/self/ns/pid")).pipe(Effect.orElseSucceed(() => "")))

const olderThanStale = (path: string): boolean =>
  Effect.runSync(Effect.try(() => Date.now() - statSync(path).mtimeMs > staleMs).pipe(Effect.orElseSucceed(() => false)))

/** Writes `dir`'s owner file: this process's pid and its pid namespace. */
export const own = (dir: string): void => writeFileSync(join(dir, OWNER), `${process.pid}\n${pidNamespace()}\n`)

/** Removes `dir`'s owner file (a published build is nobody's to sweep). */
export const disown = (dir: string): void => ignore(() => rmSync(join(dir, OWNER), { force: true }))

/**
 * Whether `dir`'s owner is gone. An owner of this pid namespace is gone when its pid no
 * longer runs; one of another namespace is never judged here (its pids mean nothing here:
 * its own namespace's next run reaps it). An owner file without a namespace, as older
 * harnesses wrote it, and a directory without an owner file whose pid the caller knows
 * (`legacyPid`, a partial build's name), are gone when that pid no longer runs here and
 * nothing has touched the file or directory for `staleMs`.
 */
export const ownerGone = (dir: string, legacyPid?: number): boolean => {
  const file = join(dir, OWNER)
  if (!existsSync(file)) return legacyPid !== undefined && !alive(legacyPid) && olderThanStale(dir)
  const [pid = "", namespace = ""] = read(file).split("\n")
  if (namespace === "") return !alive(Number(pid)) && olderThanStale(file)
  return namespace === pidNamespace() && !alive(Number(pid))
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

/**
 * Cleans up after runs that could not clean up themselves. Components run in their own
 * process groups (so Ctrl-C reaches us, not them), which means a harness killed with
 * SIGKILL leaves them running. Each work directory records its owner's pid and its
 * components' pids; the next start kills the groups of dead owners and removes their
 * directories (unless they were deliberately kept).
 */
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Console, Effect } from "effect"

export const PREFIX = "whatap-e2e-"
const OWNER = "owner.pid"
const PIDS = "components.pids"
export const KEPT = "kept"

export const claim = (dir: string): void => writeFileSync(join(dir, OWNER), `${process.pid}\n`)
export const record = (dir: string, pid: number): void => appendFileSync(join(dir, PIDS), `${pid}\n`)

const read = (file: string): string => (existsSync(file) ? readFileSync(file, "utf8") : "")

const alive = (pid: number): boolean => {
  if (!Number.isInteger(pid) || pid <= 0) return false
  return Effect.runSync(Effect.try(() => process.kill(pid, 0)).pipe(Effect.as(true), Effect.orElseSucceed(() => false)))
}

// Only signal a pid that still runs one of our binaries: pids get reused.
const isOurs = (pid: number): boolean => read(`/proc/${pid}/cmdline`).includes("whatap-operator/controlplane")

const reap = (dir: string) =>
  Effect.gen(function*() {
    const owner = Number(read(join(dir, OWNER)).trim())
    if (!existsSync(join(dir, OWNER)) || alive(owner)) return
    const pids = read(join(dir, PIDS)).split("\n").map(Number).filter((pid) => alive(pid) && isOurs(pid))
    for (const pid of pids) {
      yield* Effect.try(() => process.kill(-pid, "SIGKILL")).pipe(Effect.ignore)
    }
    if (pids.length > 0) yield* Console.log(`[controlplane] stopped ${pids.length} orphaned processes of ${dir}`)
    if (!existsSync(join(dir, KEPT))) yield* Effect.try(() => rmSync(dir, { recursive: true, force: true })).pipe(Effect.ignore)
  })

/** Reaps every orphaned work directory in the temp dir. */
export const sweep = Effect.suspend(() =>
  Effect.forEach(
    readdirSync(tmpdir()).filter((name) => name.startsWith(PREFIX)).map((name) => join(tmpdir(), name)),
    reap,
    { discard: true }
  )
)

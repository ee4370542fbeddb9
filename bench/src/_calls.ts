/**
 * The operator's requests in a time window, counted on the API server's side (its audit
 * log, the operator ServiceAccount's user): writes and reads (get, list) grouped by
 * `verb resource`, the leader election's Lease reads and renewals apart (the heartbeat,
 * not reconcile traffic), and new watch calls. Each request is counted once, whatever
 * stages it logged.
 */
import { Effect } from "effect"
import { Audit, ControlPlane } from "@whatap-operator/e2e"
import { operatorUser } from "./_world.ts"

export interface Calls {
  /** Writes other than Lease renewals, by `verb resource[/subresource]`, sorted. */
  readonly writes: ReadonlyArray<readonly [string, number]>
  readonly writeCount: number
  /** Writes to leases (leader election). */
  readonly leaseWrites: number
  /** Reads of leases (leader election reads its Lease before renewing it). */
  readonly leaseReads: number
  /** Reads other than of leases, by `verb resource[/subresource]`, sorted. */
  readonly reads: ReadonlyArray<readonly [string, number]>
  readonly gets: number
  readonly lists: number
  readonly watches: number
}

const WRITE_VERBS: ReadonlySet<string> = new Set(["create", "update", "patch", "delete", "deletecollection"])

const shape = (event: Audit.Event): string =>
  `${event.verb} ${event.objectRef?.resource ?? event.requestURI}${event.objectRef?.subresource === undefined ? "" : `/${event.objectRef.subresource}`}`

/** Counts the events (already the operator's, in the window). */
const byShape = (events: ReadonlyArray<Audit.Event>): ReadonlyArray<readonly [string, number]> => {
  const counts = new Map<string, number>()
  for (const e of events) counts.set(shape(e), (counts.get(shape(e)) ?? 0) + 1)
  return [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}

const isLease = (e: Audit.Event): boolean => e.objectRef?.resource === "leases"

export const count = (events: ReadonlyArray<Audit.Event>): Calls => {
  const unique = [...new Map(events.map((e) => [e.auditID, e])).values()]
  const writes = unique.filter((e) => WRITE_VERBS.has(e.verb))
  const reads = unique.filter((e) => e.verb === "get" || e.verb === "list")
  const reconcileWrites = writes.filter((e) => !isLease(e))
  const otherReads = reads.filter((e) => !isLease(e))
  return {
    writes: byShape(reconcileWrites),
    writeCount: reconcileWrites.length,
    leaseWrites: writes.length - reconcileWrites.length,
    leaseReads: reads.length - otherReads.length,
    reads: byShape(otherReads),
    gets: otherReads.filter((e) => e.verb === "get").length,
    lists: otherReads.filter((e) => e.verb === "list").length,
    watches: unique.filter((e) => e.verb === "watch").length
  }
}

/** The operator's requests received in [since, until), once every earlier request is in the log. */
export const between = (since: Date, until: Date) =>
  Effect.gen(function*() {
    const plane = yield* ControlPlane
    yield* Audit.flush(plane.auditLogPath, plane.kubeConfig, "30 seconds")
    const events = yield* Audit.events(plane.auditLogPath, { since, user: operatorUser })
    return count(events.filter((e) => Date.parse(e.requestReceivedTimestamp) < until.getTime()))
  })

/** Counted shapes as `2 x patch whatapagents/status, ...`, or `none`. */
export const describe = (shapes: ReadonlyArray<readonly [string, number]>): string =>
  shapes.length === 0 ? "none" : shapes.map(([what, n]) => `${n} x ${what}`).join(", ")

/**
 * Which network connections a process holds to addresses other than loopback: the check
 * behind "kube-apiserver never dials a Service IP or a pod IP" (nothing is behind
 * 10.96.0.0/16 or kwok's pod IPs, and on this machine such a SYN would leave it).
 *
 * It reads the kernel's socket tables as seen from the process' network namespace
 * (`/proc/<pid>/net/{tcp,tcp6,udp,udp6}`) and keeps the sockets whose inode is one of the
 * process' file descriptors (`/proc/<pid>/fd/* -> socket:[inode]`). Every TCP state counts,
 * SYN_SENT included (a dial that is still waiting); a UDP socket counts once `connect`ed
 * (a DNS query). A snapshot sees what is open at that instant: a dial that fails at once
 * (no route) or a connection opened and closed between two samples is not seen, which is
 * why `sample` polls often during the window a spec cares about.
 */
import { readdir, readFile, readlink } from "node:fs/promises"
import { endianness } from "node:os"
import { Duration, Effect, Fiber, Schedule } from "effect"
import { ControlPlaneError } from "./ControlPlaneError.ts"

export type Protocol = "tcp" | "tcp6" | "udp" | "udp6"

export interface Endpoint {
  readonly address: string
  readonly port: number
}

export interface Connection {
  readonly protocol: Protocol
  readonly local: Endpoint
  readonly remote: Endpoint
  /** TCP state name (ESTABLISHED, SYN_SENT, ...); UDP sockets report ESTABLISHED once connected. */
  readonly state: string
  readonly inode: number
}

// include/net/tcp_states.h
const STATES = [
  "", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT",
  "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV"
]

// The table prints each 32-bit word of the address in host byte order.
const wordBytes = (word: string): ReadonlyArray<number> => {
  const bytes = [0, 2, 4, 6].map((i) => parseInt(word.slice(i, i + 2), 16))
  return endianness() === "LE" ? bytes.reverse() : bytes
}

const ipv6Text = (bytes: ReadonlyArray<number>): string => {
  const groups = [0, 2, 4, 6, 8, 10, 12, 14].map((i) => ((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0))
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return `::ffff:${bytes.slice(12).join(".")}`
  // RFC 5952: the longest run of two or more zero groups becomes "::".
  let best = { at: -1, length: 1 }
  for (let at = 0; at < 8; at++) {
    let length = 0
    while (at + length < 8 && groups[at + length] === 0) length++
    if (length > best.length) best = { at, length }
  }
  const hex = groups.map((g) => g.toString(16))
  if (best.at < 0) return hex.join(":")
  return `${hex.slice(0, best.at).join(":")}::${hex.slice(best.at + best.length).join(":")}`
}

/** `0100007F:1F90` -> 127.0.0.1:8080; 32 hex digits -> an IPv6 address. */
export const decodeEndpoint = (text: string): Endpoint => {
  const [hex = "", port = "0"] = text.split(":")
  const words = hex.match(/.{8}/g) ?? []
  const bytes = words.flatMap(wordBytes)
  return { address: bytes.length === 4 ? bytes.join(".") : ipv6Text(bytes), port: parseInt(port, 16) }
}

/** Parses one /proc/net/{tcp,udp}[6] table. */
export const parseTable = (protocol: Protocol, text: string): ReadonlyArray<Connection> =>
  text.split("\n").slice(1).map((line) => line.trim().split(/\s+/)).filter((fields) => fields.length >= 10).map(
    (fields) => ({
      protocol,
      local: decodeEndpoint(fields[1] ?? ""),
      remote: decodeEndpoint(fields[2] ?? ""),
      state: STATES[parseInt(fields[3] ?? "0", 16)] ?? `0x${fields[3]}`,
      inode: Number(fields[9])
    })
  )

/** 127.0.0.0/8, ::1 and IPv4-mapped 127.x. */
export const isLoopback = (address: string): boolean =>
  address.startsWith("127.") || address === "::1" || address.startsWith("::ffff:127.")

/** 0.0.0.0 and :: (a listener's or an unconnected socket's remote side). */
export const isUnspecified = (address: string): boolean =>
  address === "0.0.0.0" || address === "::" || address === "::ffff:0.0.0.0"

export const isNonLoopback = (connection: Connection): boolean =>
  !isLoopback(connection.remote.address) && !isUnspecified(connection.remote.address)

export const format = (c: Connection): string => {
  const host = (e: Endpoint) => (e.address.includes(":") ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`)
  return `${c.protocol} ${host(c.local)} -> ${host(c.remote)} ${c.state}`
}

const procError = (pid: number) => (error: unknown) =>
  new ControlPlaneError({ step: `network of pid ${pid}`, message: String(error) })

const socketInodes = Effect.fn("NetworkGuard.socketInodes")(function*(pid: number) {
  const fds = yield* Effect.tryPromise({ try: () => readdir(`/proc/${pid}/fd`), catch: procError(pid) })
  // An fd closed between readdir and readlink is simply not a socket any more.
  const links = yield* Effect.forEach(fds, (fd) =>
    Effect.tryPromise(() => readlink(`/proc/${pid}/fd/${fd}`)).pipe(Effect.orElseSucceed(() => "")), {
    concurrency: 16
  })
  return new Set(links.flatMap((link) => /^socket:\[(\d+)\]$/.exec(link)?.[1] ?? []).map(Number))
})

const PROTOCOLS: ReadonlyArray<Protocol> = ["tcp", "tcp6", "udp", "udp6"]

/** Every TCP and UDP socket of process `pid`, listeners included. */
export const connections = Effect.fn("NetworkGuard.connections")(function*(pid: number) {
  const inodes = yield* socketInodes(pid)
  const tables = yield* Effect.forEach(PROTOCOLS, (protocol) =>
    Effect.tryPromise({ try: () => readFile(`/proc/${pid}/net/${protocol}`, "utf8"), catch: procError(pid) }).pipe(
      // A kernel without IPv6 has no tcp6/udp6 table.
      Effect.map((text) => parseTable(protocol, text)),
      Effect.orElseSucceed((): ReadonlyArray<Connection> => [])
    ))
  return tables.flat().filter((connection) => connection.inode !== 0 && inodes.has(connection.inode))
})

/** The sockets of `pid` whose remote side is neither loopback nor unspecified. */
export const nonLoopback = (pid: number) =>
  connections(pid).pipe(Effect.map((all) => all.filter(isNonLoopback)))

const key = (c: Connection): string => `${c.inode} ${format(c)}`

export interface SampleOptions {
  /** Time between two snapshots; default 50 ms. */
  readonly every?: Duration.Input
}

/**
 * Runs `action` while taking a snapshot with `scan` every `every`; returns the action's
 * result and every distinct connection seen (first sighting order). One last snapshot is
 * taken after the action, so an action shorter than `every` is still covered once.
 */
export const during = <A, E, R, E2>(
  scan: Effect.Effect<ReadonlyArray<Connection>, E2>,
  action: Effect.Effect<A, E, R>,
  options: SampleOptions = {}
) =>
  Effect.gen(function*() {
    const seen = new Map<string, Connection>()
    const record = scan.pipe(Effect.map((found) => found.forEach((c) => seen.set(key(c), c))))
    const sampler = yield* record.pipe(Effect.repeat(Schedule.spaced(options.every ?? "50 millis")), Effect.forkChild)
    // A scan that fails (the process is gone) fails the window at once instead of hiding.
    const result = yield* Effect.raceFirst(action, Fiber.join(sampler).pipe(Effect.andThen(Effect.never))).pipe(
      Effect.ensuring(Fiber.interrupt(sampler))
    )
    yield* record
    return { result, connections: [...seen.values()] }
  })

/** Takes a snapshot with `scan` every `every` for `duration`; every distinct connection seen. */
export const sample = <E>(
  scan: Effect.Effect<ReadonlyArray<Connection>, E>,
  duration: Duration.Input,
  options: SampleOptions = {}
) => during(scan, Effect.sleep(duration), options).pipe(Effect.map(({ connections }) => connections))

/**
 * NetworkGuard can fail: it sees a dial to a non-loopback address while the SYN is still
 * unanswered, and it does not flag loopback (IPv4, IPv6 or IPv4-mapped). The dialling child
 * runs in a network namespace of its own whose only interface is `lo`, with a route that
 * sends 192.0.2.0/24 (TEST-NET-1) into it: the SYN is dropped there and never leaves the
 * machine, so the socket sits in SYN_SENT. Also: the suite's kube-apiserver holds loopback
 * sockets (the scan sees it) and none to anything else.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { Effect } from "effect"
import { afterEach, assert, describe, inject, it } from "vitest"
import * as NetworkGuard from "../src/NetworkGuard.ts"

// Real lines of /proc/net/tcp and tcp6 (x86-64), from such a namespace.
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:91A9 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 81546 1 00000000e812380e 100 0 0 10 0
   3: 00000000:98C6 010200C0:0009 02 00000001:00000000 01:00000004 00000000     0        0 81551 2 00000000564f3877 100 0 0 10 -1
`
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   1: B80D0120000000000000000001000000:96F7 B80D0120000000000000000001000000:9DF4 01 00000000:00000000 00:00000000 00000000     0        0 81553 1 0000000027e64bea 20 0 0 10 -1
   3: 0000000000000000FFFF00000100007F:914A 0000000000000000FFFF00000100007F:91A9 01 00000000:00000000 00:00000000 00000000     0        0 81549 2 0000000001bc0166 20 0 0 10 -1
   4: 00000000000000000000000001000000:E726 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 81265 2 000000002092f20a 100 0 0 10 -1
`

describe("NetworkGuard tables", () => {
  it("decodes addresses, ports and states", () => {
    assert.deepStrictEqual(NetworkGuard.parseTable("tcp", TCP).map(NetworkGuard.format), [
      "tcp 127.0.0.1:37289 -> 0.0.0.0:0 LISTEN",
      "tcp 0.0.0.0:39110 -> 192.0.2.1:9 SYN_SENT"
    ])
    assert.deepStrictEqual(NetworkGuard.parseTable("tcp6", TCP6).map(NetworkGuard.format), [
      "tcp6 [2001:db8::1]:38647 -> [2001:db8::1]:40436 ESTABLISHED",
      "tcp6 [::ffff:127.0.0.1]:37194 -> [::ffff:127.0.0.1]:37289 ESTABLISHED",
      "tcp6 [::1]:59174 -> [::]:0 LISTEN"
    ])
  })

  it("flags only remote addresses that are neither loopback nor unspecified", () => {
    const flagged = [...NetworkGuard.parseTable("tcp", TCP), ...NetworkGuard.parseTable("tcp6", TCP6)]
      .filter(NetworkGuard.isNonLoopback)
      .map((c) => c.remote.address)
    assert.deepStrictEqual(flagged, ["192.0.2.1", "2001:db8::1"])
  })
})

// Connects to loopback three ways, to an address on `lo` that is not loopback, and to
// 192.0.2.1 (dropped, so SYN_SENT); prints "ready" once the first three are connected and
// the servers accepted them (an accepted socket is one of the process' fds only after
// accept(), which can come after the client's "connect").
const CHILD = `
const net = require("net")
let pending = 6
const done = () => { if (--pending === 0) console.log("ready") }
const v4 = net.createServer(done).listen(0, "127.0.0.1", () => {
  const v6 = net.createServer(done).listen(0, "2001:db8::1", () => {
    const open = [
      net.connect(v4.address().port, "127.0.0.1"),
      net.connect(v4.address().port, "::ffff:127.0.0.1"),
      net.connect(v6.address().port, "2001:db8::1")
    ]
    net.connect(9, "192.0.2.1").on("error", () => {})
    for (const socket of open) socket.on("connect", done)
  })
})
setTimeout(() => process.exit(0), 20000)
`

const NAMESPACE_SETUP = [
  "ip link set lo up",
  "ip route add 192.0.2.0/24 dev lo",
  "ip -6 addr add 2001:db8::1/128 dev lo nodad",
  'exec "$0" -e "$1"'
].join(" && ")

/** Starts the child in a fresh network namespace; resolves once it printed "ready". */
const startChild = (): Promise<ChildProcess> =>
  new Promise((resolve, reject) => {
    const child = spawn("unshare", ["--net", "sh", "-c", NAMESPACE_SETUP, process.execPath, CHILD], {
      stdio: ["ignore", "pipe", "pipe"],
      detached: true
    })
    let stderr = ""
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready")) resolve(child)
    })
    child.on("exit", (code) => reject(new Error(`the namespace child exited (${code}): ${stderr}`)))
    child.on("error", reject)
  })

describe("NetworkGuard on live processes", () => {
  let child: ChildProcess | undefined
  afterEach(() => {
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      process.kill(-child.pid, "SIGKILL")
    }
    child = undefined
  })

  it("sees a non-loopback SYN_SENT and established IPv6, and does not flag loopback", async () => {
    child = await startChild()
    const pid = child.pid ?? 0
    const all = await Effect.runPromise(NetworkGuard.connections(pid))
    const flagged = all.filter(NetworkGuard.isNonLoopback)
    const syn = flagged.find((c) => c.remote.address === "192.0.2.1")
    assert.strictEqual(syn?.state, "SYN_SENT", `all sockets:\n${all.map(NetworkGuard.format).join("\n")}`)
    assert.isTrue(flagged.some((c) => c.protocol === "tcp6" && c.remote.address === "2001:db8::1" && c.state === "ESTABLISHED"))
    const loopback = all.filter((c) => NetworkGuard.isLoopback(c.remote.address))
    assert.isAtLeast(loopback.length, 4, "the loopback pairs (IPv4 and IPv4-mapped) were not seen")
    assert.isTrue(loopback.some((c) => c.remote.address === "::ffff:127.0.0.1"))
    assert.deepStrictEqual(await Effect.runPromise(NetworkGuard.nonLoopback(pid)), flagged)
  }, 30_000)

  it("samples a window and keeps every distinct connection seen", async () => {
    child = await startChild()
    const pid = child.pid ?? 0
    const seen = await Effect.runPromise(NetworkGuard.sample(NetworkGuard.nonLoopback(pid), "300 millis"))
    assert.deepStrictEqual([...new Set(seen.map((c) => c.remote.address))].sort(), ["192.0.2.1", "2001:db8::1"])
  }, 30_000)

  it("finds loopback sockets and nothing else on the suite's kube-apiserver", async () => {
    const pid = inject("controlPlane").apiServerPid
    const all = await Effect.runPromise(NetworkGuard.connections(pid))
    assert.isTrue(all.some((c) => c.state === "LISTEN" && c.local.address === "127.0.0.1"), "no listener seen")
    assert.isTrue(all.some((c) => c.state === "ESTABLISHED" && NetworkGuard.isLoopback(c.remote.address)))
    assert.deepStrictEqual(all.filter(NetworkGuard.isNonLoopback).map(NetworkGuard.format), [])
  })
})

/**
 * `whatapctl run` through the real bin: every flag is checked before anything is
 * contacted (a loopback API server counts the requests), a kubeconfig problem ends the
 * process quickly with one line naming it, the operator talks to the API server it is
 * given and exits 0 on SIGTERM, and `help run` lists the flags. Every spawn is
 * time-bound, so a hang fails the test.
 */
import { createServer, type Server } from "node:http"
import { writeFileSync } from "node:fs"
import type { AddressInfo } from "node:net"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { afterAll, beforeAll } from "vitest"
import { isolatedEnv, run, type Run, scratchDir, start } from "./support/run.ts"

const scratch = scratchDir("whatapctl-run-")
const probes = ["--health-probe-bind-address", "127.0.0.1:0"]
/** Above the spawn bound, so the spawn's own timeout (a hang) is what fails, and no child outlives its test. */
const testTimeout = 30_000

/** A stand-in API server on 127.0.0.1 that answers 503 to everything and counts requests. */
const requests: Array<string> = []
let server: Server | undefined
let kubeconfig = ""

beforeAll(async () => {
  const listening = createServer((req, res) => {
    requests.push(`${req.method ?? ""} ${req.url ?? ""}`)
    res.writeHead(503, { "content-type": "application/json" })
    res.end(JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", message: "unavailable", code: 503 }))
  })
  await new Promise<void>((resolve) => listening.listen(0, "127.0.0.1", resolve))
  server = listening
  const port = (listening.address() as AddressInfo).port
  kubeconfig = join(scratch, "kubeconfig.yaml")
  writeFileSync(kubeconfig, [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    `- name: loopback\n  cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}`,
    "users:",
    "- name: test\n  user: {token: not-a-secret}",
    "contexts:",
    "- name: loopback\n  context: {cluster: loopback, user: test}",
    "current-context: loopback",
    ""
  ].join("\n"))
})

afterAll(async () => {
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())))
})

/** The bin to completion, at most 20 s, with this process's event loop free for the server. */
const runAsync = (args: ReadonlyArray<string>, env = isolatedEnv()): Promise<Run> =>
  start(["run", ...args], { env, timeoutMs: 20_000 }).done

const waitFor = async (condition: () => boolean, ms: number): Promise<boolean> => {
  const until = Date.now() + ms
  while (!condition() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50))
  return condition()
}

describe("run: argument errors are exit 2 before anything is contacted", () => {
  const cases: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
    [["--leader-elect=yes"], "--leader-elect takes true or false"],
    // a Go bool flag takes its value with "=" only: alone it is true, and "yes" is an operand
    [["--leader-elect", "yes"], "run takes no arguments (got \"yes\"; a boolean flag takes its value after \"=\", as in --leader-elect=false)"],
    [["--metrics-secure=maybe"], "--metrics-secure takes true or false"],
    [["--zap-log-level", "verbose"], "--zap-log-level takes debug, info, warn, error or a number above 0"],
    [["--resync-period", "5"], "invalid duration \"5\": expected e.g. 30s, 5m, 1h30m"],
    [["--resync-period", "1d"], "invalid duration \"1d\""],
    [["--lease-duration", "0s"], "duration \"0s\" must be positive"],
    [["--lease-duration", "-10s"], "invalid duration \"-10s\""],
    [["--health-probe-bind-address", "8081"], "invalid address \"8081\": expected HOST:PORT, :PORT or 0"],
    [["--metrics-bind-address", ":65536"], "invalid address \":65536\""],
    [["--metrics-bind-address", "::1:8080"], "invalid address \"::1:8080\""],
    [["--webhook-url", "https://127.0.0.1:9443/mutate"], "invalid --webhook-url \"https://127.0.0.1:9443/mutate\": expected https://HOST[:PORT] without a path"],
    [["--webhook-url", "http://127.0.0.1:9443"], "invalid --webhook-url"],
    [["--webhook-url", "https://127.0.0.1:9443?x=1"], "invalid --webhook-url"],
    [["--log-level", "verbose"], "--log-level takes debug, info, warning or error"],
    [["--log-level", "toString"], "--log-level takes debug, info, warning or error"],
    [["--jit", "turbo"], "--jit takes optimizing or baseline"],
    [["--namespace", "Whatap_Monitoring"], "invalid namespace \"Whatap_Monitoring\""],
    [["extra"], "run takes no arguments"],
    [["--bogus"], "unknown flag --bogus"],
    [["--kubeconfig"], "flag --kubeconfig needs a value"]
  ]

  it.each(cases)("%j", async (args, message) => {
    const before = requests.length
    const r = await runAsync(["--kubeconfig", kubeconfig, ...probes, ...args])
    assert.isFalse(r.timedOut)
    assert.strictEqual(r.status, 2)
    assert.strictEqual(r.stdout, "")
    assert.include(r.stderr, `whatapctl: ${message}`)
    assert.match(r.stderr, /\nRun 'whatapctl run --help' for usage\.\n$/)
    assert.strictEqual(requests.length, before, "no request reached the API server")
  }, testTimeout)

  it("an invalid WHATAP_DEFAULT_NAMESPACE too", async () => {
    const r = await runAsync(["--kubeconfig", kubeconfig, ...probes], isolatedEnv({ WHATAP_DEFAULT_NAMESPACE: "Bad_NS" }))
    assert.strictEqual(r.status, 2)
    assert.include(r.stderr, "whatapctl: invalid namespace \"Bad_NS\"")
  }, testTimeout)
})

describe("run: kubeconfig problems end the process quickly with one line and exit 2 (an I/O error)", () => {
  const fails = async (args: ReadonlyArray<string>, ...parts: ReadonlyArray<string>) => {
    const started = Date.now()
    const r = await runAsync([...args, ...probes])
    assert.isFalse(r.timedOut, "must not hang")
    assert.isBelow(Date.now() - started, 20_000)
    assert.strictEqual(r.status, 2)
    assert.match(r.stderr, /^whatapctl: operator failed: KubeConfigError: [^\n]+\n$/)
    for (const part of parts) assert.include(r.stderr, part)
    assert.notInclude(r.stdout + r.stderr, "    at ", "no stack trace")
    return r
  }

  it("--kubeconfig /nonexistent", async () => {
    await fails(["--kubeconfig", "/nonexistent"], "/nonexistent", "no such file or directory")
  }, testTimeout)

  it("a directory, a context that is not in the file", async () => {
    await fails(["--kubeconfig", scratch], "is a directory, not a kubeconfig file")
    await fails(["--kubeconfig", kubeconfig, "--context", "nope"], "context \"nope\" is not in the kubeconfig")
  }, 2 * testTimeout)

  it("$KUBECONFIG is read when there is no flag", async () => {
    const r = await runAsync(probes, isolatedEnv({ KUBECONFIG: "/nonexistent/kubeconfig" }))
    assert.strictEqual(r.status, 2)
    assert.include(r.stderr, "/nonexistent/kubeconfig")
  }, testTimeout)
})

describe("run: against a (loopback) API server", () => {
  it("contacts it, logs JSON lines on stdout, and exits 0 on SIGTERM", async () => {
    const before = requests.length
    const running = start(["run", "--kubeconfig", kubeconfig, ...probes, "--webhook-bind-address", "0", "--namespace", "whatap-test", "--identity", "test-1", "--lease-duration", "2s"], { env: isolatedEnv(), timeoutMs: 20_000 })
    const contacted = await waitFor(() => requests.length > before, 10_000)
    running.signal("SIGTERM")
    const r = await running.done
    assert.isTrue(contacted, r.stdout + r.stderr)
    assert.isFalse(r.timedOut)
    assert.strictEqual(r.status, 0, r.stderr)
    assert.strictEqual(r.stderr, "")
    assert.include(requests.slice(before), "GET /apis/coordination.k8s.io/v1/namespaces/whatap-test/leases/19e8a60c.whatap.com")
    const lines = r.stdout.trimEnd().split("\n").map((l) => JSON.parse(l) as { level: string; msg: string })
    assert.include(lines.map((l) => l.msg), "starting in namespace whatap-test as test-1")
    assert.include(lines.map((l) => l.msg), "received SIGTERM: shutting down")
    assert.notInclude(r.stdout, "not-a-secret")
  }, testTimeout)
})

describe("run: the Go operator's Deployment args", () => {
  it("--leader-elect alone, --metrics-bind-address, --metrics-secure, --enable-http2 and the zap flags run the operator", async () => {
    const before = requests.length
    const args = [
      "--leader-elect", "--metrics-bind-address=127.0.0.1:0", "--health-probe-bind-address=127.0.0.1:0", "--metrics-secure",
      "--enable-http2=false", "--zap-log-level=debug", "--zap-encoder=console", "--zap-stacktrace-level=error", "--zap-time-encoding=iso8601"
    ]
    const running = start(["run", "--kubeconfig", kubeconfig, ...args, "--webhook-bind-address", "0", "--namespace", "whatap-test", "--identity", "go-args", "--lease-duration", "2s"], { env: isolatedEnv(), timeoutMs: 20_000 })
    const contacted = await waitFor(() => requests.length > before, 10_000)
    running.signal("SIGTERM")
    const r = await running.done
    assert.isTrue(contacted, r.stdout + r.stderr)
    assert.strictEqual(r.status, 0, r.stderr)
    assert.include(requests.slice(before), "GET /apis/coordination.k8s.io/v1/namespaces/whatap-test/leases/19e8a60c.whatap.com")
    const lines = r.stdout.trimEnd().split("\n").map((l) => JSON.parse(l) as { level: string; msg: string })
    const warnings = lines.filter((l) => l.level === "warning" || l.level === "warn").map((l) => l.msg)
    assert.isTrue(warnings.some((m) => m.startsWith("--metrics-secure: /metrics is served over plain HTTP")), JSON.stringify(warnings))
    assert.isTrue(warnings.some((m) => m.startsWith("--zap-encoder \"console\": logs are JSON lines")), JSON.stringify(warnings))
  }, testTimeout)
})

describe("run: help", () => {
  const flags = [
    "--kubeconfig", "--context", "--namespace", "--leader-elect", "--health-probe-bind-address", "--metrics-bind-address",
    "--webhook-url", "--resync-period", "--identity", "--lease-duration", "--log-level"
  ]

  it("help run and run --help list every flag, exit 0", () => {
    for (const args of [["help", "run"], ["run", "--help"], ["run", "-h"]]) {
      const r = run(args, { timeoutMs: 20_000 })
      assert.strictEqual(r.status, 0)
      assert.strictEqual(r.stderr, "")
      assert.include(r.stdout, "Usage: whatapctl run")
      for (const flag of flags) assert.include(r.stdout, flag, `${args.join(" ")} lists ${flag}`)
    }
  })
})

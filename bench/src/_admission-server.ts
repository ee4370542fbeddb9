/**
 * The server under test of the admission benchmark, in a process of its own so that the
 * load generator and the server do not share an event loop: `AdmissionServer.serve` with
 * `PodAdmission.handler` on the pod path, as the operator serves it, on 127.0.0.1 and a
 * free port, with a CA and a serving certificate (RSA-2048, the operator's default) from
 * `Certificates`. The context is the operator's (`contextFor`): the CR decoded once, as the
 * operator's webhook decodes each version of it once; `BENCH_ADMISSION_DECODE=perRequest`
 * decodes it on every request (the cost of an operator without that cache).
 *
 * Usage: `node _admission-server.ts <dir>`. Writes `<dir>/ca.pem`, then prints one line
 * `{"port":N,"pid":P}` on stdout and serves until SIGTERM or SIGINT.
 */
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { Naming } from "@whatap-operator/core"
import { AdmissionServer, Certificates, PodAdmission } from "@whatap-operator/injector"
import { Cause, Effect, Exit, Fiber, References } from "effect"
import { contextFor, type DecodeMode, operatorNamespace } from "./_admission-fixtures.ts"
import { envString } from "./_main.ts"

const dir = process.argv[2]
if (dir === undefined) throw new Error("usage: node _admission-server.ts <dir for ca.pem>")

const modeOf = (raw: string): DecodeMode => {
  if (raw === "perRequest" || raw === "once") return raw
  throw new Error(`BENCH_ADMISSION_DECODE=${raw}: expected perRequest or once`)
}
const mode = modeOf(envString("BENCH_ADMISSION_DECODE", "once"))

const program = Effect.gen(function*() {
  const ca = yield* Certificates.generateCa()
  const tls = yield* Certificates.issueServing(ca, Certificates.webhookNames(operatorNamespace, { loopback: true }))
  yield* Effect.sync(() => writeFileSync(join(dir, "ca.pem"), ca.cert))
  const server = yield* AdmissionServer.serve({
    host: "127.0.0.1",
    port: 0,
    tls,
    routes: { [Naming.webhook.podPath]: PodAdmission.handler({ context: contextFor(mode) }) }
  })
  yield* Effect.sync(() => console.log(JSON.stringify({ port: server.port, pid: process.pid })))
  return yield* Effect.never
}).pipe(Effect.scoped, Effect.provideService(References.MinimumLogLevel, "Warn"))

// Stopping is the normal end here, so an interruption is not reported as a failure.
const fiber = Effect.runFork(program)
for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => void Effect.runFork(Fiber.interrupt(fiber)))
fiber.addObserver((exit) => {
  if (Exit.isFailure(exit) && !Cause.hasInterruptsOnly(exit.cause)) {
    console.error(Cause.pretty(exit.cause))
    process.exitCode = 1
  }
})

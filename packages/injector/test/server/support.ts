/**
 * Shared pieces of the admission server tests: a CA and a loopback serving certificate, a
 * node:https client that trusts only a given CA and reports which local port (so which
 * connection) carried each answer, and AdmissionReview request builders.
 */
import { Effect, Schema } from "effect"
import { Agent, request as httpsRequest } from "node:https"
import { Admission, Certificates } from "../../src/index.ts"

export const slow = { timeout: 60_000 }

/** A CA and a serving certificate for 127.0.0.1 (ECDSA: fast to generate). */
export const pki = Effect.gen(function*() {
  const ca = yield* Certificates.generateCa({ keyAlgorithm: "ecdsa-p256" })
  const serving = yield* Certificates.issueServing(ca, { ...Certificates.webhookNames("ns", { loopback: true }), keyAlgorithm: "ecdsa-p256" })
  return { ca, serving }
})

/** A keep-alive agent with one socket, so consecutive requests share one connection; destroyed with the scope. */
export const keepAliveAgent = (ca: string) =>
  Effect.acquireRelease(
    Effect.sync(() => new Agent({ keepAlive: true, maxSockets: 1, ca })),
    (agent) => Effect.sync(() => agent.destroy())
  )

export interface Answer {
  readonly status: number
  readonly headers: Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
  readonly body: string
  /** The client side of the connection that carried the answer. */
  readonly localPort: number | undefined
}

export type Outcome = Answer | { readonly error: string }

export interface Call {
  readonly path?: string
  readonly method?: string
  readonly body?: string | Buffer
  readonly contentType?: string
}

/** One request; a transport failure is a value (`{ error: code }`), not a rejection. */
export const call = (agent: Agent, port: number, options: Call = {}) =>
  Effect.promise(() =>
    new Promise<Outcome>((resolve) => {
      const body = options.body ?? ""
      const req = httpsRequest({
        host: "127.0.0.1",
        port,
        agent,
        path: options.path ?? "/validate",
        method: options.method ?? "POST",
        headers: { "content-type": options.contentType ?? "application/json", "content-length": String(Buffer.byteLength(body)) }
      }, (res) => {
        const localPort = res.socket?.localPort
        const chunks: Array<Buffer> = []
        res.on("data", (chunk: Buffer) => chunks.push(chunk))
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8"), localPort }))
      })
      req.on("error", (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }))
      req.end(body)
    })
  )

/** `call`, failing the test on a transport error. */
export const answer = (agent: Agent, port: number, options: Call = {}) =>
  Effect.flatMap(call(agent, port, options), (outcome) =>
    "error" in outcome ? Effect.die(new Error(`request failed: ${outcome.error}`)) : Effect.succeed(outcome))

export const podKind = { group: "", version: "v1", kind: "Pod" }
export const agentKind = { group: "monitoring.whatap.com", version: "v2alpha1", kind: "WhatapAgent" }

/** An AdmissionRequest as the API server sends it (v1 field names, raw objects). */
export const request = (overrides: Partial<Admission.AdmissionRequest> = {}): Admission.AdmissionRequest => ({
  uid: "705ab4f5-6393-11e8-b7cc-42010a800002",
  kind: agentKind,
  resource: { group: "monitoring.whatap.com", version: "v2alpha1", resource: "whatapagents" },
  name: "whatap",
  operation: "CREATE",
  userInfo: { username: "admin", groups: ["system:masters", "system:authenticated"] },
  object: null,
  oldObject: null,
  dryRun: false,
  options: { kind: "CreateOptions", apiVersion: "meta.k8s.io/v1" },
  ...overrides
})

export const reviewBody = (req: Admission.AdmissionRequest): string =>
  JSON.stringify({ apiVersion: Admission.apiVersion, kind: Admission.kind, request: req })

/** The AdmissionReview of a 200 answer, decoded with the response schema (a mismatch fails the test). */
export const decodeReview = (answer: Answer) =>
  Effect.orDie(Schema.decodeUnknownEffect(Schema.fromJsonString(Admission.AdmissionReviewResponse))(answer.body))

/**
 * HTTP-level differential against the Go operator's two admission webhooks:
 * fixtures/go-admission-recorded.json holds requests (recorder/cases.ts: WhatapAgent reviews
 * for the validation path, and malformed or unusual requests for both paths) and what the
 * Go operator's controller-runtime webhooks answered to their exact bytes over HTTP
 * (recorder/record.sh). The same bytes go to our AdmissionServer over HTTPS on loopback,
 * with the routes the operator serves; the answers are compared: HTTP status, Content-Type,
 * and the decoded review (apiVersion, kind, uid, allowed, status code, message and reason,
 * patchType, whether the patch changes the pod beyond Go's round-trip noise, warnings).
 *
 * Every difference must be one of `explained` (a documented deliberate difference, or a Go
 * behaviour we do not copy): a new difference fails the test and is printed. With
 * ADMISSION_DIFF_OUT set, every difference is written there as JSON.
 */
import { assert, describe, it } from "@effect/vitest"
import { Decode, Naming } from "@whatap-operator/core"
import { Effect, Option, Redacted } from "effect"
import { readFileSync, writeFileSync } from "node:fs"
import { request as httpsRequest } from "node:https"
import { AdmissionServer, PodAdmission, Validating } from "../../src/index.ts"
import { pki } from "../server/support.ts"
import type { Case } from "./recorder/cases.ts"

type Json = any

interface Recorded {
  readonly httpStatus: number
  readonly contentType: string
  readonly body: string
}

interface Entry {
  readonly input: Case
  readonly go: Recorded
}

const fixture: { readonly upstreamCommit: string; readonly agent: Json; readonly entries: ReadonlyArray<Entry> } =
  JSON.parse(readFileSync(new URL("../fixtures/go-admission-recorded.json", import.meta.url), "utf8"))

const bodyOf = (c: Case): Buffer => {
  const body = c.bodyBase64 === true ? Buffer.from(c.body, "base64") : Buffer.from(c.body, "utf8")
  return c.padTo !== undefined && c.padTo > body.length ? Buffer.concat([body, Buffer.alloc(c.padTo - body.length, 0x20)]) : body
}

const send = (port: number, ca: string, c: Case) =>
  Effect.promise(() =>
    new Promise<Recorded>((resolve) => {
      const body = bodyOf(c)
      const headers: Record<string, string | Array<string>> = {}
      if (c.contentType !== null) headers["content-type"] = typeof c.contentType === "string" ? c.contentType : [...c.contentType]
      if (c.chunked === true) headers["transfer-encoding"] = "chunked"
      else headers["content-length"] = String(body.length)
      const req = httpsRequest({ host: "127.0.0.1", port, ca, agent: false, path: c.path, method: c.method, headers }, (res) => {
        const chunks: Array<Buffer> = []
        res.on("data", (chunk: Buffer) => chunks.push(chunk))
        res.on("end", () =>
          resolve({ httpStatus: res.statusCode ?? 0, contentType: String(res.headers["content-type"] ?? ""), body: Buffer.concat(chunks).toString("utf8") }))
      })
      req.on("error", (error: NodeJS.ErrnoException) => resolve({ httpStatus: -1, contentType: "", body: error.code ?? error.message }))
      if (c.chunked === true) {
        // two chunks, so the body really arrives chunked
        const half = Math.floor(body.length / 2)
        if (half > 0) req.write(body.subarray(0, half))
        req.end(body.subarray(half))
      } else req.end(body)
    })
  )

const parse = (text: string): Json => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** Go's round-trip noise in a pod patch (the API server drops it): what is left changes the pod. */
const effectivePatch = (response: Json): ReadonlyArray<Json> => {
  if (typeof response?.patch !== "string") return []
  const ops: ReadonlyArray<Json> = JSON.parse(Buffer.from(response.patch, "base64").toString("utf8"))
  return ops.filter((op) =>
    !(op.path === "/metadata/creationTimestamp" || op.path === "/status" || (/\/resources$/.test(op.path) && JSON.stringify(op.value) === "{}")))
}

/** The fields compared, as `field -> value` (undefined: absent). */
const view = (r: Recorded): Record<string, unknown> => {
  const json = parse(r.body)
  const res = json?.response
  return {
    httpStatus: r.httpStatus,
    contentType: r.contentType,
    json: json !== undefined,
    apiVersion: json?.apiVersion,
    kind: json?.kind,
    uid: res?.uid,
    allowed: res?.allowed,
    "status.code": res?.status?.code,
    "status.message": res?.status?.message,
    "status.reason": res?.status?.reason,
    patchType: res?.patchType,
    patches: res === undefined ? undefined : effectivePatch(res).length > 0,
    warnings: res?.warnings === undefined ? undefined : res.warnings.length > 0
  }
}

export interface Difference {
  readonly name: string
  readonly field: string
  readonly go: unknown
  readonly ours: unknown
}

const differences = (name: string, go: Recorded, ours: Recorded): ReadonlyArray<Difference> => {
  const g = view(go), o = view(ours)
  return Object.keys(g).filter((k) => JSON.stringify(g[k]) !== JSON.stringify(o[k])).map((field) => ({ name, field, go: g[field], ours: o[field] }))
}

/**
 * Differences accounted for: `field` and a test on the case name and both values. Each
 * says why; the README line it rests on is quoted where there is one.
 */
const rx = (pattern: RegExp) => (d: Difference) => pattern.test(d.name)
const partA = (d: Difference) => d.name.startsWith("validate ") && !d.name.startsWith("validate malformed")
const isMessage = (d: Difference) => d.field === "status.message"
/** What D1 changes in a validation answer: the verdict and its words; the HTTP status, versions and uid stay Go's. */
const verdictFields = new Set(["allowed", "status.code", "status.message", "status.reason", "warnings"])

export const explained: ReadonlyArray<{ readonly why: string; readonly matches: (d: Difference) => boolean }> = [
  {
    why: "Go: controller-runtime sets no Content-Type, net/http sniffs the JSON as text/plain; the API server decodes either (Go quirk, not copied)",
    matches: (d) => d.field === "contentType" && d.go === "text/plain; charset=utf-8" && d.ours === "application/json"
  },
  {
    why: "message text of an answer to a review neither can decode: Go quotes encoding/json, ours names the field (both code 400)",
    matches: (d) => isMessage(d) && typeof d.go === "string" && /^(json: |couldn't get version\/kind)/.test(d.go)
  },
  {
    why: "Go's universal deserializer accepts any apiVersion/kind, handles the request and echoes them (a missing one is left out of the answer); ours answers untyped 400 (API servers send only v1/v1beta1)",
    matches: rx(/malformed: (apiVersion v2|apiVersion v1 \(core\)|kind Pod apiVersion v1|kind AdmissionReviewX|kind admissionreview \(case\)|apiVersion only|kind only|kind null)$/)
  },
  {
    why: "a body that is present but empty of JSON (chunked and empty, whitespace, `null`): Go decodes an empty review and answers typed; ours answers untyped (README: untyped for an empty body)",
    matches: (d) => /malformed: (empty body, chunked|whitespace body|JSON null)$/.test(d.name) && ["apiVersion", "kind", "status.message"].includes(d.field)
  },
  {
    why: "controller-runtime's io.LimitedReader refuses a body of exactly 7340032 bytes (N reaches 0) while saying `limit is 7340032 bytes`; ours takes up to 7340032 (README: 413 for a body over 7 MiB)",
    matches: rx(/padded to 7340032 bytes/)
  },
  {
    why: "README: a body above 1 MiB is admitted untouched (PodTooLarge)",
    matches: (d) => /^pod malformed: body padded to 7340031/.test(d.name) && ["patchType", "patches"].includes(d.field)
  },
  {
    why: "JSON with a duplicate `request` key: Go's encoding/json merges both objects, JSON.parse keeps the last (never sent by an API server)",
    matches: rx(/duplicate request key/)
  },
  {
    why: "README: ours admits any operation but a pod's CREATE (a subresource included) unchanged, where the Go handler mutates everything but DELETE (and answers 400 when it finds no object to decode)",
    matches: (d) => d.name.startsWith("pod ") && /(: \{\}|no request|request null|request \{\}|Request \(capitalised key\)|response instead of request|operation missing|operation null|operation PATCH|operation empty|: UPDATE|: CONNECT|subResource ephemeralcontainers|subResource status UPDATE)$/.test(d.name)
  },
  {
    why: "PodAdmission: only a Pod's CREATE is mutated (request.kind other than Pod is admitted untouched); Go decodes the object whatever request.kind says",
    matches: rx(/^pod unusual: request\.kind (Deployment|WhatapAgent, object pod)$/)
  },
  {
    why: "PodAdmission: a pod is never refused (an object Go cannot decode as a Pod gets 400 there; the API server only sends valid pods)",
    matches: rx(/^pod (malformed|unusual): (object string|object number|object array|object is a WhatapAgent|object is a Deployment|pod spec string|pod containers number)$/)
  },
  {
    why: "README: a pod no target matches gets no patch, where the Go operator returned three operations (round-trip noise)",
    matches: (d) => d.field === "patchType" && /(pod not matching|pod already injected|v1beta1 not matching)$/.test(d.name)
  },
  {
    why: "README D8: a matched pod that cannot be injected (its namespace is unknown) gets whatap-apm-injected: \"false\" and whatap-apm-reason",
    matches: (d) => d.field === "patches" && /namespace (missing everywhere|that does not exist)$/.test(d.name)
  },
  {
    why: "README: /whatap-validation--v2alpha1-monitors is new (Go: 404)",
    matches: rx(/^monitors path/)
  },
  {
    why: "Go's validator decodes oldObject too and answers 400 when it cannot; ours judges the new object only (the API server's stored oldObject always decodes; Go registers no DELETE)",
    matches: rx(/(UPDATE|DELETE) oldObject spec string$/)
  },
  {
    why: "Validating: subresources and kinds other than the four WhaTap kinds are admitted (the latter with a warning); Go decodes the object whatever request.kind or subResource says (Go registers whatapagents only, no subresource)",
    matches: rx(/^validate (CREATE subResource status, prod|UPDATE subResource status, ruby|CREATE request\.kind Pod, object WhatapAgent prod|CREATE request\.kind Deployment, object WhatapAgent ruby)$/)
  },
  {
    why: "README D1 (Validation, and the webhooks' 'Deliberate differences (besides D1's validation ...)'): errors deny with 422 Invalid and field paths, warnings travel as admission warnings, a WhatapAgent not named whatap is a warning (row `agent-name`), CRD types/required fields/enums/selectors/duplicates are errors; Go denies a name other than whatap with 403 and a field of the wrong type with 400",
    matches: (d) => (partA(d) && verdictFields.has(d.field)) || /^validate malformed: object (string|number|array)$/.test(d.name)
  }
]

/**
 * D1 changes a validation verdict in two ways only: ours denies with 422 Invalid (an error
 * finding), or Go denied with 403 a WhatapAgent not named `whatap` and ours admits it with a
 * warning. Same verdicts pass.
 */
const d1Verdict = (go: Record<string, unknown>, ours: Record<string, unknown>): boolean =>
  go["allowed"] === ours["allowed"] ||
  (ours["allowed"] === false && ours["status.code"] === 422) ||
  (go["allowed"] === false && go["status.code"] === 403 && ours["allowed"] === true && ours["warnings"] === true)

const credentials = { license: Redacted.make("L"), host: "H", port: "6600" }

describe("the Go operator's admission webhooks over HTTP, recorded", () => {
  it.live(`answers ${fixture.entries.length} recorded requests as Go does, or as documented`, () =>
    Effect.gen(function*() {
      const { ca, serving } = yield* pki
      const agent = Option.getOrUndefined(Decode.as("WhatapAgent", fixture.agent).value)
      assert.isDefined(agent)
      const { port } = yield* AdmissionServer.serve({
        host: "127.0.0.1",
        port: 0,
        tls: serving,
        routes: {
          [Naming.webhook.podPath]: PodAdmission.handler({
            context: (name) =>
              Effect.succeed({
                agent,
                namespace: name === "default" ? { name, labels: {} } : undefined,
                operatorNamespace: Naming.defaultNamespace,
                credentials
              })
          }),
          [Naming.webhook.agentPath]: Validating.handler,
          [Naming.webhook.monitorsPath]: Validating.handler
        }
      })
      const all: Array<Difference & { readonly why: string | undefined }> = []
      for (const entry of fixture.entries) {
        const ours = yield* send(port, ca.cert, entry.input)
        for (const d of differences(entry.input.name, entry.go, ours)) all.push({ ...d, why: explained.find((e) => e.matches(d))?.why })
        const name = entry.input.name
        // (requests explained otherwise: an unreadable oldObject, a subresource, another kind)
        const d1 = name.startsWith("validate ") && !/^validate malformed|oldObject spec string$|subResource|request\.kind/.test(name)
        if (d1 && !d1Verdict(view(entry.go), view(ours))) {
          all.push({ name, field: "D1 verdict", go: view(entry.go), ours: view(ours), why: undefined })
        }
      }
      if (process.env["ADMISSION_DIFF_OUT"] !== undefined) writeFileSync(process.env["ADMISSION_DIFF_OUT"], JSON.stringify(all, null, 1))
      const unexplained = all.filter((d) => d.why === undefined)
      assert.deepStrictEqual(unexplained, [], `${unexplained.length} unexplained differences`)
    }), 300_000)
})

/**
 * The validating handler behind the real HTTPS server at the Go operator's path: what the
 * API server would read for a valid sample, an invalid fixture and a licensed resource.
 */
import { assert, describe, it } from "@effect/vitest"
import { Naming } from "@whatap-operator/core"
import { Effect } from "effect"
import { readFileSync } from "node:fs"
import YAML from "yaml"
import { AdmissionServer, Validating } from "../../src/index.ts"
import { answer, decodeReview, keepAliveAgent, pki, request, reviewBody, slow } from "./support.ts"

const load = (url: URL): unknown => YAML.parse(readFileSync(url, "utf8"))

describe("Validating behind AdmissionServer", () => {
  it.live("admits a sample, denies a fixture with its paths, never sends the license", () =>
    Effect.gen(function*() {
      const { ca, serving } = yield* pki
      const { port } = yield* AdmissionServer.serve({
        host: "127.0.0.1",
        port: 0,
        tls: serving,
        routes: { [Naming.webhook.agentPath]: Validating.handler }
      })
      const agent = yield* keepAliveAgent(ca.cert)
      const post = (object: unknown) =>
        Effect.flatMap(answer(agent, port, { path: `${Naming.webhook.agentPath}?timeout=10s`, body: reviewBody(request({ object })) }), (reply) =>
          Effect.map(decodeReview(reply), (review) => ({ reply, response: review.response })))

      const sample = yield* post(load(new URL("../../../../deploy/samples/whatap-agent-complete.yaml", import.meta.url)))
      assert.deepStrictEqual(sample.response, { uid: request().uid, allowed: true, status: { metadata: {}, code: 200 } })

      const fixture = yield* post(load(new URL("../../../core/test/fixtures/rejected-template.yaml", import.meta.url)))
      assert.isFalse(fixture.response.allowed)
      assert.strictEqual(fixture.response.status?.code, 422)
      assert.deepStrictEqual(fixture.response.status?.details?.causes?.map((c) => c.field), ["spec.features"])

      const license = "LIC-0123456789-abcdef"
      const licensed = yield* post({ apiVersion: "monitoring.whatap.com/v2alpha1", kind: "WhatapAgent", metadata: { name: "whatap" }, spec: { license, port: 1, features: { [license]: 1 } } })
      assert.isFalse(licensed.response.allowed)
      assert.notInclude(licensed.reply.body, license)
    }), slow)
})

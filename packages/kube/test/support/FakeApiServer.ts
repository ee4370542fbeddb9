/**
 * A fake API server for the live layer's tests: msw at the socket level (node:https is what
 * the live layer sends with), a kubeconfig that points at it, a record of every request the
 * fake saw, and builders for Status bodies, lists and streamed watch bodies.
 */
import { HttpRequestInterceptor } from "@mswjs/interceptors/http"
import { Effect, Layer } from "effect"
import { http, HttpResponse } from "msw"
import { defineNetwork, InterceptorSource } from "msw/experimental"
import { afterAll, afterEach, beforeAll } from "vitest"
import { KubeClient } from "../../src/KubeClient.ts"
import type { KubeObject } from "../../src/KubeObject.ts"
import type * as Live from "../../src/internal/live.ts"

export const server = "https://k8s.test"

export const kubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: fake
  cluster:
    server: ${server}
    insecure-skip-tls-verify: true
users:
- name: fake
  user:
    token: abc
contexts:
- name: fake
  context:
    cluster: fake
    user: fake
current-context: fake
`

export interface Seen {
  readonly method: string
  readonly url: URL
  readonly headers: Headers
  readonly body: string
  /** Aborted when the client gives the request up. */
  readonly signal: AbortSignal
}

type Method = "get" | "post" | "put" | "patch" | "delete"

/** Answers the `n`th request (from 0) to a route. */
export type Respond = (request: Seen, n: number) => Response | Promise<Response>

/**
 * Installs the network for the enclosing test file. `route` adds a handler that records the
 * request in `seen` (before answering, so a test sees it once the client has its answer);
 * routes and `seen` are cleared after each test.
 */
export const useFakeApiServer = () => {
  const seen: Array<Seen> = []
  const network = defineNetwork({
    sources: [new InterceptorSource({ interceptors: [new HttpRequestInterceptor()] })],
    context: { quiet: true },
    onUnhandledFrame: "error",
    handlers: []
  })
  beforeAll(() => network.enable())
  afterEach(() => {
    network.resetHandlers()
    seen.length = 0
  })
  afterAll(() => network.disable())
  const route = (method: Method, path: string, respond: Respond, origin = server) => {
    let n = 0
    network.use(
      http[method](`${origin}${path}`, async ({ request }) => {
        const entry = {
          method: request.method,
          url: new URL(request.url),
          headers: request.headers,
          body: await request.text(),
          signal: request.signal
        }
        seen.push(entry)
        return respond(entry, n++)
      })
    )
  }
  return { seen, route }
}

/** The live layer against the fake server; short backoffs so retry tests stay fast. */
export const layer = (options: Omit<Live.Options, "kubeconfigData"> = {}) =>
  KubeClient.layer({ ...options, kubeconfigData: kubeconfig, retry: { baseDelay: "5 millis", ...options.retry } })

export const provideLive = (options: Omit<Live.Options, "kubeconfigData"> = {}) =>
  <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.provide(self, Layer.fresh(layer(options)))

export const status = (code: number, reason: string, message: string, extra: Record<string, unknown> = {}) =>
  HttpResponse.json({ kind: "Status", apiVersion: "v1", status: "Failure", message, reason, code, ...extra }, { status: code })

export const configMap = (name: string, resourceVersion: string, data: Record<string, string> = {}): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: "ns", resourceVersion, uid: `uid-${name}` },
  data
})

/** A list body as the API server writes it: items without apiVersion and kind. */
export const listBody = (items: ReadonlyArray<KubeObject>, resourceVersion: string, next?: string) => ({
  apiVersion: "v1",
  kind: "ConfigMapList",
  metadata: next === undefined ? { resourceVersion } : { resourceVersion, continue: next },
  items: items.map(({ apiVersion: _a, kind: _k, ...rest }) => rest)
})

export type Frame =
  | { readonly type: "ADDED" | "MODIFIED" | "DELETED"; readonly object: KubeObject }
  | { readonly type: "BOOKMARK"; readonly resourceVersion: string }
  | { readonly type: "ERROR"; readonly code: number; readonly reason: string; readonly message: string }
  | { readonly raw: string }
  | { readonly cut: true }
  | { readonly pause: number }

const line = (frame: Exclude<Frame, { readonly cut: true } | { readonly pause: number }>): string => {
  if ("raw" in frame) return frame.raw
  if (frame.type === "BOOKMARK") {
    const object = { kind: "ConfigMap", apiVersion: "v1", metadata: { resourceVersion: frame.resourceVersion } }
    return `${JSON.stringify({ type: "BOOKMARK", object })}\n`
  }
  if (frame.type === "ERROR") {
    const object = { kind: "Status", apiVersion: "v1", status: "Failure", code: frame.code, reason: frame.reason, message: frame.message }
    return `${JSON.stringify({ type: "ERROR", object })}\n`
  }
  return `${JSON.stringify(frame)}\n`
}

/**
 * The pause before a `{ cut: true }` that must not lose the frames before it: a stream's
 * error discards what its reader has not taken yet, so the client gets time to read them
 * first (20 ms was too little on a busy machine: a clean-clone run lost an event and waited
 * out its 30 s timeout).
 */
export const beforeCut: Frame = { pause: 250 }

/**
 * A streamed watch body: each frame a line, `{ pause }` waits, `{ cut: true }` breaks the
 * connection mid-stream (lines the client has not read yet are lost: put `beforeCut`
 * before it), and the body ends normally after the last frame otherwise.
 */
export const watchBody = (frames: ReadonlyArray<Frame>, options: { readonly hold?: boolean } = {}) => {
  const encoder = new TextEncoder()
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      for (const frame of frames) {
        if ("cut" in frame) return controller.error(new Error("connection cut"))
        if ("pause" in frame) await new Promise((resolve) => setTimeout(resolve, frame.pause))
        else controller.enqueue(encoder.encode(line(frame)))
      }
      // `hold` keeps the call open like a watch that has nothing to say.
      if (options.hold !== true) controller.close()
    }
  })
  return new HttpResponse(body, { headers: { "content-type": "application/json" } })
}

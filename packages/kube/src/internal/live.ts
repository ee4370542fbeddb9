/**
 * The live layer of KubeClient: each verb as the HTTP request the API server expects
 * (`reads.ts`, `writes.ts`), sent by `call.ts` over our own keep-alive Agent with the
 * kubeconfig's credentials (`config.ts`). Bodies go out as JSON and come back decoded at
 * the edge (`decode.ts`). Typed client-node APIs are not used: their models drop fields
 * they do not know (ADR 0004).
 */
import { Duration, Effect, type Scope } from "effect"
import type { KubeConfigError } from "../KubeConfigError.ts"
import type { Shape } from "../KubeClient.ts"
import { type CallOptions, makeCaller, type RequestEvent, type Verb } from "./call.ts"
import * as Config from "./config.ts"
import { reads } from "./reads.ts"
import type { RetryOptions } from "./retry.ts"
import { writes } from "./writes.ts"

export type { RequestEvent, RetryOptions, Verb }

export interface Options extends Config.ConfigSource {
  /** Deadline of each attempt of a non-watch call, and of a watch's response headers (default 30 s). */
  readonly timeout?: Duration.Input | undefined
  readonly retry?: RetryOptions | undefined
  /** A bound on a response body (default 256 MiB). */
  readonly maxResponseBytes?: number | undefined
  /** Called after each HTTP attempt, e.g. to count API calls per verb. */
  readonly observe?: ((event: RequestEvent) => Effect.Effect<void>) | undefined
}

export const defaultTimeout = Duration.seconds(30)
export const defaultMaxResponseBytes = 256 * 1024 * 1024

/** The client of a kubeconfig; its connections close with the scope (the layer's). */
export const make = (options: Options): Effect.Effect<Shape, KubeConfigError, Scope.Scope> =>
  Effect.map(Config.endpoint(options), (endpoint) => {
    const callOptions: CallOptions = {
      timeout: Duration.fromInputUnsafe(options.timeout ?? defaultTimeout),
      retry: options.retry,
      maxResponseBytes: options.maxResponseBytes ?? defaultMaxResponseBytes,
      observe: options.observe
    }
    const caller = makeCaller(endpoint, callOptions)
    return { ...reads(caller), ...writes(caller) }
  })

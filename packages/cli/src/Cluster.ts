/**
 * What the commands that talk to a live cluster (`plan`, `doctor`) share: the KubeClient
 * of @whatap-operator/kube (the operator's own client) built from `--kubeconfig` and
 * `--context`, and one-line descriptions of its errors. A kubeconfig that cannot be read is
 * an I/O error (exit 2) before anything is contacted; the commands decide what a failed
 * call means for them.
 */
import { Naming } from "@whatap-operator/core"
import { ApiResource, KubeClient, type KubeError, type KubeObject } from "@whatap-operator/kube"
import { Duration, Effect, Layer, Option } from "effect"
import type { Parsed } from "./Args.ts"
import { type Io, IoError } from "./Io.ts"
import * as Progress from "./Progress.ts"

/**
 * Each call gets 15 s and two retries (reads only, as the client decides): an interactive
 * command should say "unreachable" in well under a minute, not retry like the operator.
 */
export const clientOptions = { timeout: Duration.seconds(15), retry: { retries: 2, maxDelay: Duration.seconds(2) } } as const

/**
 * The live client of `--kubeconfig`/`--context`; an unusable kubeconfig fails with IoError.
 * Building it runs the user's exec credential plugin, if any, which may wait for a login
 * (or never return): after a second stderr says so, as for every slow step.
 */
export const layer = (parsed: Parsed): Layer.Layer<KubeClient, IoError, Io> =>
  Layer.effectContext(
    Layer.build(KubeClient.layer({ kubeconfig: parsed.values.get("kubeconfig"), context: parsed.values.get("context"), ...clientOptions })).pipe(
      Progress.during("reading the credentials of the kubeconfig's user (an exec credential plugin may be waiting for a login)"),
      Effect.catchTag("KubeConfigError", (e) => Effect.fail(new IoError({ message: `cannot use the kubeconfig: ${e.message}` })))
    )
  )

/** `Forbidden: pods is forbidden: User "x" cannot list ... (GET /api/v1/pods)`. */
export const describe = (e: KubeError): string => `${e.reason}: ${e.message} (${e.operation})`

/** Whether the connection failed its TLS check of the server's certificate (the kube layer's wording). */
export const isUntrusted = (e: KubeError): boolean => e.reason === "Unavailable" && e.message.includes("x509: certificate signed by unknown authority")

/** Whether the failure means the API server was not reached, or did not answer (a 502/503 of a proxy in front of it). */
export const isUnreachable = (e: KubeError): boolean => e.reason === "Unavailable" || e.reason === "Timeout"

/**
 * A 404 with the API server's plain page instead of a Status (`... "whatap" not found`): it
 * does not serve the resource at all, i.e. its CRD is not installed.
 */
export const isUnserved = (e: KubeError): boolean => e.reason === "NotFound" && e.message.trim() === "404 page not found"

/** The WhatapAgent `whatap` as the cluster stores it, when there is one, and whether the cluster lacks its CRD. */
export const currentAgent = Effect.flatMap(Effect.service(KubeClient), (kube) =>
  kube.get(ApiResource.WhatapAgent, Naming.agentName).pipe(
    Effect.map((stored) => ({ stored: Option.some(stored), crdMissing: false })),
    Effect.catchIf((e) => e.reason === "NotFound", (e) => Effect.succeed({ stored: Option.none<KubeObject.KubeObject>(), crdMissing: isUnserved(e) }))
  ))

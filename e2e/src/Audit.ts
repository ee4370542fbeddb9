/**
 * The API server's audit log, read from the test side: who made which request, as the
 * server saw it. kube-apiserver writes one JSON event per line (`--audit-log-format=json`)
 * at level Metadata for every request of the policy below, so a spec can count an
 * operator's writes or list the calls it made and compare them with its RBAC role.
 *
 * Events become visible a little after the client has its response: in blocking mode the
 * ResponseComplete event is written by the request's goroutine after the handler returned.
 * `flush` closes that gap with a marker request: once the marker's own event is in the
 * file, every request that was answered before `flush` started is in the file too.
 */
import { randomBytes } from "node:crypto"
import { readFile, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { CoreV1Api, type KubeConfig } from "@kubernetes/client-node"
import { Duration, Effect, Schedule, Schema } from "effect"
import { ControlPlaneError } from "./ControlPlaneError.ts"
import * as Pki from "./Pki.ts"

/** The users whose reads are not audited: the control plane's own components (see Pki). */
export const COMPONENT_USERS: ReadonlyArray<string> = ["system:apiserver", ...Pki.COMPONENTS.map(Pki.userOf)]

/**
 * Level Metadata (who, what, when, outcome; no bodies) for everything, except the reads of
 * the control plane's components, which are most of the traffic and which no spec asks
 * about. Their writes stay (the garbage collector's deletes, for instance). Every request
 * of any other user, service accounts included, is kept. RequestReceived is omitted: it
 * doubles the log, and ResponseComplete (or ResponseStarted for a watch) says the same.
 */
export const POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
  - level: None
    users: [${COMPONENT_USERS.map((user) => JSON.stringify(user)).join(", ")}]
    verbs: ["get", "list", "watch"]
  - level: Metadata
`

/** The log's file name in the work directory. */
export const LOG_FILE = "audit.log"

export interface Files {
  readonly policy: string
  readonly log: string
}

/** Writes the policy into `dir`; returns the policy and log paths. */
export const writePolicy = Effect.fn("Audit.writePolicy")(function*(dir: string) {
  const files: Files = { policy: join(dir, "audit-policy.yaml"), log: join(dir, LOG_FILE) }
  yield* Effect.tryPromise({
    try: () => writeFile(files.policy, POLICY),
    catch: (error) => new ControlPlaneError({ step: "audit policy", message: String(error) })
  })
  return files
})

/** kube-apiserver flags for the audit log. No rotation: one file for the whole run. */
export const apiServerFlags = (files: Files): ReadonlyArray<string> => [
  `--audit-policy-file=${files.policy}`,
  `--audit-log-path=${files.log}`,
  "--audit-log-format=json",
  // 0 = a plain append-only file (no lumberjack rotation renaming it under a reader).
  "--audit-log-maxsize=0",
  // The event is written before the request's goroutine moves on (no batching delay).
  "--audit-log-mode=blocking"
]

const ObjectRef = Schema.Struct({
  resource: Schema.optionalKey(Schema.String),
  namespace: Schema.optionalKey(Schema.String),
  name: Schema.optionalKey(Schema.String),
  apiGroup: Schema.optionalKey(Schema.String),
  apiVersion: Schema.optionalKey(Schema.String),
  subresource: Schema.optionalKey(Schema.String)
})

const UserInfo = Schema.Struct({
  username: Schema.optionalKey(Schema.String),
  groups: Schema.optionalKey(Schema.Array(Schema.String))
})

/** One audit.k8s.io/v1 Event, the fields specs read (the rest is dropped on decode). */
export const Event = Schema.Struct({
  auditID: Schema.String,
  stage: Schema.String,
  verb: Schema.String,
  requestURI: Schema.String,
  user: UserInfo,
  impersonatedUser: Schema.optionalKey(UserInfo),
  userAgent: Schema.optionalKey(Schema.String),
  objectRef: Schema.optionalKey(ObjectRef),
  responseStatus: Schema.optionalKey(Schema.Struct({ code: Schema.optionalKey(Schema.Number) })),
  requestReceivedTimestamp: Schema.String,
  stageTimestamp: Schema.String
})
export type Event = typeof Event.Type

const decodeLine = Schema.decodeUnknownEffect(Schema.fromJsonString(Event))

/**
 * Parses the log's text. A last line without its newline is being written right now and
 * is left out; any other line that is not an event is an error.
 */
export const parse = Effect.fn("Audit.parse")(function*(text: string) {
  const lines = text.split("\n")
  const complete = lines.slice(0, -1).filter((line) => line.trim() !== "")
  return yield* Effect.forEach(complete, (line, index) =>
    decodeLine(line).pipe(
      Effect.mapError((error) =>
        new ControlPlaneError({ step: "audit log", message: `line ${index + 1} is not an audit event: ${error.message}` })
      )
    ))
})

const readText = (path: string) =>
  Effect.tryPromise({
    try: () => readFile(path, "utf8"),
    catch: (error) => new ControlPlaneError({ step: "audit log", message: String(error) })
  })

export const read = Effect.fn("Audit.read")(function*(path: string) {
  return yield* parse(yield* readText(path))
})

export interface Filter {
  /** Only requests the server received at or after this instant. */
  readonly since?: Date
  /** Only requests of this user, e.g. `system:serviceaccount:ns:name`. */
  readonly user?: string
}

const MARKER_PREFIX = "e2e-audit-marker-"

/** `flush`'s own requests; no filter result contains them. */
export const isMarker = (event: Event): boolean => event.objectRef?.name?.startsWith(MARKER_PREFIX) === true

export const matches = (event: Event, filter: Filter): boolean =>
  !isMarker(event) &&
  (filter.user === undefined || event.user.username === filter.user) &&
  (filter.since === undefined || Date.parse(event.requestReceivedTimestamp) >= filter.since.getTime())

/** The events of the log at `path` that pass `filter` (never a `flush` marker), in the order written. */
export const events = Effect.fn("Audit.events")(function*(path: string, filter: Filter = {}) {
  return (yield* read(path)).filter((event) => matches(event, filter))
})

const WRITE_VERBS: ReadonlySet<string> = new Set(["create", "update", "patch", "delete", "deletecollection"])

/** The events whose verb changes state (create, update, patch, delete, deletecollection). */
export const writes = (events: ReadonlyArray<Event>): ReadonlyArray<Event> =>
  events.filter((event) => WRITE_VERBS.has(event.verb))

/** One distinct request shape, as an RBAC rule would have to allow it. */
export interface Call {
  readonly verb: string
  /** "" for the core group. */
  readonly apiGroup: string
  readonly resource: string
  readonly subresource?: string
  readonly namespace?: string
  readonly name?: string
  /** Set instead of the resource fields for a non-resource request (`/healthz`, `/version`). */
  readonly nonResourceURL?: string
}

const callOf = (event: Event): Call => {
  const ref = event.objectRef
  if (ref?.resource === undefined) {
    return { verb: event.verb, apiGroup: "", resource: "", nonResourceURL: event.requestURI.split("?")[0] ?? "" }
  }
  return {
    verb: event.verb,
    apiGroup: ref.apiGroup ?? "",
    resource: ref.resource,
    ...(ref.subresource === undefined ? {} : { subresource: ref.subresource }),
    ...(ref.namespace === undefined ? {} : { namespace: ref.namespace }),
    ...(ref.name === undefined ? {} : { name: ref.name })
  }
}

const callKey = (call: Call): string =>
  [call.apiGroup, call.resource, call.subresource, call.namespace, call.name, call.nonResourceURL, call.verb]
    .map((part) => part ?? "")
    .join("\u0000")

/**
 * The distinct calls behind `events`, sorted (group, resource, subresource, namespace,
 * name, URL, verb) so the list reads the same on every run.
 */
export const calls = (events: ReadonlyArray<Event>): ReadonlyArray<Call> => {
  const byKey = new Map<string, Call>()
  for (const event of events) {
    const call = callOf(event)
    byKey.set(callKey(call), call)
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, call]) => call)
}

const MARKER_NAMESPACE = "default"
const RESPONSE_COMPLETE = `"stage":"ResponseComplete"`

/**
 * Waits until every request answered before this call is in the log at `path`: sends a GET
 * for a ConfigMap that does not exist (a unique name; 404, no write) with `kubeConfig`'s
 * credentials and polls the log every 50 ms until that request's event is there.
 */
export const flush = Effect.fn("Audit.flush")(function*(
  path: string,
  kubeConfig: KubeConfig,
  timeout: Duration.Input = "10 seconds"
) {
  const marker = `${MARKER_PREFIX}${randomBytes(6).toString("hex")}`
  const core = kubeConfig.makeApiClient(CoreV1Api)
  // 404 is the expected answer; only the request's event matters.
  yield* Effect.tryPromise(() => core.readNamespacedConfigMap({ name: marker, namespace: MARKER_NAMESPACE })).pipe(
    Effect.ignore
  )
  // A text search, not a parse: the log grows with the run and this polls every 50 ms.
  const seen = readText(path).pipe(
    Effect.flatMap((text) =>
      text.split("\n").slice(0, -1).some((line) => line.includes(marker) && line.includes(RESPONSE_COMPLETE))
        ? Effect.void
        : Effect.fail(new ControlPlaneError({ step: "audit flush", message: `no event for ${marker} yet` }))
    )
  )
  yield* seen.pipe(
    // A log that cannot be read is an error at once, not after the timeout.
    Effect.retry({ schedule: Schedule.spaced("50 millis"), while: (error) => error.step === "audit flush" }),
    Effect.timeoutOrElse({
      duration: timeout,
      orElse: () =>
        Effect.fail(new ControlPlaneError({
          step: "audit flush",
          message: `the marker request ${marker} did not reach ${path} within ${Duration.format(Duration.fromInputUnsafe(timeout))}`
        }))
    })
  )
})

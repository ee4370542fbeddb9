/**
 * The client's endpoint from a kubeconfig, read by `@kubernetes/client-node` (the only
 * thing that package does for us): the server URL, a keep-alive Agent carrying the TLS
 * material, and the per-request headers (Authorization, impersonation) that its
 * authenticators compute. Loaded only when a kubeconfig is used (`config.ts` imports this
 * module on demand), so the operator in its pod never loads client-node.
 */
import * as fs from "node:fs"
import * as http from "node:http"
import * as https from "node:https"
import * as path from "node:path"
import { KubeConfig } from "@kubernetes/client-node"
import { Effect, type Scope } from "effect"
import { KubeConfigError } from "../KubeConfigError.ts"
import { KubeError } from "../KubeError.ts"
import type { ConfigSource, Endpoint } from "./config.ts"
import { cached, type Headers } from "./credentials.ts"

const describe = (source: ConfigSource): string =>
  source.kubeconfigData !== undefined ? "kubeconfig data" : source.kubeconfig ?? "default kubeconfig locations"

/** A kubeconfig is a few KiB; no more than this is read from one (an endless file such as /dev/zero included). */
export const maxKubeconfigBytes = 16 * 1024 * 1024

const tooLarge = `it is larger than ${maxKubeconfigBytes / (1024 * 1024)} MiB (a kubeconfig is a few KiB)`

/** What a file system error means, in words (node's message is `ENOENT: no such file or directory, open '...'`). */
const fileErrors: Readonly<Record<string, string>> = {
  ENOENT: "no such file or directory",
  EISDIR: "is a directory, not a kubeconfig file",
  EACCES: "permission denied",
  ENOTDIR: "a part of the path is not a directory"
}

const fileError = (cause: Error): string | undefined => {
  const code: unknown = Reflect.get(cause, "code")
  const path: unknown = Reflect.get(cause, "path")
  const reason = typeof code === "string" ? fileErrors[code] : undefined
  return reason === undefined ? undefined : typeof path === "string" ? `${path}: ${reason}` : reason
}

/**
 * Why loading failed, in words that quote nothing of the file: js-yaml's message shows
 * the lines around a syntax error, and a kubeconfig's lines hold tokens and keys. A
 * syntax error is its reason and place; anything else its first line.
 */
const reasonOf = (cause: unknown): string => {
  if (!(cause instanceof Error)) return String(cause).split("\n")[0] ?? ""
  const file = fileError(cause)
  if (file !== undefined) return file
  const reason: unknown = Reflect.get(cause, "reason")
  const mark: unknown = Reflect.get(cause, "mark")
  if (cause.name === "YAMLException" && typeof reason === "string") {
    const line = typeof mark === "object" && mark !== null ? Reflect.get(mark, "line") : undefined
    const column = typeof mark === "object" && mark !== null ? Reflect.get(mark, "column") : undefined
    const at = typeof line === "number" && typeof column === "number" ? ` at line ${line + 1}, column ${column + 1}` : ""
    // some reasons quote the file (`unknown tag !<...>`, `unidentified alias "..."`): a
    // password can start with `!` or `*`, so only the words before a quoted part are kept
    const words = reason.split(/["'`!<*&]/)[0]?.trim() ?? ""
    return `invalid YAML${at}: ${words === "" ? "syntax error" : words}`
  }
  return cause.message.split("\n")[0] ?? ""
}

/** The message names the kubeconfig: "deficient indentation (2:1)" alone does not say which file. */
const configError = (source: ConfigSource) => (cause: unknown) => {
  const where = describe(source)
  const why = reasonOf(cause)
  return new KubeConfigError({ source: where, message: why.includes(where) ? why : `${where}: ${why}` })
}

/** A file's text, read up to `maxKubeconfigBytes` (a pipe such as `<(vault read ...)` included). */
const readBounded = (file: string): string => {
  const fd = fs.openSync(file, "r")
  try {
    const chunks: Array<Buffer> = []
    const buffer = Buffer.alloc(64 * 1024)
    let total = 0
    for (let n = fs.readSync(fd, buffer); n > 0; n = fs.readSync(fd, buffer)) {
      total += n
      if (total > maxKubeconfigBytes) throw new Error(tooLarge)
      chunks.push(Buffer.from(buffer.subarray(0, n)))
    }
    return Buffer.concat(chunks).toString("utf8")
  } finally {
    fs.closeSync(fd)
  }
}

/** client-node's `loadFromFile`, with the read bounded: relative certificate paths resolve against the file's directory. */
const loadFile = (kc: KubeConfig, file: string): void => {
  kc.loadFromString(readBounded(file))
  kc.makePathsAbsolute(path.dirname(file))
}

/** A file of `$KUBECONFIG`'s list or `~/.kube/config`, refused when it is a device (an endless one such as /dev/zero). */
const notDevice = (file: string): void => {
  const stat = fs.statSync(file, { throwIfNoEntry: false })
  if (stat !== undefined && (stat.isCharacterDevice() || stat.isBlockDevice())) throw new Error(`${file} is a device, not a kubeconfig file`)
}

/**
 * client-node's `loadFromDefault` with every file read bounded: `$KUBECONFIG`'s list
 * (the first file, then each of the others merged into it; as kubectl, files of a longer
 * list that do not exist are left out, unless none does), else `~/.kube/config` when it
 * exists, else what client-node finds without a file (the in-cluster config).
 */
const loadDefault = (kc: KubeConfig): void => {
  const all = (process.env["KUBECONFIG"] ?? "").split(path.delimiter).filter((f) => f !== "")
  const present = all.filter((f) => fs.existsSync(f))
  const listed = all.length > 1 && present.length > 0 ? present : all
  const home = process.env["HOME"]
  const fallback = home === undefined ? undefined : path.join(home, ".kube", "config")
  const files = listed.length > 0 ? listed : fallback !== undefined && fs.existsSync(fallback) ? [fallback] : []
  const [first, ...others] = files
  if (first === undefined) return kc.loadFromDefault()
  for (const file of files) notDevice(file)
  loadFile(kc, first)
  for (const file of others) {
    const next = new KubeConfig()
    loadFile(next, file)
    kc.mergeConfig(next)
  }
}

const load = (source: ConfigSource): Effect.Effect<KubeConfig, KubeConfigError> =>
  Effect.try({
    try: () => {
      const kc = new KubeConfig()
      if (source.kubeconfigData !== undefined) kc.loadFromString(source.kubeconfigData)
      else if (source.kubeconfig !== undefined) loadFile(kc, source.kubeconfig)
      else loadDefault(kc)
      return kc
    },
    catch: configError(source)
  }).pipe(
    Effect.flatMap((kc) => {
      const context = source.context
      if (context === undefined) return Effect.succeed(kc)
      if (kc.getContextObject(context) === null) {
        return Effect.fail(configError(source)(`context "${context}" is not in the kubeconfig`))
      }
      kc.setCurrentContext(context)
      return Effect.succeed(kc)
    })
  )

/**
 * A failed exec credential plugin, named: client-node's error is the plugin's stderr alone,
 * empty when the plugin printed nothing. The command is the kubeconfig's, never a secret.
 */
const credentialError = (kc: KubeConfig, cause: unknown): unknown => {
  const exec: unknown = kc.getCurrentUser()?.exec
  const command: unknown = typeof exec === "object" && exec !== null ? Reflect.get(exec, "command") : undefined
  if (typeof command !== "string") return cause
  const said = (cause instanceof Error ? cause.message : String(cause)).trim()
  return new Error(`the credential plugin ${JSON.stringify(command)} failed${said === "" ? " without a message" : `: ${said}`}`)
}

/** The options client-node computes for one request: TLS material, headers, basic auth. */
const applied = (kc: KubeConfig): Promise<https.RequestOptions> => {
  const options: https.RequestOptions = {}
  return kc.applyToHTTPSOptions(options).then(() => options, (cause: unknown) => Promise.reject(credentialError(kc, cause)))
}

const headersOf = (options: https.RequestOptions): Headers => {
  const out: Record<string, string> = {}
  const raw = options.headers
  if (raw !== undefined && !Array.isArray(raw)) {
    for (const [name, value] of Object.entries(raw)) {
      if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : String(value)
    }
  }
  if (options.auth !== undefined && options.auth !== null) {
    out["Authorization"] = `Basic ${Buffer.from(options.auth).toString("base64")}`
  }
  return out
}

/**
 * Our own keep-alive Agent with the kubeconfig's TLS material; client-node's agents do not
 * keep connections alive. A cluster with a `proxy-url` keeps client-node's proxy agent.
 */
const makeAgent = (kc: KubeConfig, options: https.RequestOptions, secure: boolean): http.Agent => {
  if (kc.getCurrentCluster()?.proxyUrl !== undefined && options.agent instanceof http.Agent) return options.agent
  if (!secure) return new http.Agent({ keepAlive: true })
  const tls: https.AgentOptions = { keepAlive: true }
  if (options.ca !== undefined) tls.ca = options.ca
  if (options.cert !== undefined) tls.cert = options.cert
  if (options.key !== undefined) tls.key = options.key
  if (options.pfx !== undefined) tls.pfx = options.pfx
  if (options.passphrase !== undefined) tls.passphrase = options.passphrase
  if (options.servername !== undefined) tls.servername = options.servername
  if (options.rejectUnauthorized !== undefined) tls.rejectUnauthorized = options.rejectUnauthorized
  return new https.Agent(tls)
}

/** What client-node falls back to when it finds no kubeconfig and no in-cluster service account. */
const nothingFound = (kc: KubeConfig, source: ConfigSource): boolean =>
  source.kubeconfig === undefined && source.kubeconfigData === undefined &&
  kc.getCurrentContext() === "loaded-context" && kc.getCurrentCluster()?.server === "http://localhost:8080"

const serverOf = (kc: KubeConfig, source: ConfigSource): Effect.Effect<URL, KubeConfigError> => {
  if (nothingFound(kc, source)) {
    return Effect.fail(configError(source)("no kubeconfig ($KUBECONFIG, ~/.kube/config) and no in-cluster service account"))
  }
  const cluster = kc.getCurrentCluster()
  if (cluster === null || cluster.server === "") {
    return Effect.fail(configError(source)("the current context has no cluster with a server"))
  }
  const url = URL.parse(cluster.server)
  if (url === null || (url.protocol !== "https:" && url.protocol !== "http:")) {
    return Effect.fail(configError(source)(`server "${cluster.server}" is not an http(s) URL`))
  }
  if (url.protocol === "http:" && cluster.skipTLSVerify !== true) {
    return Effect.fail(configError(source)("a plain http server needs insecure-skip-tls-verify"))
  }
  return Effect.succeed(url)
}

/** The endpoint of the kubeconfig's current (or the given) context; the Agent closes with the scope. */
export const endpoint = (source: ConfigSource): Effect.Effect<Endpoint, KubeConfigError, Scope.Scope> =>
  Effect.gen(function*() {
    const kc = yield* load(source)
    const server = yield* serverOf(kc, source)
    const first = yield* Effect.tryPromise({ try: () => applied(kc), catch: configError(source) })
    const secure = server.protocol === "https:"
    const agent = yield* Effect.acquireRelease(
      Effect.sync(() => makeAgent(kc, first, secure)),
      (agent) => Effect.sync(() => agent.destroy())
    )
    const [headers, refreshHeaders] = yield* Effect.tryPromise({
      try: () => applied(kc),
      catch: (cause) =>
        new KubeError({
          reason: "Unauthorized",
          operation: "authenticate",
          message: `credentials from the kubeconfig: ${cause instanceof Error ? cause.message : String(cause)}`,
          status: 0
        })
    }).pipe(Effect.map(headersOf), cached)
    return { server, transport: secure ? https.request : http.request, agent, headers, refreshHeaders }
  })

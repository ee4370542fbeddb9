/**
 * What the Python and Node.js strategies share (spec 5.4, 5.6): the app-info values read
 * from the target's envs, the init container env with them, and the connection block
 * both append in the same order under their own env names.
 */
import type { KubeTypes } from "@whatap-operator/core"
import * as Credentials from "../Credentials.ts"
import * as Env from "../Env.ts"
import * as Names from "../Names.ts"
import type { EnvVar } from "../Pod.ts"
import type { Input } from "./Strategy.ts"

/** The value of the LAST target env of that name (the Go loop has no break), "" when absent or valueFrom. */
export const lastValue = (envs: ReadonlyArray<KubeTypes.EnvVar>, name: string): string =>
  envs.reduce((found, e) => (e.name === name ? e.value ?? "" : found), "")

/** WHATAP_LICENSE/HOST/PORT, then app_name, app_process_name, OKIND (always, "" when unset). */
export const initEnvWithApp = (envs: ReadonlyArray<KubeTypes.EnvVar>, resolved: Credentials.Resolved): ReadonlyArray<EnvVar> => [
  ...Credentials.initEnv(resolved),
  Env.literal(Names.env.appName, lastValue(envs, Names.env.appName)),
  Env.literal(Names.env.appProcessName, lastValue(envs, Names.env.appProcessName)),
  Env.literal(Names.env.okind, lastValue(envs, Names.env.okind))
]

export interface ConnectionNames {
  readonly license: string
  readonly host: string
  readonly port: string
}

/**
 * license, host, port, app_name (the target's, else the container name), app_process_name,
 * WHATAP_HOME, whatap.micro.enabled, NODE_IP, NODE_NAME, POD_NAME, then OKIND when the
 * target sets a non-empty one.
 */
export const connection = (input: Input, names: ConnectionNames): ReadonlyArray<EnvVar> => {
  const envs = input.target.envs ?? []
  const okind = lastValue(envs, Names.env.okind)
  return [
    Credentials.envVar(names.license, input.credentials.license),
    Credentials.envVar(names.host, input.credentials.host),
    Credentials.envVar(names.port, input.credentials.port),
    Env.literal(Names.env.appName, lastValue(envs, Names.env.appName) || input.container.name),
    Env.literal(Names.env.appProcessName, lastValue(envs, Names.env.appProcessName)),
    Env.literal(Names.env.home, Names.agentMountPath),
    Env.literal(Names.env.microEnabled, "true"),
    ...Env.downward,
    ...(okind === "" ? [] : [Env.literal(Names.env.okind, okind)])
  ]
}

/** The names a language forces over existing entries (the rest of the connection block is added only when absent). */
export const forced = (names: ConnectionNames): ReadonlySet<string> =>
  new Set([names.license, names.host, names.port, Names.env.home, Names.env.microEnabled, Names.env.nodeIp, Names.env.nodeName, Names.env.podName])

/** A colon-separated path list loads the agent when `directory` is one of its elements. */
export const onPath = (directory: string): Env.Needs => ({
  loads: (value) => value.split(":").includes(directory),
  has: `includes ${directory}`,
  lacks: `does not include ${directory}`
})

/** Colon-separated path lists: the agent's directory goes first, the application's follows. */
export const pathAugmentation = (name: string, directory: string): Env.Augmentation => ({
  name,
  entry: "last",
  loads: onPath(directory).loads,
  join: (existing) => (existing === "" ? directory : `${directory}:${existing}`),
  unexpandedIsHarmless: true
})

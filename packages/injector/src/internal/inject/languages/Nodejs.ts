/**
 * Node.js (spec 5.6): the connection block under WHATAP_LICENSE / WHATAP_SERVER_HOST /
 * WHATAP_SERVER_PORT, NODE_PATH with the agent's node_modules, NODE_OPTIONS with
 * `-r whatap` (which starts the agent) and WHATAP_NODEJS_AGENT_PATH.
 *
 * Deliberate difference (spec 10.2): the Go operator left an existing NODE_OPTIONS or
 * NODE_PATH unchanged, so the agent silently did not load. Here `-r whatap` goes in
 * front of the application's NODE_OPTIONS (first, so the agent is required before any
 * other preloaded module, as upstream WhaTap's later helper does) and the agent's
 * node_modules in front of NODE_PATH; `valueFrom` entries are aliased (`Env.augment`),
 * except an optional NODE_OPTIONS source, which is left alone with a warning.
 */
import * as Env from "../Env.ts"
import * as Names from "../Names.ts"
import { envOf } from "../Pod.ts"
import { connection, forced, initEnvWithApp, pathAugmentation } from "./Common.ts"
import type { Strategy } from "./Strategy.ts"

const names = { license: Names.nodejs.license, host: Names.nodejs.host, port: Names.nodejs.port }
const force = forced(names)

const requiresAgent = /(^|\s)(-r|--require)(\s+|=)whatap(\s|$)/

export const nodePath = pathAugmentation(Names.nodejs.path, Names.nodejs.modules)

export const nodeOptions: Env.Augmentation = {
  name: Names.nodejs.options,
  entry: "last",
  loads: (value) => requiresAgent.test(value),
  join: (existing) => (existing === "" ? Names.nodejs.require : `${Names.nodejs.require} ${existing}`),
  unexpandedIsHarmless: false
}

export const strategy: Strategy = {
  initEnv: (target, credentials) => initEnvWithApp(target.envs ?? [], credentials),
  containerEnv: (input) => {
    const path = Env.augment(envOf(input.container), nodePath, input.reserved)
    const options = Env.augment(path.env, nodeOptions, input.reserved)
    const incoming = [
      ...connection(input, names),
      Env.literal(Names.nodejs.path, Names.nodejs.modules),
      Env.literal(Names.nodejs.options, Names.nodejs.require),
      Env.literal(Names.nodejs.agentPath, Names.nodejs.agent)
    ]
    const name = input.container.name
    return {
      env: Env.combine(options.env, incoming, (n) => force.has(n)),
      warnings: [
        ...Env.describeAugmented(name, Names.nodejs.path, path.result, true),
        ...Env.describeAugmented(name, Names.nodejs.options, options.result, true)
      ]
    }
  }
}

/**
 * Node.js (spec 5.6): the connection block under WHATAP_LICENSE / WHATAP_SERVER_HOST /
 * WHATAP_SERVER_PORT, NODE_PATH with the agent's node_modules, NODE_OPTIONS with
 * `-r whatap` (which starts the agent) and WHATAP_NODEJS_AGENT_PATH.
 *
 * An application's own NODE_OPTIONS wins unchanged, as in the Go operator (its unit test
 * asserts it, spec 7); a warning on the pod says when it does not require the agent. Its
 * own NODE_PATH is kept as well, except where the Go operator's pod could not start: when
 * NODE_OPTIONS ends up requiring `whatap` (the operator's `-r whatap`, or the
 * application's own, or may: a `valueFrom` one), node must find the module, so the
 * agent's node_modules goes in front of the application's NODE_PATH (a `valueFrom` one is
 * aliased, `Env.augment`); an extra directory on the path is harmless otherwise.
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

export const nodeOptions: Env.Needs = {
  loads: (value) => requiresAgent.test(value),
  has: `requires the agent (${Names.nodejs.require})`,
  lacks: `does not require the agent (${Names.nodejs.require})`
}

export const strategy: Strategy = {
  initEnv: (target, credentials) => initEnvWithApp(target.envs ?? [], credentials),
  containerEnv: (input) => {
    const own = envOf(input.container)
    const options = Env.kept(own, Names.nodejs.options, nodeOptions)
    const mayRequire = options._tag !== "Literal"
    const path = mayRequire ? Env.augment(own, nodePath, input.reserved) : { env: own, result: { _tag: "Absent" } as const }
    const incoming = [
      ...connection(input, names),
      Env.literal(Names.nodejs.path, Names.nodejs.modules),
      Env.literal(Names.nodejs.options, Names.nodejs.require),
      Env.literal(Names.nodejs.agentPath, Names.nodejs.agent)
    ]
    const name = input.container.name
    return {
      env: Env.combine(path.env, incoming, (n) => force.has(n)),
      warnings: [
        ...Env.describeAugmented(name, Names.nodejs.path, path.result, true),
        ...Env.describeKept(name, Names.nodejs.options, options, nodeOptions)
      ]
    }
  }
}

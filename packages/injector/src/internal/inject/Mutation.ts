/**
 * The pod mutation for one selected target (spec 5.4-5.8), pure: image pull secrets,
 * the init container at the end of `initContainers`, the custom config and plugin
 * volumes, the agent volume unless present, each application container's env (language
 * step, then the target's envs) and agent mount, and the annotations. Every object it
 * does not change is the input's own object, so unknown fields survive and the diff to
 * the input is exactly this mutation.
 *
 * Before mutating, `conflict` refuses pods the result would make invalid (spec 10.6): a
 * container already named `whatap-agent-init`, or an application container that already
 * mounts `/whatap-agent` (D8 reasons ConflictInitContainer, ConflictMount).
 */
import { Naming, type Instrumentation } from "@whatap-operator/core"
import * as Credentials from "./Credentials.ts"
import * as Env from "./Env.ts"
import * as InitContainer from "./InitContainer.ts"
import * as PodResources from "./PodResources.ts"
import * as Names from "./Names.ts"
import * as PodSecurity from "./PodSecurity.ts"
import type { Reason } from "./Outcome.ts"
import {
  annotationsOf, type Container, containersOf, type EnvVar, envOf, initContainersOf, type LocalObjectReference, mountsOf, type Pod, volumesOf
} from "./Pod.ts"
import * as Registry from "./languages/Registry.ts"
import type { Strategy } from "./languages/Strategy.ts"

const agentMount = { name: Names.agentVolume, mountPath: Names.agentMountPath }

/** The directory a mount path names, as the container runtime resolves it: `/whatap-agent/`, `//whatap-agent/.` are `/whatap-agent`. */
const cleanPath = (path: string): string => {
  const parts: Array<string> = []
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue
    if (part === "..") parts.pop()
    else parts.push(part)
  }
  return `/${parts.join("/")}`
}

export const conflict = (pod: Pod): { readonly reason: Reason; readonly message: string } | undefined => {
  const all = [...initContainersOf(pod), ...containersOf(pod)]
  if (all.some((c) => c.name === Names.initContainer)) {
    return { reason: "ConflictInitContainer", message: `the pod already has a container named ${Names.initContainer}` }
  }
  const mounting = containersOf(pod).find((c) => mountsOf(c).some((m) => cleanPath(m.mountPath) === Names.agentMountPath))
  if (mounting !== undefined) {
    return { reason: "ConflictMount", message: `container ${JSON.stringify(mounting.name)} already mounts ${Names.agentMountPath}` }
  }
  return undefined
}

/** The pod with `entries` added to its annotations and the keys in `remove` dropped. */
export const annotate = (pod: Pod, entries: Readonly<Record<string, string>>, remove: ReadonlyArray<string> = []): Pod => {
  const kept = Object.fromEntries(Object.entries(annotationsOf(pod)).filter(([k]) => !remove.includes(k) || Object.hasOwn(entries, k)))
  return { ...pod, metadata: { ...(pod.metadata ?? {}), annotations: { ...kept, ...entries } } }
}

/** The target's secrets not on the pod yet, by name, appended once each; no key added when none is new. */
const pullSecrets = (pod: Pod, target: Instrumentation.TargetSpec): { readonly imagePullSecrets?: ReadonlyArray<LocalObjectReference> } => {
  const existing = pod.spec.imagePullSecrets ?? []
  const seen = new Set(existing.map((s) => s.name ?? ""))
  const added: Array<LocalObjectReference> = []
  for (const { name } of target.imagePullSecrets ?? []) {
    if (seen.has(name)) continue
    seen.add(name)
    // Go writes a reference without a name as {} (omitempty)
    added.push(name === "" ? {} : { name })
  }
  return added.length === 0 ? {} : { imagePullSecrets: [...existing, ...added] }
}

const sameList = (a: ReadonlyArray<unknown>, b: ReadonlyArray<unknown>): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i])

interface Injected<A> {
  readonly value: A
  readonly warnings: ReadonlyArray<string>
}

const container = (
  c: Container,
  strategy: Strategy,
  target: Instrumentation.TargetSpec,
  targetEnvs: ReadonlyArray<EnvVar>,
  credentials: Credentials.Resolved
): Injected<Container> => {
  const reserved = new Set(targetEnvs.map((e) => e.name))
  const language = strategy.containerEnv({ container: c, target, credentials, reserved })
  const env = targetEnvs.length === 0 ? language.env : Env.combine(language.env, targetEnvs, (name) => !Names.managed.has(name))
  // A container whose env does not change keeps its `env` field exactly (absent stays absent).
  const withEnv = sameList(env, envOf(c)) ? c : { ...c, env }
  return { value: { ...withEnv, volumeMounts: [...mountsOf(c), agentMount] }, warnings: language.warnings }
}

export interface Result {
  readonly pod: Pod
  readonly version: string
  readonly image: string
  readonly warnings: ReadonlyArray<string>
}

/** Spec 5.4 steps 1-6, 5.5, 5.6 and the annotations of 5.8; the init container fits a restricted namespace (PodSecurity.ts). */
export const inject = (
  pod: Pod,
  target: Instrumentation.TargetSpec,
  index: number,
  instrumentation: Instrumentation.InstrumentationSpec,
  operator: Credentials.Credentials,
  namespaceLabels: Readonly<Record<string, string>>
): Result => {
  const version = InitContainer.version(target)
  const image = InitContainer.image(target, version)
  const strategy = Registry.forLanguage(target.language)
  const credentials = Credentials.resolve(target.envs ?? [], operator)
  const volumes = volumesOf(pod)
  const config = InitContainer.agentConfig(target, index, volumes)
  const base = InitContainer.securityContext(target.initContainerSecurity, instrumentation.initContainerSecurity)
  const security = PodSecurity.initSecurity(base, namespaceLabels, pod.spec, target.name)
  const fitted = PodResources.fit(InitContainer.resources(target.initContainerResources, instrumentation.initContainerResources), pod.spec, target.name)
  const init = InitContainer.build({
    image,
    env: strategy.initEnv(target, credentials),
    config,
    securityContext: security.securityContext,
    resources: fitted.resources
  })
  // the target's envs as Go writes them into the pod, once for every container
  const targetEnvs = (target.envs ?? []).map(Env.goForm)
  const containers = containersOf(pod).map((c) => container(c, strategy, target, targetEnvs, credentials))
  const hasAgentVolume = volumes.some((v) => v.name === Names.agentVolume)
  const spec = {
    ...pod.spec,
    ...pullSecrets(pod, target),
    initContainers: [...initContainersOf(pod), init],
    volumes: [...volumes, ...config.volumes, ...(hasAgentVolume ? [] : [{ name: Names.agentVolume, emptyDir: {} }])],
    containers: containers.map((c) => c.value)
  }
  const annotations = { [Naming.apmAnnotations.injected]: "true", [Naming.apmAnnotations.language]: target.language, [Naming.apmAnnotations.version]: version }
  const reused = hasAgentVolume ? [`the pod already has a volume named ${Names.agentVolume}; the agent is copied into it`] : []
  return {
    pod: annotate({ ...pod, spec }, annotations, [Naming.apmAnnotations.reason]),
    version,
    image,
    warnings: [...config.warnings, ...security.warnings, ...fitted.warnings, ...reused, ...containers.flatMap((c) => c.warnings)]
  }
}

/**
 * The agent init container `whatap-agent-init` (spec 5.4) and the custom `whatap.conf`
 * and plugin ConfigMaps it copies (spec 5.5): image, version, security context and
 * resources with their precedence, the extra volumes, and the exact `sh -c` command.
 *
 * A custom-config or plugin volume whose name the pod already uses is skipped with a
 * warning, as in Go. Beyond Go, a custom config that would mount at `/whatap-agent` or
 * `/whatap-plugin`, or use the agent volume's name, is skipped the same way: those would
 * give the init container two mounts at one path (an invalid pod) or a read-only agent
 * directory.
 */
import { Images, type Instrumentation, type KubeTypes, Quantity } from "@whatap-operator/core"
import * as Names from "./Names.ts"
import type { EnvVar, Volume, VolumeMount } from "./Pod.ts"

type Security = Instrumentation.InitContainerSecurity

// Own keys only: a language such as "constructor" must not read Object.prototype.
export const version = (target: Instrumentation.TargetSpec): string => {
  const versions = target.whatapApmVersions
  const own = versions !== undefined && Object.hasOwn(versions, target.language) ? versions[target.language] : undefined
  return Images.firstOf([typeof own === "string" ? own : undefined], Names.defaultVersion)
}

/** `customImageFullName`, then the deprecated `customImageName`, then `apm-init-<language>:<version>`. */
export const image = (target: Instrumentation.TargetSpec, agentVersion: string): string =>
  Images.firstOf([target.customImageFullName, target.customImageName], Images.apmInit(target.language, agentVersion))

const isGiven = (s: Security | undefined): s is Security => s !== undefined && (s.runAsNonRoot !== undefined || s.runAsUser !== undefined)

/** Only the fields given; Go's field order (runAsUser before runAsNonRoot). */
const only = (s: Security): Security => ({
  ...(s.runAsUser === undefined ? {} : { runAsUser: s.runAsUser }),
  ...(s.runAsNonRoot === undefined ? {} : { runAsNonRoot: s.runAsNonRoot })
})

/** Target's fields, else the instrumentation's, else `runAsNonRoot: true` without a UID (OpenShift SCC assigns one). */
export const securityContext = (target: Security | undefined, instrumentation: Security | undefined): Security =>
  isGiven(target) ? only(target) : isGiven(instrumentation) ? only(instrumentation) : { runAsNonRoot: true }

/** Limits only, so namespaces with a ResourceQuota accept the pod (requests default to limits). */
export const defaultResources: KubeTypes.ResourceRequirements = { limits: { cpu: "200m", memory: "256Mi" } }

type ResourceList = NonNullable<KubeTypes.ResourceRequirements["limits"]>

/** A resource list as Go writes it: keys sorted, each quantity in its canonical text (`0.1` is `100m`, `1` is `"1"`). */
const goList = (list: ResourceList): ResourceList =>
  Object.fromEntries(Object.keys(list).sort().map((k) => [k, String(Quantity.canonical(list[k] as string | number))]))

/** The target's (`{}` included: no resources), else the instrumentation's, else the default; quantities as Go writes them. */
export const resources = (
  target: KubeTypes.ResourceRequirements | undefined,
  instrumentation: KubeTypes.ResourceRequirements | undefined
): KubeTypes.ResourceRequirements => {
  const chosen = target ?? instrumentation ?? defaultResources
  return {
    ...chosen,
    ...(chosen.limits === undefined ? {} : { limits: goList(chosen.limits) }),
    ...(chosen.requests === undefined ? {} : { requests: goList(chosen.requests) })
  }
}

export interface ConfigVolume {
  readonly name: string
  readonly configMap: { readonly name: string }
}

/** What spec 5.5 adds: pod volumes, init mounts, the steps around `/init.sh`, and warnings. */
export interface AgentConfig {
  readonly volumes: ReadonlyArray<ConfigVolume>
  readonly mounts: ReadonlyArray<VolumeMount>
  readonly pre: ReadonlyArray<string>
  readonly post: ReadonlyArray<string>
  readonly warnings: ReadonlyArray<string>
}

const none: AgentConfig = { volumes: [], mounts: [], pre: [], post: [], warnings: [] }

const customConfig = (target: Instrumentation.TargetSpec, index: number, taken: ReadonlySet<string>): AgentConfig => {
  const config = target.config
  if (config?.mode !== "custom" || config.configMapRef === undefined) return none
  const volume = Images.firstOf([config.volumeName], Names.configVolume)
  const mountPath = Images.firstOf([config.mountPath], Names.configMountPath)
  const field = `targets[${index}].config`
  if (taken.has(volume) || volume === Names.agentVolume) {
    return { ...none, warnings: [`target ${JSON.stringify(target.name)}: custom whatap.conf not copied: the pod already has a volume named ${JSON.stringify(volume)}; set ${field}.volumeName to a unique name`] }
  }
  const bare = mountPath.replace(/\/+$/, "")
  // the plugin path is taken only when the plugin ConfigMap is mounted there too
  if (bare === Names.agentMountPath || (bare === Names.pluginMountPath && config.pluginConfigMapRef !== undefined)) {
    return { ...none, warnings: [`target ${JSON.stringify(target.name)}: custom whatap.conf not copied: ${field}.mountPath ${JSON.stringify(mountPath)} is a path the agent uses; choose another`] }
  }
  return {
    volumes: [{ name: volume, configMap: { name: config.configMapRef.name } }],
    mounts: [{ name: volume, mountPath }],
    pre: [`cp ${mountPath}/whatap.conf ${Names.agentMountPath}/`, `chmod 644 ${Names.agentMountPath}/whatap.conf`],
    post: [],
    warnings: []
  }
}

const plugins = (target: Instrumentation.TargetSpec, taken: ReadonlySet<string>): AgentConfig => {
  const ref = target.config?.pluginConfigMapRef
  if (ref === undefined) return none
  if (taken.has(Names.pluginVolume)) {
    return { ...none, warnings: [`target ${JSON.stringify(target.name)}: plugin files not copied: the pod already has a volume named ${JSON.stringify(Names.pluginVolume)}; rename that volume`] }
  }
  return {
    volumes: [{ name: Names.pluginVolume, configMap: { name: ref.name } }],
    mounts: [{ name: Names.pluginVolume, mountPath: Names.pluginMountPath }],
    pre: [],
    post: [
      `mkdir -p ${Names.pluginDir}`,
      `cp -L ${Names.pluginMountPath}/* ${Names.pluginDir}/ 2>/dev/null || true`,
      `chmod 644 ${Names.pluginDir}/* 2>/dev/null || true`
    ],
    warnings: []
  }
}

/** Custom config first, then plugins; the plugin check sees the custom config's volume, as in Go. */
export const agentConfig = (target: Instrumentation.TargetSpec, index: number, podVolumes: ReadonlyArray<Volume>): AgentConfig => {
  const taken = new Set(podVolumes.map((v) => v.name))
  const custom = customConfig(target, index, taken)
  const plugin = plugins(target, new Set([...taken, ...custom.volumes.map((v) => v.name)]))
  return {
    volumes: [...custom.volumes, ...plugin.volumes],
    mounts: [...custom.mounts, ...plugin.mounts],
    pre: [...custom.pre, ...plugin.pre],
    post: [...custom.post, ...plugin.post],
    warnings: [...custom.warnings, ...plugin.warnings]
  }
}

/** `sh -c "<pre> && <init.sh> && <post>"` when there is a step; the image's own CMD otherwise. */
const command = (config: AgentConfig): { readonly command?: ReadonlyArray<string>; readonly args?: ReadonlyArray<string> } =>
  config.pre.length === 0 && config.post.length === 0
    ? {}
    : { command: ["sh", "-c"], args: [[...config.pre, Names.initScriptStep, ...config.post].join(" && ")] }

export interface Parts {
  readonly image: string
  readonly env: ReadonlyArray<EnvVar>
  readonly config: AgentConfig
  /** `securityContext` above, or PodSecurity.ts's restricted form of it */
  readonly securityContext: object
  readonly resources: KubeTypes.ResourceRequirements
}

/** Field order of spec 5.10 (`command`/`args` after the pull policy). */
export const build = (parts: Parts) => ({
  name: Names.initContainer,
  image: parts.image,
  imagePullPolicy: "Always",
  ...command(parts.config),
  ...(parts.env.length === 0 ? {} : { env: parts.env }),
  volumeMounts: [{ name: Names.agentVolume, mountPath: Names.agentMountPath }, ...parts.config.mounts],
  securityContext: parts.securityContext,
  resources: parts.resources
})

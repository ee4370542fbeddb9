/**
 * `features.apm.instrumentation`: which pods the admission webhook instruments and how.
 * Targets are ordered (first match wins). A target's `enabled` has no default and its
 * `language` is an unvalidated string in the Go CRD (the enum markers were trailing
 * comments that controller-gen ignored), so both are kept that way here: `language` is
 * a `TargetLanguage`, a known language or any other string.
 */
import { Schema } from "effect"
import { about, boolDefault, Int64, opt, StringMap } from "./internal/Field.ts"
import { EnvVar, LocalObjectReference, ResourceRequirements } from "./KubeTypes.ts"
import { TargetLanguage } from "./Language.ts"
import { NamespaceSelector, PodSelector } from "./Scrape.ts"

export const InitContainerSecurity = Schema.Struct({
  runAsNonRoot: opt(Schema.Boolean.pipe(about("runAsNonRoot of the init container"))),
  runAsUser: opt(Int64.pipe(about("runAsUser of the init container")))
})
export type InitContainerSecurity = typeof InitContainerSecurity.Type

export const ConfigMapRef = Schema.Struct({ name: Schema.String.pipe(about("ConfigMap name, in the namespace of the pod")) })

export const ConfigMode = Schema.Literals(["default", "custom"])
export type ConfigMode = typeof ConfigMode.Type

/** `volumeName`/`mountPath` default to `config-volume`/`/config-volume` in code. */
export const AgentConfig = Schema.Struct({
  mode: opt(ConfigMode.pipe(about("custom copies whatap.conf from configMapRef into the agent"))),
  configMapRef: opt(ConfigMapRef.pipe(about("ConfigMap with the key whatap.conf (mode custom)"))),
  volumeName: opt(Schema.String.pipe(about("Name of the volume holding the ConfigMap (default config-volume)"))),
  mountPath: opt(Schema.String.pipe(about("Where the init container mounts the ConfigMap (default /config-volume)"))),
  pluginConfigMapRef: opt(ConfigMapRef.pipe(about("ConfigMap whose keys are copied to /whatap-agent/plugin/ (any mode)")))
})
export type AgentConfig = typeof AgentConfig.Type

export const TargetSpec = Schema.Struct({
  name: Schema.String.pipe(about("Name of the target (logs, annotations and whatapctl explain)")),
  enabled: Schema.Boolean.pipe(about("Use this target; required, no default")),
  language: TargetLanguage.pipe(about("java, python and nodejs get their own injection; any other value gets the generic init container")),
  whatapApmVersions: opt(StringMap.pipe(about("Agent version per language (for example java: 2.2.58); default latest"))),
  customImageFullName: opt(Schema.String.pipe(about("Full init-container image reference; highest precedence"))),
  customImageName: opt(Schema.String.pipe(about("Deprecated full init-container image reference; second precedence"))),
  additionalArgs: opt(StringMap.pipe(about("Parsed but unused by the Go operator"))),
  envs: opt(Schema.Array(EnvVar).pipe(about("Environment variables added to the application containers; WHATAP_LICENSE/HOST/PORT here override the credentials"))),
  namespaceSelector: opt(NamespaceSelector.pipe(about("Namespaces whose pods this target instruments"))),
  podSelector: opt(PodSelector.pipe(about("Pods this target instruments"))),
  config: opt(AgentConfig.pipe(about("Agent configuration file and plugins from ConfigMaps"))),
  initContainerSecurity: opt(InitContainerSecurity.pipe(about("Init container security; overrides the instrumentation-level setting"))),
  initContainerResources: opt(ResourceRequirements.pipe(about("Init container resources; override the instrumentation-level setting"))),
  imagePullSecrets: opt(Schema.Array(LocalObjectReference).pipe(about("Pull secrets appended to the pod (deduplicated by name)")))
})
export type TargetSpec = typeof TargetSpec.Type

/** `enabled` defaults to true only when the `instrumentation` object exists. */
export const InstrumentationSpec = Schema.Struct({
  enabled: boolDefault(true, "Master switch of the injection webhook"),
  initContainerSecurity: opt(InitContainerSecurity.pipe(about("Init container security for every target"))),
  initContainerResources: opt(ResourceRequirements.pipe(about("Init container resources for every target"))),
  targets: opt(Schema.Array(TargetSpec).pipe(about("Ordered targets; the first that matches a pod wins")))
})
export type InstrumentationSpec = typeof InstrumentationSpec.Type

export const ApmSpec = Schema.Struct({
  instrumentation: opt(InstrumentationSpec.pipe(about("Which pods get an APM agent and how")))
})
export type ApmSpec = typeof ApmSpec.Type

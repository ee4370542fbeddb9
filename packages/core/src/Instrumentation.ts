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
  runAsNonRoot: opt(Schema.Boolean),
  runAsUser: opt(Int64)
})
export type InitContainerSecurity = typeof InitContainerSecurity.Type

export const ConfigMapRef = Schema.Struct({ name: Schema.String })

export const ConfigMode = Schema.Literals(["default", "custom"])
export type ConfigMode = typeof ConfigMode.Type

/** `volumeName`/`mountPath` default to `config-volume`/`/config-volume` in code. */
export const AgentConfig = Schema.Struct({
  mode: opt(ConfigMode),
  configMapRef: opt(ConfigMapRef),
  volumeName: opt(Schema.String),
  mountPath: opt(Schema.String),
  pluginConfigMapRef: opt(ConfigMapRef)
})
export type AgentConfig = typeof AgentConfig.Type

export const TargetSpec = Schema.Struct({
  name: Schema.String,
  enabled: Schema.Boolean,
  language: TargetLanguage,
  whatapApmVersions: opt(StringMap.pipe(about("Agent version per language (for example java: 2.2.58); default latest"))),
  customImageFullName: opt(Schema.String.pipe(about("Full init-container image reference; highest precedence"))),
  customImageName: opt(Schema.String.pipe(about("Deprecated full init-container image reference; second precedence"))),
  additionalArgs: opt(StringMap.pipe(about("Parsed but unused by the Go operator"))),
  envs: opt(Schema.Array(EnvVar)),
  namespaceSelector: opt(NamespaceSelector.pipe(about("Namespaces whose pods this target instruments"))),
  podSelector: opt(PodSelector.pipe(about("Pods this target instruments"))),
  config: opt(AgentConfig),
  initContainerSecurity: opt(InitContainerSecurity),
  initContainerResources: opt(ResourceRequirements),
  imagePullSecrets: opt(Schema.Array(LocalObjectReference))
})
export type TargetSpec = typeof TargetSpec.Type

/** `enabled` defaults to true only when the `instrumentation` object exists. */
export const InstrumentationSpec = Schema.Struct({
  enabled: boolDefault(true),
  initContainerSecurity: opt(InitContainerSecurity),
  initContainerResources: opt(ResourceRequirements),
  targets: opt(Schema.Array(TargetSpec))
})
export type InstrumentationSpec = typeof InstrumentationSpec.Type

export const ApmSpec = Schema.Struct({
  instrumentation: opt(InstrumentationSpec)
})
export type ApmSpec = typeof ApmSpec.Type

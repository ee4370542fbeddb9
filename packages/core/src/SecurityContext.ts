/**
 * core/v1 PodSecurityContext and (container) SecurityContext as embedded in the WhaTap
 * CRDs, with their nested profiles and options (Kubernetes 1.33 schema).
 */
import { Schema } from "effect"
import { Int64, atomicList, opt } from "./internal/Field.ts"

export const AppArmorProfile = Schema.Struct({
  localhostProfile: opt(Schema.String),
  type: Schema.String
})

export const SeccompProfile = Schema.Struct({
  localhostProfile: opt(Schema.String),
  type: Schema.String
})

export const SELinuxOptions = Schema.Struct({
  level: opt(Schema.String),
  role: opt(Schema.String),
  type: opt(Schema.String),
  user: opt(Schema.String)
})

export const WindowsSecurityContextOptions = Schema.Struct({
  gmsaCredentialSpec: opt(Schema.String),
  gmsaCredentialSpecName: opt(Schema.String),
  hostProcess: opt(Schema.Boolean),
  runAsUserName: opt(Schema.String)
})

export const Sysctl = Schema.Struct({ name: Schema.String, value: Schema.String })

export const Capabilities = Schema.Struct({
  add: opt(atomicList(Schema.String)),
  drop: opt(atomicList(Schema.String))
})

export const PodSecurityContext = Schema.Struct({
  appArmorProfile: opt(AppArmorProfile),
  fsGroup: opt(Int64),
  fsGroupChangePolicy: opt(Schema.String),
  runAsGroup: opt(Int64),
  runAsNonRoot: opt(Schema.Boolean),
  runAsUser: opt(Int64),
  seLinuxChangePolicy: opt(Schema.String),
  seLinuxOptions: opt(SELinuxOptions),
  seccompProfile: opt(SeccompProfile),
  supplementalGroups: opt(atomicList(Int64)),
  supplementalGroupsPolicy: opt(Schema.String),
  sysctls: opt(atomicList(Sysctl)),
  windowsOptions: opt(WindowsSecurityContextOptions)
})
export type PodSecurityContext = typeof PodSecurityContext.Type

export const SecurityContext = Schema.Struct({
  allowPrivilegeEscalation: opt(Schema.Boolean),
  appArmorProfile: opt(AppArmorProfile),
  capabilities: opt(Capabilities),
  privileged: opt(Schema.Boolean),
  procMount: opt(Schema.String),
  readOnlyRootFilesystem: opt(Schema.Boolean),
  runAsGroup: opt(Int64),
  runAsNonRoot: opt(Schema.Boolean),
  runAsUser: opt(Int64),
  seLinuxOptions: opt(SELinuxOptions),
  seccompProfile: opt(SeccompProfile),
  windowsOptions: opt(WindowsSecurityContextOptions)
})
export type SecurityContext = typeof SecurityContext.Type

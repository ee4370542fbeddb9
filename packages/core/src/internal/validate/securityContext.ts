/**
 * Pod and container security contexts the operator copies into its pod templates, and
 * the init container's `runAsUser`. The CRDs take them with the Kubernetes schema only
 * (free strings, any int64), and the API server applies `ValidatePodSecurityContext` /
 * `ValidateSecurityContext` when it creates the Deployment or DaemonSet, long after the
 * CR was accepted; their rules are applied here, with the API server's wording.
 * (`seLinuxOptions` is left to the API server.) The agents are Linux containers in pods
 * that share the host's user namespace (the CR cannot set `hostUsers`): a Windows
 * HostProcess container and the `Unmasked` proc mount are refused outright.
 */
import type { PodSecurityContext, SecurityContext, Sysctl, WindowsSecurityContextOptions } from "../../SecurityContext.ts"
import { byteLength } from "../Utf8.ts"
import { error, type Issue, issues, none, subdomainIssues, warning } from "./issue.ts"
import { at, child, each, field, type L, type List, type Path } from "./model.ts"

type Profile = { readonly type?: string | undefined; readonly localhostProfile?: string | undefined }

const maxId = 2147483647

/** A user or group id: what `IsValidUserID`/`IsValidGroupID` accept. */
const checkId = (id: number, path: Path): ReadonlyArray<Issue> =>
  Number.isInteger(id) && id >= 0 && id <= maxId ? none : [error("security-context", path, `${id} must be between 0 and ${maxId}, inclusive`)]

const checkChoice = (choices: ReadonlyArray<string>) => (value: string, path: Path): ReadonlyArray<Issue> =>
  choices.includes(value) ? none : [error("security-context", path, `unsupported value ${JSON.stringify(value)}: supported values: ${choices.map((c) => JSON.stringify(c)).join(", ")}`)]

const profileTypes = ["Localhost", "RuntimeDefault", "Unconfined"]

/** A seccomp profile: a Localhost one names a relative path without `..`; no other type takes one. */
const checkSeccomp = (profile: L<Profile>, path: Path): ReadonlyArray<Issue> => {
  const { value: local, path: localPath } = child(profile, "localhostProfile", path)
  if (profile.type === "Localhost") {
    if (local === undefined) return [error("security-context", localPath, "must be set when seccomp type is Localhost")]
    return issues(
      local.startsWith("/") ? [error("security-context", localPath, "must be a relative path")] : none,
      local.split("/").includes("..") ? [error("security-context", localPath, "must not contain '..'")] : none
    )
  }
  // an absent type is the schema's finding (the field is required)
  if (profile.type === undefined) return none
  if (!profileTypes.includes(profile.type)) return checkChoice(profileTypes)(profile.type, [...path, "type"])
  return local === undefined ? none : [error("security-context", localPath, "can only be set when seccomp type is Localhost")]
}

const maxAppArmorProfile = 4095

/** An AppArmor profile: a Localhost one names a profile (unpadded, at most 4,095 bytes); no other type takes one. */
const checkAppArmor = (profile: L<Profile>, path: Path): ReadonlyArray<Issue> => {
  const { value: local, path: localPath } = child(profile, "localhostProfile", path)
  if (profile.type === "Localhost") {
    if (local === undefined || local.trim() === "") return [error("security-context", localPath, "must be set when AppArmor type is Localhost")]
    if (local.trim() !== local) return [error("security-context", localPath, "must not be padded with whitespace")]
    return byteLength(local) > maxAppArmorProfile ? [error("security-context", localPath, `may not be longer than ${maxAppArmorProfile} bytes`)] : none
  }
  if (profile.type === undefined) return none
  if (!profileTypes.includes(profile.type)) return checkChoice(profileTypes)(profile.type, [...path, "type"])
  return local === undefined ? none : [error("security-context", localPath, "can only be set when AppArmor type is Localhost")]
}

const segment = "[a-z0-9]([-_a-z0-9]*[a-z0-9])?"
/** Kubernetes' sysctl name format: dot- or slash-separated segments, at most 253 characters. */
const sysctlName = new RegExp(`^(${segment}[\\./])*${segment}$`)

const checkSysctls = (sysctls: List<typeof Sysctl.Type>, path: Path): ReadonlyArray<Issue> => {
  const seen = new Set<string>()
  return each(sysctls, path, (sysctl, here) => {
    const name = sysctl.name ?? ""
    const out: Array<Issue> = []
    if (name.length > 253 || !sysctlName.test(name)) {
      out.push(error("security-context", [...here, "name"], `invalid sysctl name ${JSON.stringify(name)}: must have at most 253 characters and match the regex ${sysctlName.source}`))
    } else if (seen.has(name)) {
      out.push(error("security-context", [...here, "name"], `duplicate sysctl ${JSON.stringify(name)}`))
    }
    seen.add(name)
    return out
  })
}

const maxCredentialSpec = 64 * 1024
const maxDomain = 256
const maxUser = 104
const netBios = /^[^\\/:*?"<>|.][^\\/:*?"<>|]{0,14}$/
const dnsDomain = /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?)*$/
const userForbidden = /["/\\:;|=,+*?<>@[\]]/
const control = /[\x00-\x1f\x7f]/

/** `ValidateWindowsSecurityContextOptions`' rules for `runAsUserName` (`DOMAIN\user` or `user`), in its wording. */
const userNameProblems = (name: string): ReadonlyArray<string> => {
  if (name === "") return ["runAsUserName cannot be an empty string"]
  if (control.test(name)) return ["runAsUserName cannot contain control characters"]
  const parts = name.split("\\")
  if (parts.length > 2) return ["runAsUserName cannot contain more than one backslash"]
  const [domain, user] = parts.length === 1 ? [undefined, parts[0] ?? ""] : [parts[0] ?? "", parts[1] ?? ""]
  const out: Array<string> = []
  if (domain !== undefined && byteLength(domain) >= maxDomain) out.push(`runAsUserName's Domain length must be under ${maxDomain} characters`)
  if (domain !== undefined && !netBios.test(domain) && !dnsDomain.test(domain)) out.push("runAsUserName's Domain doesn't match the NetBios nor the DNS format")
  if (user === "") out.push("runAsUserName's User cannot be empty")
  else if (byteLength(user) > maxUser) out.push(`runAsUserName's User length must not be longer than ${maxUser} characters`)
  if (/^[. ]+$/.test(user)) out.push("runAsUserName's User cannot contain only periods or spaces")
  if (userForbidden.test(user)) out.push("runAsUserName's User cannot contain the following characters: \"/\\:;|=,+*?<>@[]")
  return out
}

/** What `ValidateWindowsSecurityContextOptions` refuses, and HostProcess, which no agent pod can run as. */
const checkWindows = (options: L<typeof WindowsSecurityContextOptions.Type>, path: Path): ReadonlyArray<Issue> => issues(
  options.hostProcess === true
    ? [error("security-context", [...path, "hostProcess"], "the agents are Linux containers: a Windows HostProcess pod cannot run them")]
    : none,
  options.gmsaCredentialSpecName === undefined ? none : subdomainIssues("security-context", options.gmsaCredentialSpecName, [...path, "gmsaCredentialSpecName"]),
  options.gmsaCredentialSpec === undefined ? none
    : options.gmsaCredentialSpec === "" ? [error("security-context", [...path, "gmsaCredentialSpec"], "gmsaCredentialSpec cannot be an empty string")]
    : byteLength(options.gmsaCredentialSpec) > maxCredentialSpec ? [error("security-context", [...path, "gmsaCredentialSpec"], `gmsaCredentialSpec size must be under ${maxCredentialSpec / 1024} KiB`)]
    : none,
  options.runAsUserName === undefined ? none : userNameProblems(options.runAsUserName).map((m) => error("security-context", [...path, "runAsUserName"], m))
)

/** `MountOption` needs the SELinuxChangePolicy feature gate, off in a default 1.36 API server, which refuses the workload then. */
const checkSeLinuxChangePolicy = (value: string, path: Path): ReadonlyArray<Issue> =>
  value === "MountOption"
    ? [warning("security-context", path, "\"MountOption\" is refused by API servers without the SELinuxChangePolicy feature gate (a default Kubernetes 1.36 refuses it: supported values: \"Recursive\")")]
    : checkChoice(["Recursive", "MountOption"])(value, path)

export const checkPodSecurityContext = (context: L<PodSecurityContext>, path: Path): ReadonlyArray<Issue> => issues(
  field(context, "runAsUser", path, checkId),
  field(context, "runAsGroup", path, checkId),
  field(context, "fsGroup", path, checkId),
  each(...at(context, "supplementalGroups", path), checkId),
  field(context, "fsGroupChangePolicy", path, checkChoice(["OnRootMismatch", "Always"])),
  field(context, "seLinuxChangePolicy", path, checkSeLinuxChangePolicy),
  field(context, "supplementalGroupsPolicy", path, checkChoice(["Merge", "Strict"])),
  field(context, "sysctls", path, checkSysctls),
  field(context, "seccompProfile", path, checkSeccomp),
  field(context, "appArmorProfile", path, checkAppArmor),
  field(context, "windowsOptions", path, checkWindows)
)

const checkProcMount = (value: string, path: Path): ReadonlyArray<Issue> =>
  value === "Unmasked"
    ? [error("security-context", path, "'hostUsers' must be false to use 'Unmasked', and the operator's pods share the host's user namespace")]
    : checkChoice(["Default", "Unmasked"])(value, path)

/** `allowPrivilegeEscalation: false` contradicts `privileged: true` and the CAP_SYS_ADMIN capability. */
const checkEscalation = (context: L<SecurityContext>, path: Path): ReadonlyArray<Issue> => {
  if (context.allowPrivilegeEscalation !== false) return none
  const here = [...path, "allowPrivilegeEscalation"]
  const adds = context.capabilities?.add ?? []
  return issues(
    context.privileged === true ? [error("security-context", here, "cannot set `allowPrivilegeEscalation` to false and `privileged` to true")] : none,
    adds.includes("CAP_SYS_ADMIN") ? [error("security-context", here, "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN")] : none
  )
}

export const checkSecurityContext = (context: L<SecurityContext>, path: Path): ReadonlyArray<Issue> => issues(
  field(context, "runAsUser", path, checkId),
  field(context, "runAsGroup", path, checkId),
  field(context, "procMount", path, checkProcMount),
  field(context, "seccompProfile", path, checkSeccomp),
  field(context, "appArmorProfile", path, checkAppArmor),
  field(context, "windowsOptions", path, checkWindows),
  checkEscalation(context, path)
)

/** The APM init container's `initContainerSecurity`: only `runAsUser` can be out of range. */
export const checkInitSecurity = (context: { readonly runAsUser?: number | undefined }, path: Path): ReadonlyArray<Issue> =>
  field(context, "runAsUser", path, checkId)

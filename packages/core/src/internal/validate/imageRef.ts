/**
 * OCI / Docker image references, after the grammar of `distribution/reference`:
 * `[domain[:port]/]path[/path...][:tag][@algorithm:hex]`, path components lowercase.
 * Returns a message naming the first problem found, or undefined when valid.
 */
const alphanumeric = "[a-z0-9]+"
const separator = "(?:[._]|__|[-]+)"
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`
const domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
const domainName = `${domainComponent}(?:\\.${domainComponent})*`
const ipv6 = "\\[[a-fA-F0-9:]+\\]"
const domain = `(?:${domainName}|${ipv6})(?::[0-9]+)?`
const name = `(?:${domain}/)?${pathComponent}(?:/${pathComponent})*`
const tag = "[\\w][\\w.-]{0,127}"
const digest = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}"

const referenceRe = new RegExp(`^(${name})(?::(${tag}))?(?:@(${digest}))?$`)
const nameRe = new RegExp(`^${name}$`)
const tagRe = new RegExp(`^${tag}$`)

/** distribution's NameTotalLengthMax */
const maxNameLength = 255
/** Guard before running the regex on hostile, very long input. */
const maxInputLength = 1024

const hint = (text: string): string => {
  if (text.trim() !== text || /\s/.test(text)) return "must not contain whitespace"
  if (text.includes("://")) return "must not contain a URL scheme"
  const firstSlash = text.indexOf("/")
  const path = firstSlash >= 0 && /[.:]|^localhost$/.test(text.slice(0, firstSlash)) ? text.slice(firstSlash + 1) : text
  if (/[A-Z]/.test(path.split(/[:@]/)[0] ?? "")) return "repository name must be lowercase"
  return "expected [registry/]repository[:tag][@digest], e.g. public.ecr.aws/whatap/kube_agent:latest"
}

export const referenceError = (text: string): string | undefined => {
  if (text.length === 0) return "image reference must not be empty"
  if (text.length > maxInputLength) return "image reference is too long"
  const match = referenceRe.exec(text)
  if (match === null) return `invalid image reference ${JSON.stringify(text)}: ${hint(text)}`
  if ((match[1] ?? "").length > maxNameLength) {
    return `image repository name must not be longer than ${maxNameLength} characters`
  }
  return undefined
}

/** A repository without tag or digest (`agentImageName`, `imageName`). */
export const nameError = (text: string): string | undefined => {
  if (text.length === 0) return "image name must not be empty"
  if (text.length > maxNameLength) return `image name must not be longer than ${maxNameLength} characters`
  return nameRe.test(text) ? undefined : `invalid image name ${JSON.stringify(text)}: ${hint(text)}`
}

/** A tag on its own (`agentImageVersion`, `imageVersion`). */
export const tagError = (text: string): string | undefined =>
  tagRe.test(text)
    ? undefined
    : `invalid image tag ${JSON.stringify(text)}: up to 128 characters of letters, digits, '_', '.' and '-', not starting with '.' or '-'`

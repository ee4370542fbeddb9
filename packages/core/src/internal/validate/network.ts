/**
 * Ports, named ports and `host:port` addresses, as Kubernetes and the OpenAgent read
 * them. Each check returns a message or undefined when the value is fine.
 */
import { dnsLabelErrors, subdomainErrors } from "../../LabelSyntax.ts"

export const portRangeError = (port: number): string | undefined =>
  Number.isInteger(port) && port >= 1 && port <= 65535
    ? undefined
    : `port ${port} is out of range: expected an integer between 1 and 65535`

/** IANA service name as Kubernetes validates named container ports (`IsValidPortName`). */
const portNameError = (name: string): string | undefined => {
  if (name.length > 15) return `port name ${JSON.stringify(name)} must be no more than 15 characters`
  if (!/^[a-z0-9-]+$/.test(name)) {
    return `port name ${JSON.stringify(name)} must contain only lowercase alphanumeric characters and '-'`
  }
  if (!/[a-z]/.test(name)) return `port name ${JSON.stringify(name)} must contain at least one letter`
  if (name.startsWith("-") || name.endsWith("-") || name.includes("--")) {
    return `port name ${JSON.stringify(name)} must not begin or end with '-' or contain '--'`
  }
  return undefined
}

/** A Service port's name, as Kubernetes validates it: a DNS label (up to 63 characters, not 15 as a container port's). */
const servicePortNameError = (name: string): string | undefined => {
  const [problem] = dnsLabelErrors(name)
  return problem === undefined ? undefined : `Service port name ${JSON.stringify(name)}: ${problem}`
}

/**
 * An endpoint `port`: a number (as text or JSON number) or a named port, a container's
 * (PodMonitor targets) or a Service's (ServiceMonitor targets: cert-manager's chart names
 * one `tcp-prometheus-servicemonitor`).
 */
export const portOrNameError = (port: string | number, of: "container" | "service" = "container"): string | undefined => {
  if (typeof port === "number") return portRangeError(port)
  if (port.length === 0) return "port must not be empty"
  if (/^[0-9]+$/.test(port)) return portRangeError(Number(port))
  return of === "service" ? servicePortNameError(port) : portNameError(port)
}

const ipv4 = /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$/
const ipv6 = /^[0-9A-Fa-f:.]+(%[0-9A-Za-z._~-]+)?$/

const hostError = (host: string): string | undefined => {
  if (host.length === 0) return "the host part is empty"
  if (/^[0-9.]+$/.test(host)) return ipv4.test(host) ? undefined : `${JSON.stringify(host)} is not a valid IPv4 address`
  // Hostnames are case-insensitive; underscores occur in real DNS names (SRV-style), so only the shape is checked.
  const problems = subdomainErrors(host.toLowerCase().replaceAll("_", "-"))
  return problems.length === 0 ? undefined : `${JSON.stringify(host)} is not a valid host name`
}

/**
 * `spec.host` (WHATAP_HOST): the WhaTap collector, one host or several separated by `/`
 * (the agents' own separator) or `,`; each a host name, an IPv4 or an IPv6 address.
 * Spaces around a separator and an absolute name's trailing dot are accepted; empty parts
 * (a trailing `/`) are left alone, as the agents skip them.
 */
export const serverHostsError = (text: string): string | undefined => {
  for (const part of text.split(/[/,]/)) {
    // spaces around a separator, and the root dot of an absolute name, are fine
    const host = part.trim().replace(/(?<=[^.])\.$/, "")
    if (host === "" || (host.includes(":") && ipv6.test(host))) continue
    const problem = hostError(host)
    if (problem !== undefined) return `${problem}: expected the WhaTap collector's host name or IP address (several separated by "/")`
  }
  return undefined
}

/** `host:port` (IPv6 hosts in brackets), the form of `address` and `remoteHostEngineInfo`. */
export const hostPortError = (text: string): string | undefined => {
  const expected = "expected host:port, e.g. 10.0.0.1:9100 or db.example.com:5555"
  if (text.includes("://")) return `${JSON.stringify(text)} must not contain a URL scheme: ${expected}`
  if (text.includes("/")) return `${JSON.stringify(text)} must not contain a path: ${expected}`
  const bracketed = /^\[([^\]]*)\]:([^:]*)$/.exec(text)
  let host: string
  let port: string
  if (bracketed !== null) {
    host = bracketed[1] ?? ""
    port = bracketed[2] ?? ""
    if (!ipv6.test(host)) return `${JSON.stringify(host)} is not a valid IPv6 address`
  } else {
    const colon = text.lastIndexOf(":")
    if (colon < 0) return `${JSON.stringify(text)} has no port: ${expected}`
    host = text.slice(0, colon)
    port = text.slice(colon + 1)
    if (host.includes(":")) return `IPv6 host in ${JSON.stringify(text)} must be in brackets, e.g. [::1]:9100`
    const problem = hostError(host)
    if (problem !== undefined) return `${problem}: ${expected}`
  }
  if (!/^[0-9]+$/.test(port)) return `port ${JSON.stringify(port)} in ${JSON.stringify(text)} is not a number`
  return portRangeError(Number(port))
}

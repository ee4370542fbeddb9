/**
 * The OpenAgent's TLS Secret volumes (spec 4.9): one per Secret an endpoint's
 * `tlsConfig` references, mounted read-only at `/etc/ssl/certs/<secret>` (the path the
 * scrape configuration points at) and `optional`, so a missing Secret degrades one
 * target instead of blocking the pod. Sorted by Secret name (D3: the Go operator iterated
 * a map, so the Deployment changed and rolled on every reconcile with two Secrets).
 *
 * The volume is `tls-secret-<secret>` when that is a valid volume name (a DNS-1123
 * label). A Secret name may contain dots and be longer than 63 characters, which the Go
 * operator turned into an invalid pod; such a name becomes `tls-secret-<slug>-<hash>`:
 * the name lowercased with every character outside `[a-z0-9-]` replaced by `-`, cut to
 * keep the total at 63 characters, then the first 8 hex digits of the SHA-256 of the full
 * Secret name. Within one pod no two Secrets share a volume: a valid name that equals
 * another Secret's hashed name is hashed too, and names that still coincide (a crafted
 * 32-bit collision) take 16 hex digits.
 */
import { createHash } from "node:crypto"
import { Naming } from "@whatap-operator/core"
import { field, type Json } from "./Objects.ts"

export interface TlsSecret {
  readonly name: string
  readonly keys: ReadonlyArray<string>
}

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const maxLength = 63
const hashLength = 8

const plainName = (secret: string): string | undefined => {
  const plain = `${Naming.openAgent.tlsVolumePrefix}${secret}`
  return plain.length <= maxLength && dns1123Label.test(plain) ? plain : undefined
}

const hashedName = (secret: string, digits = hashLength): string => {
  const hash = createHash("sha256").update(secret, "utf8").digest("hex").slice(0, digits)
  const room = maxLength - Naming.openAgent.tlsVolumePrefix.length - digits - 1
  const slug = secret.toLowerCase().replace(/[^a-z0-9-]/g, "-").slice(0, room).replace(/-+$/, "")
  return `${Naming.openAgent.tlsVolumePrefix}${slug === "" ? "" : `${slug}-`}${hash}`
}

/** The volume name of the Secret `secret` on its own (see the module comment). */
export const volumeName = (secret: string): string => plainName(secret) ?? hashedName(secret)

/** The volume name of each Secret of one pod: never two alike. */
export const volumeNames = (secrets: ReadonlyArray<string>): ReadonlyMap<string, string> => {
  const hashed = new Set(secrets.filter((s) => plainName(s) === undefined).map((s) => hashedName(s)))
  const first = secrets.map((s) => {
    const plain = plainName(s)
    return [s, plain !== undefined && !hashed.has(plain) ? plain : hashedName(s)] as const
  })
  const counts = new Map<string, number>()
  for (const [, name] of first) counts.set(name, (counts.get(name) ?? 0) + 1)
  return new Map(first.map(([s, name]) => [s, (counts.get(name) ?? 0) > 1 ? hashedName(s, 2 * hashLength) : name]))
}

const bySecretName = (secrets: ReadonlyArray<TlsSecret>): ReadonlyArray<TlsSecret> =>
  [...secrets].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))

const named = (secrets: ReadonlyArray<TlsSecret>) => {
  const sorted = bySecretName(secrets)
  const names = volumeNames(sorted.map((s) => s.name))
  return sorted.map((s) => ({ secret: s, volume: names.get(s.name) ?? volumeName(s.name) }))
}

export const mounts = (secrets: ReadonlyArray<TlsSecret>): ReadonlyArray<Json> =>
  named(secrets).map(({ secret, volume }) => ({ name: volume, mountPath: `${Naming.openAgent.tlsMountRoot}/${secret.name}`, readOnly: true }))

export const volumes = (secrets: ReadonlyArray<TlsSecret>): ReadonlyArray<Json> =>
  named(secrets).map(({ secret, volume }) => ({
    name: volume,
    secret: { secretName: secret.name, optional: true, ...field("items", secret.keys.map((key) => ({ key, path: key }))) }
  }))

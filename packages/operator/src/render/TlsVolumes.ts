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
 * Secret name, so two Secrets never share a volume.
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

/** The volume name of the Secret `secret` (see the module comment). */
export const volumeName = (secret: string): string => {
  const plain = `${Naming.openAgent.tlsVolumePrefix}${secret}`
  if (plain.length <= maxLength && dns1123Label.test(plain)) return plain
  const hash = createHash("sha256").update(secret, "utf8").digest("hex").slice(0, hashLength)
  const room = maxLength - Naming.openAgent.tlsVolumePrefix.length - hashLength - 1
  const slug = secret.toLowerCase().replace(/[^a-z0-9-]/g, "-").slice(0, room).replace(/-+$/, "")
  return `${Naming.openAgent.tlsVolumePrefix}${slug === "" ? "" : `${slug}-`}${hash}`
}

const bySecretName = (secrets: ReadonlyArray<TlsSecret>): ReadonlyArray<TlsSecret> =>
  [...secrets].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))

export const mounts = (secrets: ReadonlyArray<TlsSecret>): ReadonlyArray<Json> =>
  bySecretName(secrets).map((s) => ({ name: volumeName(s.name), mountPath: `${Naming.openAgent.tlsMountRoot}/${s.name}`, readOnly: true }))

export const volumes = (secrets: ReadonlyArray<TlsSecret>): ReadonlyArray<Json> =>
  bySecretName(secrets).map((s) => ({
    name: volumeName(s.name),
    secret: { secretName: s.name, optional: true, ...field("items", s.keys.map((key) => ({ key, path: key }))) }
  }))

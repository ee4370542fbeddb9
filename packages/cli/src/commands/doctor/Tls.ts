/**
 * The TLS facts of the certificate check: PEM bundles as X.509 certificates, whether a
 * CA issued a certificate, and the certificate a webhook URL serves, fetched with a TLS
 * handshake that trusts only the given CA bundle. Only loopback addresses are ever
 * dialled: a webhook behind a Service is reached through the API server (the dry-run
 * check), never from here, so a Service or pod IP is never contacted.
 */
import { X509Certificate } from "node:crypto"
import { isIP } from "node:net"
import * as tls from "node:tls"
import { Data, Duration, Effect, Result } from "effect"

export class TlsError extends Data.TaggedError("TlsError")<{ readonly message: string }> {}

const pemBlock = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g

/** Every certificate of a PEM bundle; a block that does not parse is an error naming it. */
export const parseBundle = (pem: string): Result.Result<ReadonlyArray<X509Certificate>, string> => {
  const blocks = pem.match(pemBlock) ?? []
  if (blocks.length === 0) return Result.fail("no PEM certificate in it")
  const certs: Array<X509Certificate> = []
  for (const [i, block] of blocks.entries()) {
    const parsed = Result.try({ try: () => new X509Certificate(block), catch: (e) => `certificate ${i + 1}: ${e instanceof Error ? e.message : String(e)}` })
    if (Result.isFailure(parsed)) return Result.fail(parsed.failure)
    certs.push(parsed.success)
  }
  return Result.succeed(certs)
}

/** `cert` names `ca` as its issuer and carries its signature. */
export const issuedBy = (cert: X509Certificate, ca: X509Certificate): boolean => cert.checkIssued(ca) && cert.verify(ca.publicKey)

/** `CN=whatap-webhook-ca, valid until 2036-01-01` */
export const describe = (cert: X509Certificate): string =>
  `${cert.subject.replace(/\n/g, ", ")} (valid until ${cert.validToDate.toISOString().slice(0, 10)})`

const loopbackNames = new Set(["localhost", "127.0.0.1", "::1"])

/** Whether the URL's host is this machine (127.0.0.0/8, ::1, localhost): the only hosts dialled. */
export const isLoopback = (url: URL): boolean => {
  const host = url.hostname.replace(/^\[|\]$/g, "")
  return loopbackNames.has(host) || (isIP(host) === 4 && host.startsWith("127."))
}

export interface Served {
  /** The chain verifies against the CA bundle and the certificate names the host. */
  readonly authorized: boolean
  readonly error: string | undefined
  readonly certificate: X509Certificate | undefined
}

/** One handshake with `url` trusting `caPem` only; fails for a non-loopback URL without dialling. */
export const served = (url: URL, caPem: string, timeout: Duration.Input = Duration.seconds(5)): Effect.Effect<Served, TlsError> => {
  if (!isLoopback(url)) return Effect.fail(new TlsError({ message: `${url.host} is not a loopback address; it is not dialled` }))
  const host = url.hostname.replace(/^\[|\]$/g, "")
  const port = Number(url.port === "" ? 443 : url.port)
  const handshake = Effect.callback<Served, TlsError>((resume) => {
    const socket = tls.connect({ host, port, ca: caPem, rejectUnauthorized: false, ...(isIP(host) === 0 ? { servername: host } : {}) }, () => {
      const certificate = socket.getPeerX509Certificate()
      const error = socket.authorizationError
      resume(Effect.succeed({ authorized: socket.authorized, error: error === undefined ? undefined : String(error), certificate }))
      socket.destroy()
    })
    socket.once("error", (e) => resume(Effect.fail(new TlsError({ message: e.message }))))
    return Effect.sync(() => void socket.destroy())
  })
  return Effect.timeoutOrElse(handshake, {
    duration: timeout,
    orElse: () => Effect.fail(new TlsError({ message: `no TLS handshake with ${url.host} within ${Duration.format(Duration.fromInputUnsafe(timeout))}` }))
  })
}

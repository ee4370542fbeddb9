/**
 * The failure of building the live client before any call is made: a kubeconfig that
 * cannot be read or parsed, an unknown context, a cluster entry without a server, or a
 * plain-HTTP server without `insecure-skip-tls-verify`. Separate from `KubeError`, which
 * is about calls, because it is fixed by configuration and not by retrying.
 */
import { Schema } from "effect"

export class KubeConfigError extends Schema.TaggedError<KubeConfigError>()("KubeConfigError", {
  /** The kubeconfig path, or where the configuration was looked for. */
  source: Schema.String,
  message: Schema.String
}) {}

/**
 * The secret values the process must never write anywhere: license keys read from the
 * WhatapAgent (and any other credential the reconciler meets). The reconciler registers
 * them; the JSON logger, Event messages and status conditions pass every text through
 * `redact`. API errors echo field values ("Invalid value: ..."), so redaction has to
 * work on arbitrary text, not on known fields.
 */
import { Context, Effect, Layer, MutableRef } from "effect"

export const placeholder = "[redacted]"

/** Values shorter than this are not secrets worth replacing (and would mangle text). */
const minimumLength = 4

export interface Shape {
  readonly register: (values: Iterable<string>) => Effect.Effect<void>
  readonly redact: (text: string) => string
}

export class Redactor extends Context.Service<Redactor, Shape>()("@whatap-operator/operator/Redactor") {
  static readonly layer = Layer.sync(Redactor, () => make())
}

/** Replaces every occurrence of every known secret, longest first (one may contain another). */
export const redactWith = (secrets: ReadonlyArray<string>, text: string): string =>
  secrets.reduce((acc, secret) => acc.split(secret).join(placeholder), text)

export const make = (): Shape => {
  // Sorted longest first; replaced wholesale on register so readers never see a half-update.
  const secrets = MutableRef.make<ReadonlyArray<string>>([])
  return {
    register: (values) =>
      Effect.sync(() => {
        const next = new Set(MutableRef.get(secrets))
        for (const value of values) if (value.length >= minimumLength) next.add(value)
        MutableRef.set(secrets, [...next].sort((a, b) => b.length - a.length || a.localeCompare(b)))
      }),
    redact: (text) => redactWith(MutableRef.get(secrets), text)
  }
}

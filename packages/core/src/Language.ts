/**
 * The APM languages the admission webhook knows. The CRD keeps a target's `language` an
 * unvalidated string (the Go CRD's enum marker was a trailing comment that controller-gen
 * ignored), so this Schema is not part of the model: the validator uses it to reject
 * typos and the injector to pick a strategy from its registry.
 */
import { Schema } from "effect"

/** In the order the Go operator's documentation lists them. */
export const languages = ["java", "python", "nodejs", "php", "dotnet", "golang"] as const

export const Language = Schema.Literals(languages)
export type Language = typeof Language.Type

/** Whether a CR's free-form `language` string names a known language. */
export const isLanguage: (u: unknown) => u is Language = Schema.is(Language)

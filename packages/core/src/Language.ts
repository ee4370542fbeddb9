/**
 * The APM languages the admission webhook knows, and `TargetLanguage`, the type of a
 * target's `language` field. The Go CRD keeps that field an unvalidated string (its enum
 * marker was a trailing comment that controller-gen ignored), so a stored CR may name any
 * language: decoding keeps unknown strings and the validator reports them (rule
 * `apm-language`); the injector picks a strategy from its registry with `isLanguage`.
 */
import { Schema } from "effect"

/** In the order the Go operator's documentation lists them. */
export const languages = ["java", "python", "nodejs", "php", "dotnet", "golang"] as const

export const Language = Schema.Literals(languages)
export type Language = typeof Language.Type

/**
 * Whether a CR's free-form `language` string names a known language.
 *
 * @example
 * ```ts
 * import { Language } from "@whatap-operator/core"
 *
 * Language.isLanguage("java") // => true
 * Language.isLanguage("ruby") // => false
 * ```
 */
export const isLanguage = (u: unknown): u is Language => typeof u === "string" && (languages as ReadonlyArray<string>).includes(u)

/**
 * A target's `language` as the CRD stores it: one of `languages` or any other string.
 * An open union rather than a tagged Known/Unknown value: the encoded form and the CRD
 * stay a plain string, every reader (annotations, image names, the registry lookup)
 * keeps working on the string, editors still complete the known names, and `isLanguage`
 * narrows it where only a known language will do. Unknown values are the validator's
 * to report, not the decoder's, because the Go CRD accepts them.
 */
export const TargetLanguage: Schema.Codec<(typeof languages)[number] | (string & {}), string> = Schema.String
export type TargetLanguage = typeof TargetLanguage.Type

/**
 * Kubernetes resource quantities (`resource.Quantity`): `<signed number><suffix>` where
 * the suffix is binary SI (Ki..Ei), decimal SI (n, u, m, "", k, M, G, T, P, E) or a
 * decimal exponent (`e3`). Parsed into an exact fraction of BigInts so that `500m` and
 * `0.5` compare equal and no float rounding ever decides a requests-vs-limits error.
 */
import { remembered } from "./remembered.ts"

/** numerator / denominator, denominator > 0 */
export interface Quantity {
  readonly numerator: bigint
  readonly denominator: bigint
}

/** sign, number, suffix */
export const grammar = /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/

/** binary SI suffix -> power of 1024 */
export const binary: Readonly<Record<string, number>> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 }
/** decimal SI suffix -> power of 10 */
export const decimal: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 }

/** Beyond this a BigInt power gets expensive; no real resource is anywhere near it. */
export const maxExponent = 1000

export type ParseResult =
  | { readonly ok: true; readonly quantity: Quantity }
  | { readonly ok: false; readonly message: string }

const invalid = (text: string): ParseResult => ({
  ok: false,
  message: `invalid quantity ${JSON.stringify(text)}: expected a number with an optional suffix, e.g. 500m, 1.5, 256Mi, 2Gi, 1e3`
})

export const maxRemembered = 1024

/** A quantity; texts parsed before are remembered (`remembered.ts`): bundles repeat `100m`, `1Gi`. */
export const parse = (input: string | number): ParseResult =>
  rememberedParse(typeof input === "number" ? String(input) : input)

/** The pieces of a quantity's text, as the grammar reads them. */
export interface Split {
  readonly sign: string
  /** digits before the point, leading zeros included ("" for `.5`) */
  readonly whole: string
  /** digits after the point ("" when none) */
  readonly fraction: string
  readonly suffix: string
  /** the power of 1024 of a binary suffix */
  readonly binaryPower: number | undefined
  /** the power of 10 of a decimal suffix or an `e` exponent (0 for none and for binary) */
  readonly exponent: number
}

/** The pieces of `text`, or undefined when it is no quantity (the one reading of the grammar). */
export const split = (text: string): Split | undefined => {
  const match = grammar.exec(text)
  if (match === null) return undefined
  const [, sign = "", number = "", suffix = ""] = match
  const [whole = "", fraction = ""] = number.split(".")
  const exponent = suffix in decimal
    ? (decimal[suffix] ?? 0)
    : /^[eE][+-]?[0-9]+$/.test(suffix) ? Number(suffix.slice(1)) : 0
  return { sign, whole, fraction, suffix, binaryPower: binary[suffix], exponent }
}

/** `parse` without the memory of earlier texts. */
export const parseText = (text: string): ParseResult => {
  const pieces = split(text)
  if (pieces === undefined) return invalid(text)
  const { sign, whole, fraction, binaryPower, exponent } = pieces
  if (Math.abs(exponent) > maxExponent) {
    return { ok: false, message: `quantity ${JSON.stringify(text)} is out of range` }
  }
  let numerator = BigInt(`${whole}${fraction}` || "0")
  let denominator = 10n ** BigInt(fraction.length)
  if (exponent >= 0) numerator *= 10n ** BigInt(exponent)
  else denominator *= 10n ** BigInt(-exponent)
  if (binaryPower !== undefined) numerator *= 1024n ** BigInt(binaryPower)
  if (sign === "-") numerator = -numerator
  return { ok: true, quantity: { numerator, denominator } }
}

/** -1, 0 or 1 like a comparator. */
export const compare = (a: Quantity, b: Quantity): number => {
  const left = a.numerator * b.denominator
  const right = b.numerator * a.denominator
  return left < right ? -1 : left > right ? 1 : 0
}

export const isNegative = (q: Quantity): boolean => q.numerator < 0n

/** Texts of up to 64 characters, `maxRemembered` of them. */
const rememberedParse = remembered(parseText, maxRemembered, 64)

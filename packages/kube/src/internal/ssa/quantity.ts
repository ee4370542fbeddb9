/**
 * Kubernetes resource quantities compared by value: `0.5` and `500m`, `1Gi` and
 * `1073741824` are the same amount, and the API server stores the canonical form of
 * whatever it was given. A quantity is read as an exact rational (BigInt numerator and
 * denominator), so no float rounding can make two equal amounts differ.
 *
 * Bound: at most 64 digits and an exponent of at most 64; anything longer is not read as
 * a quantity and is compared as written.
 */

interface Rational {
  readonly num: bigint
  readonly den: bigint
}

const pattern = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/

const binary: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 }
const decimal: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 }

const maxDigits = 64
const maxExponent = 64

const scale = (num: bigint, den: bigint, power10: number, power2: number): Rational => {
  const n = num * 2n ** BigInt(power2) * (power10 > 0 ? 10n ** BigInt(power10) : 1n)
  const d = den * (power10 < 0 ? 10n ** BigInt(-power10) : 1n)
  return { num: n, den: d }
}

/** The exact amount of a quantity given as a string or a JSON number; undefined when it is not one. */
export const parse = (input: unknown): Rational | undefined => {
  const text = typeof input === "number" ? String(input) : input
  if (typeof text !== "string") return undefined
  const match = pattern.exec(text)
  if (match === null) return undefined
  const [, sign = "", whole = "", fraction = "", suffix = ""] = match
  if (whole === "" && fraction === "") return undefined
  if (whole.length + fraction.length > maxDigits) return undefined
  const exponent = /^[eE].+/.test(suffix) ? Number(suffix.slice(1)) : (decimal[suffix] ?? 0)
  if (Math.abs(exponent) > maxExponent) return undefined
  const digits = BigInt(`${whole}${fraction}` || "0") * (sign === "-" ? -1n : 1n)
  return scale(digits, 10n ** BigInt(fraction.length), exponent, binary[suffix] ?? 0)
}

/** Equal amounts; two values that are not both quantities are compared as written. */
export const equal = (a: unknown, b: unknown): boolean => {
  if (a === b) return true
  const x = parse(a)
  const y = parse(b)
  return x !== undefined && y !== undefined && x.num * y.den === y.num * x.den
}

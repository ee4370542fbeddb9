/**
 * Resource quantities as the Go operator writes them (apimachinery's
 * `ParseQuantity(s).String()`), which is also how the API server stores them. Text the
 * Go parser deems canonical already is kept as written (`100Mi`, `2.500`, `+5`); anything
 * else is rewritten: `0.5` is `500m`, `1.5` is `1500m`, `1000m` is `1`, `1024Mi` is `1Gi`, `1000` is `1k`,
 * a number `2` is `"2"`. The input's format decides the output's: binary suffixes stay
 * binary while the value is a whole number of at least 1024, `e` exponents stay
 * exponents, everything else is decimal SI; precision below 1n is rounded up (away from
 * zero). Text that is not a quantity is returned unchanged (the validator reports it).
 * The syntax is the validator's (`internal/validate/quantity.ts`).
 */
import * as Syntax from "./internal/validate/quantity.ts"

const decimalExponents: Readonly<Record<string, number>> = { ...Syntax.decimal, "": 0 }
const decimalSuffixes: ReadonlyMap<number, string> = new Map(Object.entries(decimalExponents).map(([s, e]) => [e, s]))
const binarySuffixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]

type Format = "BinarySI" | "DecimalSI" | "DecimalExponent"

/** value = mantissa * 10^scale */
interface Parsed {
  readonly mantissa: bigint
  readonly scale: number
  readonly format: Format
}

const abs = (n: bigint): bigint => (n < 0n ? -n : n)

const parse = ({ sign, whole, fraction, suffix, binaryPower, exponent }: Syntax.Split): Parsed | undefined => {
  let mantissa = BigInt(`${whole}${fraction}` || "0")
  if (sign === "-") mantissa = -mantissa
  if (binaryPower !== undefined) return { mantissa: mantissa * 1024n ** BigInt(binaryPower), scale: -fraction.length, format: "BinarySI" }
  if (Math.abs(exponent) > Syntax.maxExponent) return undefined
  return { mantissa, scale: exponent - fraction.length, format: suffix in decimalExponents ? "DecimalSI" : "DecimalExponent" }
}

/** Go's parser keeps at most nano precision, rounding up away from zero. */
const toNano = (q: Parsed): Parsed => {
  if (q.scale >= -9) return q
  const factor = 10n ** BigInt(-9 - q.scale)
  const quotient = abs(q.mantissa) / factor
  const rounded = abs(q.mantissa) % factor === 0n ? quotient : quotient + 1n
  return { ...q, mantissa: q.mantissa < 0n ? -rounded : rounded, scale: -9 }
}

/** Go's `removeInt64Factors`: divide by `base` while the magnitude is at least `base` and divisible. */
const removeFactors = (value: bigint, base: bigint): { readonly value: bigint; readonly times: number } => {
  let magnitude = abs(value)
  let times = 0
  while (magnitude >= base && magnitude % base === 0n) {
    magnitude /= base
    times++
  }
  return { value: value < 0n ? -magnitude : magnitude, times }
}

/** Whole number of the value, when it is one. */
const integral = (q: Parsed): bigint | undefined => {
  if (q.scale >= 0) return q.mantissa * 10n ** BigInt(q.scale)
  const divisor = 10n ** BigInt(-q.scale)
  return q.mantissa % divisor === 0n ? q.mantissa / divisor : undefined
}

const binary = (value: bigint): string | undefined => {
  const { value: amount, times } = removeFactors(value, 1024n)
  const suffix = binarySuffixes[times]
  return suffix === undefined ? undefined : `${amount}${suffix}`
}

/** Mantissa without trailing zeros, the exponent moved down to a multiple of 3. */
const decimal = (q: Parsed): string => {
  const { value, times } = removeFactors(q.mantissa, 10n)
  let amount = value
  let exponent = q.scale + times
  const rest = exponent % 3
  if (rest === 1 || rest === -2) [amount, exponent] = [amount * 10n, exponent - 1]
  else if (rest === 2 || rest === -1) [amount, exponent] = [amount * 100n, exponent - 2]
  // Go finds no decimal SI suffix beyond E (1e21) and then writes none
  if (q.format === "DecimalSI") return `${amount}${decimalSuffixes.get(exponent) ?? ""}`
  return `${amount}${exponent === 0 ? "" : `e${exponent}`}`
}

/**
 * The fast path of Go's `ParseQuantity`, which keeps the text as it came when it looks
 * canonical: a decimal whose exponent is a multiple of 3 and whose digits neither start
 * with 0 nor end in 000, or a binary (no fraction, few enough digits) not divisible by 8.
 */
const keptAsWritten = ({ whole, fraction, binaryPower, exponent }: Syntax.Split, format: Format): boolean => {
  // Go's `parseQuantityString` drops the leading zeros of the whole part
  const num = whole.replace(/^0+/, "") || "0"
  const digits = `${num}${fraction}`
  if (format === "BinarySI") {
    const precision = 15 - num.length - 3 * (binaryPower ?? 0) - 1
    return fraction === "" && precision >= 0 && BigInt(num) % 8n !== 0n
  }
  const scale = exponent - fraction.length
  return 18 - digits.length >= 0 && scale >= -9 && scale % 3 === 0 && !digits.endsWith("000") && !digits.startsWith("0")
}

/**
 * The text Go writes for a quantity; anything unparsable is returned as it came.
 *
 * @example
 * ```ts
 * import { Quantity } from "@whatap-operator/core"
 *
 * Quantity.canonical("0.5") // => "500m"
 * Quantity.canonical("1024Mi") // => "1Gi"
 * Quantity.canonical("100Mi") // => "100Mi"
 * Quantity.canonical(2) // => "2"
 * ```
 */
export const canonical = (input: string | number): string | number => {
  const text = typeof input === "number" ? String(input) : input
  const pieces = Syntax.split(text)
  const parsed = pieces === undefined ? undefined : parse(pieces)
  if (pieces === undefined || parsed === undefined) return input
  if (keptAsWritten(pieces, parsed.format)) return text
  const q = toNano(parsed)
  if (q.mantissa === 0n) return "0"
  if (q.format === "BinarySI" && abs(q.mantissa) >= 1024n * 10n ** BigInt(Math.max(0, -q.scale))) {
    const whole = integral(q)
    const text = whole === undefined ? undefined : binary(whole)
    if (text !== undefined) return text
  }
  return decimal(q.format === "BinarySI" ? { ...q, format: "DecimalSI" } : q)
}

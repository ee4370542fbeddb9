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

/** Rounded up (away from zero) to `scale`: Go's parser keeps at most nano precision (-9), a pod's resource list milli (-3). */
const roundUpTo = (q: Parsed, scale: number): Parsed => {
  if (q.scale >= scale) return q
  const factor = 10n ** BigInt(scale - q.scale)
  const quotient = abs(q.mantissa) / factor
  const rounded = abs(q.mantissa) % factor === 0n ? quotient : quotient + 1n
  return { ...q, mantissa: q.mantissa < 0n ? -rounded : rounded, scale }
}

/**
 * Go's parser caps a binary quantity's magnitude at the largest int64 (`10Ei` is
 * 9223372036854775807) on its slow path; a decimal one, and one its int64 fast path takes
 * (`fast`), keeps its value.
 */
const maxAllowed = 2n ** 63n - 1n

const capped = (q: Parsed): Parsed => {
  if (q.format !== "BinarySI") return q
  const magnitude = abs(q.mantissa)
  const over = q.scale >= 0 ? magnitude * 10n ** BigInt(q.scale) > maxAllowed : magnitude > maxAllowed * 10n ** BigInt(-q.scale)
  return over ? { ...q, mantissa: q.mantissa < 0n ? -maxAllowed : maxAllowed, scale: 0 } : q
}

/**
 * Go's `removeInt64Factors`: divide by `base` while the magnitude is at least `base` and
 * divisible. Powers of ten are counted on the digits at once (a value of hundreds of
 * thousands of digits would take as many divisions, each as long as the value).
 */
const removeFactors = (value: bigint, base: bigint): { readonly value: bigint; readonly times: number } => {
  let magnitude = abs(value)
  let times = 0
  if (base === 10n) {
    const digits = magnitude.toString()
    times = digits === "0" ? 0 : digits.length - digits.replace(/0+$/, "").length
    if (times > 0) magnitude = BigInt(digits.slice(0, digits.length - times))
  } else {
    while (magnitude >= base && magnitude % base === 0n) {
      magnitude /= base
      times++
    }
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
 * Go's `ParseQuantity` takes its int64 fast path when the digits fit its precision: at most
 * 18 decimal digits at nano scale or coarser, or a whole binary amount small enough for
 * its suffix (which keeps its value below 1.2e14, so it always fits an int64).
 */
const fast = ({ whole, fraction, binaryPower, exponent }: Syntax.Split, format: Format): boolean => {
  const num = significant(whole)
  if (format === "BinarySI") return fraction === "" && 15 - num.length - 3 * (binaryPower ?? 0) - 1 >= 0
  return 18 - (num.length + fraction.length) >= 0 && exponent - fraction.length >= -9
}

/** Go's `parseQuantityString` drops the leading zeros of the whole part. */
const significant = (whole: string): string => whole.replace(/^0+/, "") || "0"

/**
 * The fast path of Go's `ParseQuantity`, which keeps the text as it came when it looks
 * canonical: a decimal whose exponent is a multiple of 3 and whose digits neither start
 * with 0 nor end in 000, or a binary (no fraction, few enough digits) not divisible by 8.
 */
const keptAsWritten = (pieces: Syntax.Split, format: Format): boolean => {
  if (!fast(pieces, format)) return false
  const num = significant(pieces.whole)
  if (format === "BinarySI") return BigInt(num) % 8n !== 0n
  const digits = `${num}${pieces.fraction}`
  return (pieces.exponent - pieces.fraction.length) % 3 === 0 && !digits.endsWith("000") && !digits.startsWith("0")
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
export const canonical = (input: string | number): string | number => stored(input, -9)

/**
 * The text the API server stores for a quantity of a pod's resource list: its defaulting
 * rounds each quantity up to milli precision (`0.1m` is `1m`, `999999n` is `1m`), then
 * writes it as `canonical` does. A controller that compares what it applies with what is
 * stored must apply this, or it rewrites such a value on every pass.
 *
 * @example
 * ```ts
 * import { Quantity } from "@whatap-operator/core"
 *
 * Quantity.inResourceList("0.1m") // => "1m"
 * Quantity.inResourceList("100Mi") // => "100Mi"
 * ```
 */
export const inResourceList = (input: string | number): string | number => stored(input, -3)

const stored = (input: string | number, precision: number): string | number => {
  const text = typeof input === "number" ? String(input) : input
  const pieces = Syntax.split(text)
  const parsed = pieces === undefined ? undefined : parse(pieces)
  if (pieces === undefined || parsed === undefined) return input
  if (parsed.scale >= precision && keptAsWritten(pieces, parsed.format)) return text
  const q = fast(pieces, parsed.format) ? parsed : capped(roundUpTo(parsed, -9))
  return written(roundUpTo(q, precision))
}

const written = (q: Parsed): string => {
  if (q.mantissa === 0n) return "0"
  if (q.format === "BinarySI" && abs(q.mantissa) >= 1024n * 10n ** BigInt(Math.max(0, -q.scale))) {
    const whole = integral(q)
    const text = whole === undefined ? undefined : binary(whole)
    if (text !== undefined) return text
  }
  return decimal(q.format === "BinarySI" ? { ...q, format: "DecimalSI" } : q)
}

/**
 * How two quantities compare by value (-1, 0 or 1), as apimachinery's `Quantity.Cmp`;
 * `undefined` when either is not a quantity.
 *
 * @example
 * ```ts
 * import { Quantity } from "@whatap-operator/core"
 *
 * Quantity.compare("200m", "0.05") // => 1
 * Quantity.compare("1Gi", "1024Mi") // => 0
 * Quantity.compare("1", "x") // => undefined
 * ```
 */
export const compare = (a: string | number, b: string | number): -1 | 0 | 1 | undefined => {
  const left = Syntax.parse(a)
  const right = Syntax.parse(b)
  if (!left.ok || !right.ok) return undefined
  const order = Syntax.compare(left.quantity, right.quantity)
  return order < 0 ? -1 : order > 0 ? 1 : 0
}

/**
 * `a - b` as a quantity's text (rounded up to a thousandth of the unit, as a pod's
 * resource lists are), or `undefined` when either is not a quantity.
 *
 * @example
 * ```ts
 * import { Quantity } from "@whatap-operator/core"
 *
 * Quantity.subtract("300m", "200m") // => "100m"
 * Quantity.subtract("1", "0.25") // => "750m"
 * Quantity.subtract("100m", "1") // => "-900m"
 * ```
 */
export const subtract = (a: string | number, b: string | number): string | undefined => {
  const left = Syntax.parse(a)
  const right = Syntax.parse(b)
  if (!left.ok || !right.ok) return undefined
  const numerator = (left.quantity.numerator * right.quantity.denominator - right.quantity.numerator * left.quantity.denominator) * 1000n
  const denominator = left.quantity.denominator * right.quantity.denominator
  const millis = numerator / denominator + (numerator % denominator > 0n ? 1n : 0n)
  return String(canonical(`${millis}m`))
}

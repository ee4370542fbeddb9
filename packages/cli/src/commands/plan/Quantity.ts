/**
 * Kubernetes resource quantities (`500m`, `1.5`, `256Mi`, `2Gi`, `1e3`) as exact
 * fractions of BigInts, for adding requests and comparing them with a ResourceQuota
 * without float rounding deciding whether a quota is exceeded; and formatting them back
 * the way `kubectl describe quota` shows them (CPU in cores or millicores, memory in the
 * largest binary unit that divides it).
 */

export interface Quantity {
  readonly numerator: bigint
  /** > 0 */
  readonly denominator: bigint
}

export const zero: Quantity = { numerator: 0n, denominator: 1n }

const grammar = /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]{1,3})?$/

const binary: Readonly<Record<string, bigint>> = { Ki: 1n, Mi: 2n, Gi: 3n, Ti: 4n, Pi: 5n, Ei: 6n }
const decimal: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 }

/** The quantity of a string or number; undefined when it is not one. */
export const parse = (input: unknown): Quantity | undefined => {
  const text = typeof input === "number" && Number.isFinite(input) ? String(input) : typeof input === "string" ? input.trim() : ""
  const match = grammar.exec(text)
  if (match === null) return undefined
  const [, sign = "", number = "", suffix = ""] = match
  const [whole = "", fraction = ""] = number.split(".")
  let numerator = BigInt(`${whole}${fraction}` || "0")
  let denominator = 10n ** BigInt(fraction.length)
  const exponent = decimal[suffix] ?? (/^[eE]/.test(suffix) ? Number(suffix.slice(1)) : 0)
  if (exponent >= 0) numerator *= 10n ** BigInt(exponent)
  else denominator *= 10n ** BigInt(-exponent)
  const power = binary[suffix]
  if (power !== undefined) numerator *= 1024n ** power
  return { numerator: sign === "-" ? -numerator : numerator, denominator }
}

export const add = (a: Quantity, b: Quantity): Quantity =>
  ({ numerator: a.numerator * b.denominator + b.numerator * a.denominator, denominator: a.denominator * b.denominator })

export const negate = (a: Quantity): Quantity => ({ numerator: -a.numerator, denominator: a.denominator })

export const times = (a: Quantity, n: number): Quantity => ({ numerator: a.numerator * BigInt(Math.max(0, Math.trunc(n))), denominator: a.denominator })

/** -1, 0 or 1 like a comparator. */
export const compare = (a: Quantity, b: Quantity): number => {
  const left = a.numerator * b.denominator
  const right = b.numerator * a.denominator
  return left < right ? -1 : left > right ? 1 : 0
}

export const max = (a: Quantity, b: Quantity): Quantity => (compare(a, b) >= 0 ? a : b)

export const isZero = (a: Quantity): boolean => a.numerator === 0n

/** Rounded up to a whole multiple of 1/scale (what the API server does with a finer value). */
const ceilTo = (a: Quantity, scale: bigint): bigint => {
  const scaled = a.numerator * scale
  const q = scaled / a.denominator
  return scaled % a.denominator > 0n ? q + 1n : q
}

const units: ReadonlyArray<readonly [string, bigint]> = [["Ei", 1024n ** 6n], ["Pi", 1024n ** 5n], ["Ti", 1024n ** 4n], ["Gi", 1024n ** 3n], ["Mi", 1024n ** 2n], ["Ki", 1024n]]

/** `1`, `250m` for CPU; `256Mi`, `1536Mi`, `1000` for memory and the rest. */
export const format = (a: Quantity, resource: string): string => {
  const sign = a.numerator < 0n ? "-" : ""
  const abs = { numerator: a.numerator < 0n ? -a.numerator : a.numerator, denominator: a.denominator }
  if (resource.endsWith("cpu")) {
    const millis = ceilTo(abs, 1000n)
    return millis % 1000n === 0n ? `${sign}${millis / 1000n}` : `${sign}${millis}m`
  }
  const whole = ceilTo(abs, 1n)
  const unit = units.find(([, size]) => whole >= size && whole % size === 0n)
  return unit === undefined ? `${sign}${whole}` : `${sign}${whole / unit[1]}${unit[0]}`
}

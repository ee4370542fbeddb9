/**
 * The corpus of the yaml.v2 differential test: hand-picked edge cases (every ASCII
 * character alone and around text, YAML 1.1 keywords in every casing, numbers in every
 * form Go's strconv accepts, timestamps, indicators, whitespace and line breaks,
 * unicode, long strings around the 80-column fold) plus a seeded random batch.
 * Printed as JSON on stdout; main.go turns it into the golden fixture (regenerate.sh).
 * Objects are mappings written as {"$map": [[key, value], ...]}.
 */
type Value = string | number | boolean | ReadonlyArray<Value> | { readonly $map: ReadonlyArray<readonly [string, Value]> }

const ascii = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i))

const aroundText = (c: string): ReadonlyArray<string> => [
  c, `a${c}b`, `${c}ab`, `ab${c}`, `a ${c} b`, `${c} a`, `a ${c}`, `${c}${c}`, `${c}\n`, `x${c}\ny`
]

/** Every upper/lower casing of a word (words here are at most 8 letters). */
const casings = (word: string): ReadonlyArray<string> => {
  const letters = [...word]
  const out = new Set<string>()
  for (let mask = 0; mask < 1 << letters.length; mask++) {
    out.add(letters.map((ch, i) => ((mask >> i) & 1 ? ch.toUpperCase() : ch.toLowerCase())).join(""))
  }
  return [...out]
}

const keywords = [
  "y", "n", "yes", "no", "true", "false", "on", "off", "null", "~", ".nan", ".inf", "+.inf", "-.inf",
  "inf", "nan", "infinity", "<<", "=", "none", "nil", "yeah", "nope", "ok", "tru", "truee", ".infinity"
]

const numbers = [
  "0", "00", "01", "07", "08", "09", "010", "0x1F", "0X1f", "0x", "0xG", "0x1G", "0o17", "0O17", "0o8", "0o", "0b101",
  "0B101", "0b102", "0b", "-0b101", "0b-101", "+0b1", "0b+1", "-0b-1", "-0b+1", "-0b", "1_000", "_1000", "1000_",
  "1__0", "0x_1F", "0_x1F", "+1", "-1", "+-1", "-+1", "--1", "++1", "+", "-", "1e3", "1E3", "1e+3", "1e-3", "1.e3",
  ".5", "5.", "-.5", "+.5", ".e5", "1.5", "1.5.5", "1e400", "-1e400", "1e-400", "1.7976931348623157e308",
  "1.7976931348623159e308", "9223372036854775807", "9223372036854775808", "18446744073709551615",
  "18446744073709551616", "-9223372036854775808", "-9223372036854775809", "0x7FFFFFFFFFFFFFFF",
  "0xFFFFFFFFFFFFFFFF", "0x10000000000000000", "-0x8000000000000000", "-0x8000000000000001", "1_2.3_4", "1.2_3",
  "0x1p-2", "0x1.8p1", "1e3_0", "1_e3", "Inf", "+Inf", "-Infinity", "NaN", "1:20", "1:20:30", "190:20:30.15",
  "-1:20", "+1:20", "1:60", "1:5", "1:2:3.4_5", "1:2.", "1:", ":1", "1::2", "12:5a", "1_0:20", "1:20.5:3", "0.",
  "0.0", "-0", "+0", "0e0", "1e", "1e+", "e3", "3e", ".", "..", "._5", "._", "1,000", "1 000", "0x1f ", " 1",
  "1.0e-10", "6.8523015e+5", "685.230_15e+03", "685_230.15", "+685_230", "02472256", "0b1010_0111_0100_1010_1110",
  "190:20:30", "0o14", "0.1e1", "12e03", "-12e-03", "1_", "0_", "0b_1", "0o_7", "99999999999999999999999",
  "1" + "0".repeat(400), "0." + "1".repeat(50), "4", "9400", "30", "-30", "1.", "+.", "-.", "+.5e", ".5e3", ".5_0",
  ".0", ".1.2", ".5e400", ".e", ".E3", ".5E+3", ".inf5", "0x1.8", "0x.8p1", "1p3", "0xap0"
]

const timestamps = [
  "2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14T21:59:43.10-05:00", "2001-12-14T21:59:43Z",
  "2001-12-14 21:59:43.10", "2001-12-14 21:59:43.10 -5", "2001-12-14 21:59:43", "2002-12-14", "2001-1-2",
  "2001-02-30", "2001-02-29", "2000-02-29", "1900-02-29", "2001-13-01", "2001-00-01", "2001-01-00", "2001-01-32",
  "2001-12-14T25:00:00Z", "2001-12-14T24:00:00Z", "2001-12-14T23:60:00Z", "2001-12-14T23:59:60Z",
  "2001-12-14T21:59:43+24:00", "2001-12-14T21:59:43+25:00", "2001-12-14T21:59:43+05:61", "2001-12-14T21:59:43+05:60",
  "2001-12-14  21:59:43", "2001-12-14   21:59:43.5", "2001-12-14T21:59:43.Z", "2001-12-14T21:59:43.123456789123Z",
  "2001-12-14T21:59Z", "2001-12-14T21:59:43+0500", "2001-12-14T1:2:3Z", "2001-12-14T01:02:03Z", "02001-12-14",
  "201-12-14", "2001-12-1", "2001-012-14", "2001-12-014", "2001-12-14x", "2001-12-14 ", "2001-12-14T",
  "2001-12-14T21:59:43 Z", "2001-12-14 21:59:43.", "2001-12-14 21:59:43,5", "2001-12-14T21:59:43,5Z",
  "2001-12-14T21:59:43-05:00", "2001-12-14T21:59:43-05", "2001-12-14T21:59:43+5:00", "2001-12-14T21:59:43*05:00",
  "2001-12-14T21:59:43+05:00x", "2001-12-14t21:59:43z", "2001-12-14 21:59", "2001-12-14 21", "2001-12",
  "2001-", "2001", "20011214", "2001/12/14", "+2001-12-14", "-2001-12-14", "2001-1-1 1:1:1", "2001-1-1 1:1:1.1",
  "2001-1-1\t1:1:1", "2001-12-14T21:59:43.1e5Z", "9999-12-31", "0000-01-01", "2001-12-14T21:59:43+00:00",
  "2001-12-14T21:59:43-00:00", "2001-12-14T21:59:43+99:99", "2001-12-14 21:59:43 ", "2001-12-14T21:59:43.Z05:00",
  "1234-56-78", "2001-2-3T4:5:6.7+08:30", "2001-12-14T21:59:43ZZ", "2001-12-14T21:59:43+05:00:00"
]

const indicators = [
  "- a", "-a", "--", "---", "--- a", "---a", "...", "....", "... a", "? a", "?a", "?", ": a", ":a", "a:", "a: b",
  "a:b", "a #b", "a#b", "#a", "a:\tb", "a\t#b", "-\ta", "?\ta", ":\ta", "a :b", "a ::", "::", "a::b", "http://x:1/y",
  "key=value", "a, b", "[a]", "{a: b}", "a]", "a}", "-1a", "- ", " -", "-- -", "|-", ">-", "!!str", "!tag", "&anchor",
  "*alias", "%YAML", "@a", "`a", "'a'", "\"a\"", "it's", "say \"hi\"", "\\", "a\\b", "\\n", "<<: *a", "==", "!=",
  "a - b", "a ? b", "a | b", "a > b", "a & b", "a * b", "a ! b", "a % b", "a @ b", "a ` b", "#", "a#", "a #", "a\t#",
  "DCGM.*", "__name__", "/metrics", "30s", "10.0.0.1:9100", "1.2.3.4:9100", "/etc/ssl/certs/ca/ca.crt", "Bearer",
  "team.io/prj-id", ";", "(.*)", "$1", "${1}", "a;b", "^(prjId)$", "https://example.com/x?y=1&z=2"
]

const whitespace = [
  "", " ", "  ", "\t", "\t\t", " a", "a ", " a ", "a  b", "a\tb", "\ta", "a\t", "a\nb", "a\n", "\na", "\n", "\n\n",
  "a\n\n", "a\n\nb", "a\r\nb", "a\rb", "\r", "\r\n", "a\r", "\ra", " \na", "a \nb", "a\n b", "a\n\tb", "a\n \n b",
  "\n a", " \n", "a\n ", "a\n\n\n", "\n\na", "a\u0085b", "\u0085", "a\u2028b", "a\u2029", "\u2028", "a\n\u2028b",
  "a\u2028", "a\rb\nc", "a\n\rb", "  a\n", "\ta\nb", "a\tb\nc", "a\n\tb\n", "a b\nc d\n", "#a\nb", "- a\nb",
  "a: b\nc", "\"a\nb", "'a\nb", "a\n#b", "a\n- b", "a\n...\n", "a\n---\nb", "\u0000", "a\u0000b", "\u0007",
  "a\u001bb", "\u000b", "\f", "a\u007fb", "\u00a0", "a\u00a0b", "\u0080", "\u009f", "\u00ff", "\u0100"
]

const unicode = [
  "é", "日本語", "😀", "a😀b", "😀\n", "\ufeff", "\ufeffa", "a\ufeff", "\ufeff a", "\ufeff\n", "\ufffe", "\uffff",
  "\ufffd", "\ud800", "\udc00", "a\ud800b", "\u200b", "\ue000", "\uefff", "\uf000", "\ud7ff", "\u0300", "é longer",
  "naïve café", "über: alles", "😀 😀", "a\u{10ffff}", "\u{1f600}\u{1f601}", "Ω≈ç√∫", "한국어 텍스트", "a\u00a0",
  "\u00a0a", "\u2029", "\u0085a", "tab\u00e9\t"
]

const words = ["alpha", "be", "c", "delta-echo", "f:g", "h #i", "'j'", "k\"l", "m\tn", "ünï", "😀", "-", "?", "x y"]

/** Deterministic mulberry32, so the corpus (and the fixture) never changes unless this file does. */
const prng = (seed: number) => {
  let a = seed
  return (): number => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const longStrings = (): ReadonlyArray<string> => {
  const out: Array<string> = []
  for (let n = 70; n <= 140; n += 3) {
    out.push("word ".repeat(Math.ceil(n / 5)).slice(0, n), "x".repeat(n), `${"ab ".repeat(n / 3)}:${" c".repeat(10)}`)
  }
  for (const len of [78, 79, 80, 81, 82, 83, 120, 127, 128, 129, 130, 200]) {
    const base = "a".repeat(len)
    out.push(base, `${base} b`, `${base}  b  c`, `${base.slice(0, 60)} ${base.slice(60)}`, `'${base}`, `${base}\t x`)
    out.push(`k${"é".repeat(len / 2)} z`, `${"z".repeat(len - 1)}é`, `${"z".repeat(len - 2)} ${"y ".repeat(20)}`)
  }
  const sentence = "the quick brown fox jumps over the lazy dog "
  for (const mark of ["", " #x", ": ", "\t", "\n", "  ", " \n", "\"", "'", "true"]) {
    out.push(`${sentence.repeat(3)}${mark}${sentence.repeat(2)}`.trim(), ` ${sentence.repeat(4)}${mark}`)
  }
  out.push(`${"1".repeat(100)}`, `${"1".repeat(90)} 1`, `${"line ".repeat(30)}\n${"next ".repeat(30)}`)
  out.push(`${"a ".repeat(50)}\u00e9${" b".repeat(50)}`, `${"\t".repeat(3)}${"a b ".repeat(40)}`)
  out.push(`${"a  ".repeat(40)}`, `x${"  y".repeat(40)}`, `"${"q ".repeat(50)}`, `${"q ".repeat(50)}😀${" r".repeat(20)}`)
  return out
}

const pieces = [
  "a", "b", "z", "A", "0", "1", "9", "-", "_", ".", " ", " ", "  ", "\t", "\n", "\r", ":", "#", "?", "'", "\"",
  "\\", ",", "[", "]", "{", "}", "&", "*", "!", "|", ">", "%", "@", "`", "~", "=", "+", "é", "😀", "\u00a0",
  "\u0085", "\u2028", "\ufeff", "\u0000", "\u001b", "true", "null", "yes", "0x", "1e", "---", "...", "- ", ": ", " #"
]

const randomStrings = (count: number): ReadonlyArray<string> => {
  const random = prng(20261125)
  const pick = <A>(xs: ReadonlyArray<A>): A => {
    const item = xs[Math.floor(random() * xs.length)]
    if (item === undefined) throw new Error("pick from an empty list")
    return item
  }
  return Array.from({ length: count }, (_, i) => {
    if (i % 10 === 9) {
      const n = 10 + Math.floor(random() * 40)
      return Array.from({ length: n }, () => pick(words)).join(random() < 0.8 ? " " : "  ")
    }
    const n = Math.floor(random() * 8)
    return Array.from({ length: n }, () => pick(pieces)).join("")
  })
}

const m = (...entries: ReadonlyArray<readonly [string, Value]>): Value => ({ $map: entries })

const structures: ReadonlyArray<Value> = [
  0, 1, -1, 4, 9400, 2147483647, -2147483648, 9007199254740991, -9007199254740991, true, false,
  [], [[]], [[], []], [[[]]], ["a", ["b", ["c"]]], [m()], [m(), []], m(), m(["a", m()]), m(["a", []]),
  m(["a", "b"], ["c", ["d", "e"]], ["f", m(["g", 1], ["h", true])]), [m(["a", 1]), m(["b", [m(["c", "d"])]])],
  m(["", "empty key"]), m(["x", ""]), m(["true", "yes"], ["9400", "on"]), m(["a\nb", "c"], ["d", "e"]),
  m(["k".repeat(129), "v"], ["z", 1]), m(["k".repeat(129), ["v", "w"]]), m(["k".repeat(129), m(["x", "y"])]),
  m(["k".repeat(128), ["v"]]), m(["é".repeat(64), "v"]), m(["é".repeat(65), "v"]), m(["a\nb", ["c"]]),
  m(["a\nb", m(["c", "d"])]), m(["a\nb", []]), m(["a\nb", m()]), m(["k".repeat(130), []]), m(["k".repeat(130), m()]),
  [["a"], m(["b", ["c"]])], m(["a", [["b"]]]), [m(["a", "x\ny"], ["b", "z"])], m(["a", "x\n"], ["b", "y"]),
  m(["a", "x\n\n"], ["b", "y"]), m(["a", ["x\n", "y\n\n", "\nz"]]), m(["a", m(["b", m(["c", m(["d", "x\ny"])])])]),
  m(["a", [["x\ny"]]]), m(["long", `${"word ".repeat(30)}end`]), m(["a", m(["b", m(["c", `${"w ".repeat(50)}e`])])])
]

const corpus: ReadonlyArray<Value> = [
  ...ascii.flatMap(aroundText),
  ...keywords.flatMap(casings),
  ...numbers,
  ...numbers.map((n) => `${n} `),
  ...timestamps,
  ...indicators,
  ...whitespace,
  ...unicode,
  ...longStrings(),
  ...randomStrings(3000),
  ...structures
]

process.stdout.write(`${JSON.stringify(corpus)}\n`)

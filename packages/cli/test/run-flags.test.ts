/**
 * The value parsers of `whatapctl run` (and `render`): durations in Go's forms, listen
 * addresses, the webhook base URL and the operator namespace, table-driven with the
 * edge cases on both sides of each rule.
 */
import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Duration, Effect, Result } from "effect"
import type { Parsed } from "../src/Args.ts"
import { parse } from "../src/Args.ts"
import { commands } from "../src/Cli.ts"
import { gpuMemoryCheck, minimumLevel, parseAddress, parseDuration, parseNamespace, parseWebhookUrl, zapLevel } from "../src/commands/run.ts"

const success = <A>(result: Result.Result<A, string>, input: string): A => {
  if (Result.isFailure(result)) return assert.fail(`${JSON.stringify(input)}: ${result.failure}`)
  return result.success
}

const failure = <A>(result: Result.Result<A, string>, input: string): string => {
  if (Result.isSuccess(result)) return assert.fail(`${JSON.stringify(input)} was accepted as ${JSON.stringify(result.success)}`)
  return result.failure
}

describe("parseDuration", () => {
  const valid: ReadonlyArray<readonly [string, number]> = [
    ["500ms", 500],
    ["1ms", 1],
    ["30s", 30_000],
    ["5m", 300_000],
    ["1h", 3_600_000],
    ["1.5h", 5_400_000],
    ["1h30m", 5_400_000],
    ["1m30.5s", 90_500],
    ["2h45m10s250ms", 9_910_250],
    [".5s", 500],
    ["1.s", 1000],
    ["0.5ms", 0.5],
    ["0h1s", 1000],
    ["90s", 90_000],
    ["1000000h", 3_600_000_000_000]
  ]
  it.each(valid)("%s is %d ms", (input, millis) => {
    assert.strictEqual(Duration.toMillis(success(parseDuration(input), input)), millis)
  })

  const malformed = ["", "5", "s", "ms", "5x", "1d", "1w", "5M", "5S", "1H", "-1s", "+1s", " 5m", "5m ", "1h 30m", "1e3s", "1_000s",
    "..5s", "1..5s", "5mss", "5sm0", "Infinity s", "NaNs", "0x10s", "1µs", "1us", "1ns", "１s"]
  it.each(malformed)("%j is malformed", (input) => {
    assert.include(failure(parseDuration(input), input), `invalid duration ${JSON.stringify(input)}: expected e.g. 30s, 5m, 1h30m`)
  })

  it.each(["0s", "0ms", "0h0m0s", "0.0s", ".0m"])("%s is not positive", (input) => {
    assert.strictEqual(failure(parseDuration(input), input), `duration ${JSON.stringify(input)} must be positive`)
  })

  it("a number too large for a double is out of range, not Infinity", () => {
    const input = `${"9".repeat(400)}h`
    assert.strictEqual(failure(parseDuration(input), input), `duration ${JSON.stringify(input)} is out of range`)
  })
})

describe("parseAddress", () => {
  const valid: ReadonlyArray<readonly [string, { host: string | undefined; port: number }]> = [
    [":8081", { host: undefined, port: 8081 }],
    [":0", { host: undefined, port: 0 }],
    ["127.0.0.1:0", { host: "127.0.0.1", port: 0 }],
    ["127.0.0.1:65535", { host: "127.0.0.1", port: 65535 }],
    ["localhost:8080", { host: "localhost", port: 8080 }],
    ["[::1]:8081", { host: "::1", port: 8081 }],
    ["[::]:9443", { host: "::", port: 9443 }],
    ["[fe80::1%eth0]:80", { host: "fe80::1%eth0", port: 80 }],
    ["0.0.0.0:08081", { host: "0.0.0.0", port: 8081 }]
  ]
  it.each(valid)("%s", (input, expected) => {
    assert.deepStrictEqual(success(parseAddress(input), input), expected)
  })

  it("0 disables the listener", () => {
    assert.isUndefined(success(parseAddress("0"), "0"))
  })

  const invalid = ["", "8081", "00", ":", "localhost", "localhost:", ":65536", ":99999", ":123456", ":-1", ":80a", ":８０",
    "::1:8081", "[::1]", "[::1]8081", "[]:80", "[::1:80", "::1]:80", "a:b:80", "host name:80", " :80", ":80 ", "http://h:80"]
  it.each(invalid)("%j is invalid", (input) => {
    assert.strictEqual(failure(parseAddress(input), input), `invalid address ${JSON.stringify(input)}: expected HOST:PORT, :PORT or 0`)
  })
})

describe("parseWebhookUrl", () => {
  it.each(["https://127.0.0.1:9443", "https://localhost", "https://webhook.example.com:443", "https://[::1]:9443", "https://h:1", "https://h:65535"])(
    "%s is kept as given",
    (input) => {
      assert.strictEqual(success(parseWebhookUrl(input), input), input)
    }
  )

  const invalid = ["", "https://", "http://127.0.0.1:9443", "HTTPS://h", "127.0.0.1:9443", "https://h/", "https://h/mutate",
    "https://h:9443/", "https://h?x=1", "https://h#f", "https://user@h", "https://user:pw@h:9443", "https://h:0", "https://h:65536",
    "https://h:", "https://-h", "https://h-", "https://h h", "https://[::1", "https://h:9443 ", " https://h"]
  it.each(invalid)("%j is invalid", (input) => {
    assert.strictEqual(failure(parseWebhookUrl(input), input), `invalid --webhook-url ${JSON.stringify(input)}: expected https://HOST[:PORT] without a path`)
  })
})

describe("parseNamespace", () => {
  it.each(["whatap-monitoring", "a", "0", "ns-1", "a".repeat(63)])("%s is a namespace", (input) => {
    assert.strictEqual(success(parseNamespace(input), input), input)
  })

  it.each(["", "Other", "a_b", "a.b", "-a", "a-", "a b", "a".repeat(64)])("%j is not", (input) => {
    assert.include(failure(parseNamespace(input), input), `invalid namespace ${JSON.stringify(input)}: `)
  })

  it("says why, in the API server's words", () => {
    assert.include(failure(parseNamespace("Other"), "Other"), "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'")
    assert.include(failure(parseNamespace("a".repeat(64)), "64 a"), "must be no more than 63 characters")
  })
})

describe("gpuMemoryCheck (--enable-gpu-memory-check, else the Go operator's environment variable)", () => {
  const parsed = (values: Record<string, string>): Parsed => ({ operands: [], values: new Map(Object.entries(values)), lists: new Map(), switches: new Set() })
  const withEnv = (env: Record<string, string>) => Effect.provide(ConfigProvider.layer(ConfigProvider.fromEnv({ env })))

  it.effect("the flag wins over the environment", () =>
    Effect.gen(function*() {
      assert.isTrue(yield* gpuMemoryCheck(parsed({ "enable-gpu-memory-check": "true" })).pipe(withEnv({})))
      assert.isFalse(yield* gpuMemoryCheck(parsed({ "enable-gpu-memory-check": "0" })).pipe(withEnv({ ENABLED_WHATAP_DCGM_EXPORTER_MEMORY_CHECK: "true" })))
    }))

  it.effect("a flag value that is not a boolean is a usage error", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(gpuMemoryCheck(parsed({ "enable-gpu-memory-check": "maybe" })).pipe(withEnv({})))
      assert.include(error.message, "--enable-gpu-memory-check takes true or false")
    }))

  it.effect("the environment variable reads as Go's strconv.ParseBool; anything else (and absence) is off", () =>
    Effect.gen(function*() {
      const of = (value: string | undefined) =>
        gpuMemoryCheck(parsed({})).pipe(withEnv(value === undefined ? {} : { ENABLED_WHATAP_DCGM_EXPORTER_MEMORY_CHECK: value }))
      assert.deepStrictEqual(
        [yield* of("T"), yield* of("1"), yield* of("TRUE"), yield* of("yes"), yield* of("on"), yield* of(undefined), yield* of("false")],
        [true, true, true, false, false, false, false]
      )
    }))
})

describe("the Go operator's flags (its Deployment's args run this operator)", () => {
  const runFlags = commands.find((c) => c.path.join(" ") === "run")?.flags ?? []
  const argv = (args: ReadonlyArray<string>): Parsed => {
    const parsed = parse(args, runFlags)
    return Result.isSuccess(parsed) ? parsed.success : assert.fail(parsed.failure)
  }
  const withEnv = (env: Record<string, string>) => Effect.provide(ConfigProvider.layer(ConfigProvider.fromEnv({ env })))

  it("a Go bool flag alone is true; with = or a Go literal after it, that value; another word stays an operand", () => {
    assert.strictEqual(argv(["--leader-elect"]).values.get("leader-elect"), "true")
    assert.strictEqual(argv(["--leader-elect=false"]).values.get("leader-elect"), "false")
    assert.strictEqual(argv(["--leader-elect", "F"]).values.get("leader-elect"), "F")
    const alone = argv(["--leader-elect", "--metrics-secure", "yes"])
    assert.strictEqual(alone.values.get("leader-elect"), "true")
    assert.strictEqual(alone.values.get("metrics-secure"), "true")
    assert.deepStrictEqual(alone.operands, ["yes"])
  })

  it("Go's one-dash spelling of a long flag; one-letter aliases unchanged", () => {
    const go = argv(["-leader-elect", "-zap-log-level=INFO", "-metrics-bind-address", ":8080", "-n", "ns"])
    assert.strictEqual(go.values.get("leader-elect"), "true")
    assert.strictEqual(go.values.get("zap-log-level"), "INFO")
    assert.strictEqual(go.values.get("metrics-bind-address"), ":8080")
    assert.strictEqual(go.values.get("namespace"), "ns")
    assert.isTrue(Result.isFailure(parse(["-bogus-flag"], runFlags)))
  })

  it("--zap-log-level: names and controller-runtime's numeric verbosities", () => {
    for (const [text, level] of [["debug", "Debug"], ["INFO", "Info"], ["Warn", "Warn"], ["error", "Error"], ["panic", "Error"], ["3", "Debug"], ["02", "Debug"], ["+4", "Debug"]] as const) {
      assert.strictEqual(success(zapLevel(text), text), level)
    }
    for (const text of ["0", "-1", "warning", "toString", "", "1.5"]) failure(zapLevel(text), text)
  })

  it.effect("the level: --log-level, else --zap-log-level, else debug in development mode (--zap-devel, $DEBUG), else info", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* minimumLevel(argv(["--log-level", "error", "--zap-log-level", "debug"])).pipe(withEnv({})), "Error")
      assert.strictEqual(yield* minimumLevel(argv(["--zap-log-level", "warn", "--zap-devel"])).pipe(withEnv({})), "Warn")
      assert.strictEqual(yield* minimumLevel(argv(["--zap-devel"])).pipe(withEnv({})), "Debug")
      assert.strictEqual(yield* minimumLevel(argv(["--zap-devel=false"])).pipe(withEnv({ DEBUG: "true" })), "Info")
      assert.strictEqual(yield* minimumLevel(argv([])).pipe(withEnv({ DEBUG: "1" })), "Debug")
      assert.strictEqual(yield* minimumLevel(argv([])).pipe(withEnv({ debug: "true" })), "Debug")
      assert.strictEqual(yield* minimumLevel(argv([])).pipe(withEnv({ DEBUG: "yes" })), "Info")
      assert.strictEqual(yield* minimumLevel(argv([])).pipe(withEnv({})), "Info")
    }))
})


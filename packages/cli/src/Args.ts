/**
 * A small argv parser with exactly the behaviour the CLI contract needs: `--flag value`,
 * `--flag=value`, `-o value`, boolean flags, `--` to end flags and `-` as an ordinary
 * operand (stdin). Unknown flags and missing values are usage errors (exit 2). A flag
 * with a Go-style boolean value (`boolean`) also stands alone for true (`--leader-elect`,
 * as the Go operator's Deployment passes it), and takes the next word as its value only
 * when that word is a Go boolean literal.
 * Why not effect/cli: see docs/adr/0002-cli-argument-parsing.md.
 */
import { Result } from "effect"

export interface FlagSpec {
  readonly name: string
  readonly alias?: string
  /** false for switches like `--explain` */
  readonly takesValue: boolean
  readonly description: string
  readonly valueName?: string
  /** May be given more than once (`-f a.yaml -f b.yaml`); every value is kept in `lists`. */
  readonly repeatable?: boolean
  /** A value flag read as Go reads a bool flag: alone it is "true" (see the module comment). */
  readonly boolean?: boolean
}

/** Go's `strconv.ParseBool` literals. */
export const goBools: ReadonlySet<string> = new Set(["1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"])

export interface Parsed {
  /** The last value of each flag. */
  readonly values: ReadonlyMap<string, string>
  /** Every value of each flag, in order (for repeatable flags). */
  readonly lists: ReadonlyMap<string, ReadonlyArray<string>>
  readonly switches: ReadonlySet<string>
  readonly operands: ReadonlyArray<string>
}

export const helpFlag: FlagSpec = { name: "help", alias: "h", takesValue: false, description: "show help for this command" }

const find = (specs: ReadonlyArray<FlagSpec>, token: string): FlagSpec | undefined =>
  token.startsWith("--")
    ? specs.find((s) => s.name === token.slice(2))
    : specs.find((s) => s.alias !== undefined && s.alias === token.slice(1))

/**
 * Go's flag package reads a long flag with one dash too (`-leader-elect`,
 * `-zap-log-level=info`): such a token naming a known long flag is read as `--name`. A
 * one-letter alias (`-n`) is unchanged.
 */
const goLong = (specs: ReadonlyArray<FlagSpec>, arg: string): string => {
  if (!arg.startsWith("-") || arg.startsWith("--") || arg.length < 3) return arg
  const name = arg.slice(1).split("=", 1)[0] ?? ""
  return name.length > 1 && specs.some((s) => s.name === name) ? `-${arg}` : arg
}

/** Parses `argv` against `specs` (help is always known); the failure is a usage message. */
export const parse = (argv: ReadonlyArray<string>, specs: ReadonlyArray<FlagSpec>): Result.Result<Parsed, string> => {
  const all = [...specs, helpFlag]
  const values = new Map<string, string>()
  const lists = new Map<string, Array<string>>()
  const switches = new Set<string>()
  const operands: Array<string> = []
  for (let i = 0; i < argv.length; i++) {
    const arg = goLong(all, argv[i] ?? "")
    if (arg === "--") {
      operands.push(...argv.slice(i + 1))
      break
    }
    if (arg === "-" || !arg.startsWith("-")) {
      operands.push(arg)
      continue
    }
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1
    const token = eq >= 0 ? arg.slice(0, eq) : arg
    const spec = find(all, token)
    if (spec === undefined) return Result.fail(`unknown flag ${token}`)
    if (!spec.takesValue) {
      if (eq >= 0) return Result.fail(`flag --${spec.name} does not take a value`)
      switches.add(spec.name)
      continue
    }
    const next = argv[i + 1]
    const standsAlone = spec.boolean === true && eq < 0 && (next === undefined || !goBools.has(next))
    const value = standsAlone ? "true" : eq >= 0 ? arg.slice(eq + 1) : argv[++i]
    if (value === undefined) return Result.fail(`flag ${token} needs a value`)
    values.set(spec.name, value)
    lists.set(spec.name, [...(lists.get(spec.name) ?? []), value])
  }
  return Result.succeed({ values, lists, switches, operands })
}

/** `-o` with its allowed values, checked so that a typo is a usage error, not a default. */
export const choice = <A extends string>(
  parsed: Parsed,
  name: string,
  allowed: ReadonlyArray<A>,
  fallback: A
): Result.Result<A, string> => {
  const value = parsed.values.get(name)
  if (value === undefined) return Result.succeed(fallback)
  const found = allowed.find((a) => a === value)
  return found === undefined
    ? Result.fail(`invalid value ${JSON.stringify(value)} for --${name}: expected one of ${allowed.join(", ")}`)
    : Result.succeed(found)
}

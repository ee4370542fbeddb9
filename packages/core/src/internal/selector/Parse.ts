/**
 * Recursive-descent parser for the selector string form (`app in (a,b),!legacy,tier!=db`),
 * following the grammar, the error wording and the quirks of apimachinery's
 * `labels.Parse`: `in`/`notin` are also valid keys and values, `k=` and `k in ()` mean the
 * empty value, a bare key means Exists, values form a set. Errors additionally carry the
 * 0-based position of the offending token, which Go's parser does not report.
 */
import { Result } from "effect"
import { tokenize, type Token } from "./Lexer.ts"
import {
  issue, keyIssues, make, operandIssues, selectorError, sortedUnique,
  type Issue, type Operator, type Requirement, type Selector, type SelectorError
} from "./Model.ts"

interface State {
  readonly tokens: ReadonlyArray<Token>
  at: number
}

type Step<A> = Result.Result<A, ReadonlyArray<Issue>>

interface Operand {
  readonly values: Array<string>
  readonly positions: Array<number>
}

const fail = (message: string, token: Token): Step<never> => Result.fail([issue([], message, token.position)])

/** In value position the keywords `in` and `notin` are plain identifiers. */
const asValue = (token: Token): Token =>
  token.kind === "In" || token.kind === "NotIn" ? { ...token, kind: "Identifier" } : token

const current = (s: State): Token => s.tokens[s.at] ?? { kind: "End", text: "", position: 0 }
const peek = (s: State): Token => asValue(current(s))
const nextRaw = (s: State): Token => {
  const token = current(s)
  if (s.at < s.tokens.length - 1) s.at++
  return token
}
const next = (s: State): Token => asValue(nextRaw(s))

const binaryOperators: Partial<Record<Token["kind"], Operator>> = {
  In: "In", NotIn: "NotIn", Equals: "Equals", DoubleEquals: "DoubleEquals", NotEquals: "NotEquals", Gt: "Gt", Lt: "Lt"
}

const parseExactValue = (s: State): Step<Operand> => {
  const ahead = peek(s)
  if (ahead.kind === "End" || ahead.kind === "Comma") return Result.succeed({ values: [""], positions: [ahead.position] })
  const token = next(s)
  return token.kind === "Identifier"
    ? Result.succeed({ values: [token.text], positions: [token.position] })
    : fail(`found '${token.text}', expected: identifier`, token)
}

/** The inside of `( ... )`; empty entries (`(a,,b)`, `(,a)`, `(a,)`) are the empty value. */
const parseValueList = (s: State, out: Operand): Step<Operand> => {
  for (;;) {
    const token = next(s)
    if (token.kind === "Identifier") {
      out.values.push(token.text)
      out.positions.push(token.position)
      const ahead = peek(s)
      if (ahead.kind === "ClosePar") return (next(s), Result.succeed(out))
      if (ahead.kind !== "Comma") return fail(`found '${ahead.text}', expected: ',' or ')'`, ahead)
      continue
    }
    if (token.kind !== "Comma") return fail(`found '${token.text}', expected: ',', or identifier`, token)
    const ahead = peek(s)
    if (out.values.length === 0 || ahead.kind === "ClosePar" || ahead.kind === "Comma") {
      out.values.push("")
      out.positions.push(token.position)
    }
    if (ahead.kind === "ClosePar") return (next(s), Result.succeed(out))
  }
}

const parseValueSet = (s: State): Step<Operand> => {
  const open = next(s)
  if (open.kind !== "OpenPar") return fail(`found '${open.text}' expected: '('`, open)
  const ahead = peek(s)
  if (ahead.kind === "ClosePar") return (next(s), Result.succeed({ values: [""], positions: [ahead.position] }))
  if (ahead.kind !== "Identifier" && ahead.kind !== "Comma") {
    return fail(`found '${ahead.text}', expected: ',', ')' or identifier`, ahead)
  }
  return parseValueList(s, { values: [], positions: [] })
}

const parseOperand = (s: State, key: string): Step<Requirement> => {
  const token = nextRaw(s)
  const operator = binaryOperators[token.kind]
  if (operator === undefined) return fail(`found '${token.text}', expected: in, notin, =, ==, !=, gt, lt`, token)
  const operand = operator === "In" || operator === "NotIn" ? parseValueSet(s) : parseExactValue(s)
  if (Result.isFailure(operand)) return Result.fail(operand.failure)
  const { values, positions } = operand.success
  const issues = operandIssues(operator, values, [], positions)
  return issues.length > 0 ? Result.fail(issues) : Result.succeed({ key, operator, values: sortedUnique(values) })
}

const parseRequirement = (s: State): Step<Requirement> => {
  let token = next(s)
  const negated = token.kind === "Not"
  if (negated) token = next(s)
  if (token.kind !== "Identifier") return fail(`found '${token.text}', expected: identifier`, token)
  const bad = keyIssues(token.text, [], token.position)
  if (bad.length > 0) return Result.fail(bad)
  const ahead = peek(s)
  // `!key` never takes an operand: anything after it fails as a missing ',' below.
  if (negated) return Result.succeed({ key: token.text, operator: "DoesNotExist", values: [] })
  if (ahead.kind === "End" || ahead.kind === "Comma") return Result.succeed({ key: token.text, operator: "Exists", values: [] })
  return parseOperand(s, token.text)
}

const prefixed = (issues: ReadonlyArray<Issue>): ReadonlyArray<Issue> =>
  issues.map((i) => ({ ...i, message: `unable to parse requirement: ${i.message}` }))

const startsRequirement = (token: Token): boolean => token.kind === "Identifier" || token.kind === "Not"

/**
 * Parse the string form; "" is `everything`. Requirements come back sorted by key.
 *
 * @example
 * ```ts
 * import { Result } from "effect"
 * import { Selector } from "@whatap-operator/core"
 *
 * Selector.format(Result.getOrThrow(Selector.parse(" tier notin (db) , app=web"))) // => "app=web,tier notin (db)"
 * Result.isFailure(Selector.parse("app in (web")) // => true
 * ```
 */
export const parse = (input: string): Result.Result<Selector, SelectorError> => {
  const s: State = { tokens: tokenize(input), at: 0 }
  const requirements: Array<Requirement> = []
  const stop = (message: string, token: Token) => Result.fail(selectorError([issue([], message, token.position)]))
  for (;;) {
    const token = peek(s)
    if (token.kind === "End") return Result.succeed(make(requirements))
    if (!startsRequirement(token)) return stop(`found '${token.text}', expected: !, identifier, or 'end of string'`, token)
    const requirement = parseRequirement(s)
    if (Result.isFailure(requirement)) return Result.fail(selectorError(prefixed(requirement.failure)))
    requirements.push(requirement.success)
    const separator = next(s)
    if (separator.kind === "End") return Result.succeed(make(requirements))
    if (separator.kind !== "Comma") return stop(`found '${separator.text}', expected: ',' or 'end of string'`, separator)
    const after = peek(s)
    if (!startsRequirement(after)) return stop(`found '${after.text}', expected: identifier after ','`, after)
  }
}

/**
 * The string form: apimachinery's grammar, canonical printing and error reporting,
 * as tables of (input, expected canonical form) and (input, expected error, position).
 */
import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import { Selector } from "../src/index.ts"

const canonical = (input: string): string => {
  const parsed = Selector.parse(input)
  if (Result.isFailure(parsed)) return assert.fail(`${JSON.stringify(input)} did not parse: ${parsed.failure.message}`)
  return Selector.format(parsed.success)
}

const failure = (input: string): Selector.SelectorError => {
  const parsed = Selector.parse(input)
  if (Result.isSuccess(parsed)) return assert.fail(`${JSON.stringify(input)} parsed as ${Selector.format(parsed.success)}`)
  return parsed.failure
}

describe("Selector.parse / format", () => {
  const valid: ReadonlyArray<readonly [string, string]> = [
    ["", ""],
    ["   ", ""],
    ["x", "x"],
    ["!x", "!x"],
    [" ! x ", "!x"],
    ["x=a", "x=a"],
    ["x==a", "x==a"],
    ["x!=a", "x!=a"],
    ["x = a", "x=a"],
    ["\tx\r\n=\na ", "x=a"],
    ["x=", "x="],
    ["x==", "x=="],
    ["x>5", "x>5"],
    ["x < 10", "x<10"],
    ["x>007", "x>007"],
    ["x in (b,a)", "x in (a,b)"],
    ["x in (a,a,b)", "x in (a,b)"],
    ["x notin (b,a)", "x notin (a,b)"],
    ["x in ()", "x in ()"],
    ["x in (,a)", "x in (,a)"],
    ["x in (a,)", "x in (,a)"],
    ["x in (a,,b)", "x in (,a,b)"],
    ["x in(a)", "x in (a)"],
    ["x notin(a)", "x notin (a)"],
    ["z,y,x", "x,y,z"],
    ["b=1,a=2,c", "a=2,b=1,c"],
    ["x in (foo,,baz),y,z notin ()", "x in (,baz,foo),y,z notin ()"],
    ["in in (in,notin)", "in in (in,notin)"],
    ["notin notin (in)", "notin notin (in)"],
    ["x=in", "x=in"],
    ["example.com/app=web", "example.com/app=web"],
    ["a.b-c_d=E.f-G_h", "a.b-c_d=E.f-G_h"],
    ["x=a,x=b", "x=a,x=b"],
    ["app in (api,web),!legacy,tier!=db", "app in (api,web),!legacy,tier!=db"]
  ]
  for (const [input, expected] of valid) {
    it(`parses ${JSON.stringify(input)} as ${JSON.stringify(expected)}`, () => {
      assert.strictEqual(canonical(input), expected)
      assert.strictEqual(canonical(expected), expected, "the canonical form is a fixed point")
    })
  }

  const invalid: ReadonlyArray<readonly [string, string, number]> = [
    ["x y", "unable to parse requirement: found 'y', expected: in, notin, =, ==, !=, gt, lt", 2],
    ["x in", "unable to parse requirement: found '' expected: '('", 4],
    ["x in (a", "unable to parse requirement: found '', expected: ',' or ')'", 7],
    ["x in (a b)", "unable to parse requirement: found 'b', expected: ',' or ')'", 8],
    ["x in (=)", "unable to parse requirement: found '=', expected: ',', ')' or identifier", 6],
    ["x in (a,=)", "unable to parse requirement: found '=', expected: ',', or identifier", 8],
    ["x=(", "unable to parse requirement: found '(', expected: identifier", 2],
    ["x,", "found '', expected: identifier after ','", 2],
    ["x,,y", "found ',', expected: identifier after ','", 2],
    [",x", "found ',', expected: !, identifier, or 'end of string'", 0],
    ["x=a b", "found 'b', expected: ',' or 'end of string'", 4],
    ["!x=a", "found '=', expected: ',' or 'end of string'", 2],
    ["!", "unable to parse requirement: found '', expected: identifier", 1],
    ["!=a", "found '!=', expected: !, identifier, or 'end of string'", 0],
    ["x>a", "unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer, not \"a\"", 2],
    ["x<1.5", "unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer, not \"1.5\"", 2],
    ["x>", "unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer, not \"\"", 2],
    ["x>99999999999999999999", "unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer", 2]
  ]
  for (const [input, message, position] of invalid) {
    it(`rejects ${JSON.stringify(input)} at ${position}`, () => {
      const error = failure(input)
      const [first] = error.issues
      assert.isDefined(first)
      assert.isTrue(first?.message.startsWith(message), first?.message)
      assert.strictEqual(first?.position, position)
      assert.include(error.message, `(at position ${position})`)
    })
  }

  it("rejects bad keys and values with apimachinery's wording", () => {
    assert.include(failure("Foo/bar").message, "prefix part a lowercase RFC 1123 subdomain must consist of")
    assert.include(failure("a/b/c").message, "a valid label key must consist of alphanumeric characters")
    assert.include(failure("/a").message, "prefix part must be non-empty")
    assert.include(failure("a/").message, "name part must be non-empty")
    assert.include(failure(`${"k".repeat(64)}`).message, "name part must be no more than 63 characters")
    assert.include(failure("x=-a").message, "invalid label value \"-a\": a valid label must be an empty string")
    assert.include(failure(`x=${"v".repeat(64)}`).message, "must be no more than 63 characters")
    assert.strictEqual(failure("x in (a,b,-c)").issues[0]?.position, 10)
    // Go's lexer stops at NUL and ignores the rest; ours treats it as a character.
    assert.include(failure("x\u0000y").message, "invalid label key")
  })

  it("formats nothing as the empty string, like apimachinery, which parses back as everything", () => {
    assert.strictEqual(Selector.format(Selector.nothing), "")
    assert.deepStrictEqual(Result.getOrThrow(Selector.parse("")), Selector.everything)
  })

  it("builds validated requirements", () => {
    assert.deepStrictEqual(Result.getOrThrow(Selector.requirement("x", "In", ["b", "a", "b"])), { key: "x", operator: "In", values: ["a", "b"] })
    assert.isTrue(Result.isFailure(Selector.requirement("x", "In", [])))
    assert.isTrue(Result.isFailure(Selector.requirement("x", "Equals", ["a", "b"])))
    assert.isTrue(Result.isFailure(Selector.requirement("x", "Exists", ["a"])))
    assert.isTrue(Result.isFailure(Selector.requirement("x", "Gt", ["1", "2"])))
    assert.isTrue(Result.isFailure(Selector.requirement("x y", "Exists")))
    assert.strictEqual(Selector.format(Selector.fromSet({ b: "2", a: "1" })), "a=1,b=2")
  })
})

/**
 * Compilation of a selector into a matcher, and the matcher itself. This is the hot
 * path (every admitted pod, every pod of a 10,000-pod sweep), so a selector is turned
 * once into an array of small monomorphic closures and matching allocates nothing.
 *
 * The matcher never throws and never trusts its input: a hand-built requirement with
 * an unknown operator, an `In` without values or a non-integer `Gt` bound compiles to a
 * test that is always false (the Go operator's behaviour for such input, spec §5.3),
 * and a label whose value is not a string, or that is only inherited from
 * `Object.prototype`, counts as absent.
 */
import { formatRequirement, parseInt64, type Requirement, type Selector } from "./Model.ts"

export type Labels = Readonly<Record<string, string>>
type Test = (labels: Labels) => boolean

export interface Compiled {
  readonly selector: Selector
  /** One test per requirement, in the selector's (key-sorted) order. */
  readonly tests: ReadonlyArray<Test>
  readonly requirements: ReadonlyArray<Requirement>
  /** The whole selector; `undefined` labels (a missing `metadata.labels`) are no labels. */
  readonly test: (labels: Labels | undefined) => boolean
}

/** Above this many values a Set beats a linear scan. */
const setThreshold = 8

const never = (): boolean => false

const membership = (values: ReadonlyArray<string>): ((value: string) => boolean) => {
  if (values.length > setThreshold) {
    const set = new Set(values)
    return (value) => set.has(value)
  }
  return (value) => values.includes(value)
}

/** `l[key] === v` is enough for one value: absent, inherited and non-string all differ from a string. */
const inTest = (key: string, values: ReadonlyArray<string>): Test => {
  if (values.length === 0) return never
  const [only] = values
  if (values.length === 1 && only !== undefined) return (l) => l[key] === only
  const has = membership(values)
  return (l) => {
    const v = l[key]
    return typeof v === "string" && has(v)
  }
}

const notInTest = (key: string, values: ReadonlyArray<string>): Test => {
  const [only] = values
  if (values.length === 1 && only !== undefined) return (l) => l[key] !== only
  const has = membership(values)
  return (l) => {
    const v = l[key]
    return typeof v !== "string" || !has(v)
  }
}

const compareTest = (key: string, values: ReadonlyArray<string>, greater: boolean): Test => {
  const [raw] = values
  const bound = values.length === 1 && raw !== undefined ? parseInt64(raw) : undefined
  if (bound === undefined) return never
  return (l) => {
    const v = l[key]
    const n = typeof v === "string" ? parseInt64(v) : undefined
    return n !== undefined && (greater ? n > bound : n < bound)
  }
}

export const compileRequirement = (r: Requirement): Test => {
  const { key, values } = r
  switch (r.operator) {
    case "In":
    case "Equals":
    case "DoubleEquals":
      return inTest(key, values)
    case "NotIn":
    case "NotEquals":
      return notInTest(key, values)
    case "Exists":
      return (l) => typeof l[key] === "string"
    case "DoesNotExist":
      return (l) => typeof l[key] !== "string"
    case "Gt":
      return compareTest(key, values, true)
    case "Lt":
      return compareTest(key, values, false)
    default:
      return never
  }
}

const noLabels: Labels = {}

/** null/undefined labels mean "no labels", so a missing `metadata.labels` needs no special case. */
const allOf = (tests: ReadonlyArray<Test>): Compiled["test"] => {
  const n = tests.length
  return (labels) => {
    const l = labels ?? noLabels
    for (let i = 0; i < n; i++) {
      const t = tests[i]
      if (t !== undefined && !t(l)) return false
    }
    return true
  }
}

/**
 * Compiles a selector once, for `matches` and `explain` at full speed.
 *
 * @example
 * ```ts
 * import { Result } from "effect"
 * import { Selector } from "@whatap-operator/core"
 *
 * const selector = Selector.compile(Result.getOrThrow(Selector.parse("app=web,!legacy")))
 * Selector.matches(selector, { app: "web" }) // => true
 * ```
 */
export const compile = (selector: Selector): Compiled => {
  if (selector._tag === "Nothing") return { selector, tests: [], requirements: [], test: never }
  const requirements = Array.isArray(selector.requirements) ? selector.requirements : []
  const tests = requirements.map(compileRequirement)
  return { selector, tests, requirements, test: allOf(tests) }
}

/**
 * Whether `labels` (absent = no labels) satisfy every requirement.
 *
 * @example
 * ```ts
 * import { Result } from "effect"
 * import { Selector } from "@whatap-operator/core"
 *
 * const selector = Selector.compile(Result.getOrThrow(Selector.parse("app in (web,api),!legacy")))
 * Selector.matches(selector, { app: "api" }) // => true
 * Selector.matches(selector, { app: "web", legacy: "" }) // => false
 * Selector.matches(Selector.compile(Selector.nothing), {}) // => false
 * ```
 */
export const matches = (compiled: Compiled, labels: Labels | undefined): boolean => compiled.test(labels)

export type Explanation =
  | { readonly matched: true }
  | {
    readonly matched: false
    /** The first failing requirement in string form ("" when the selector is `nothing`). */
    readonly requirement: string
    readonly reason: string
  }

const show = (v: string): string => JSON.stringify(v)

const actual = (key: string, labels: Labels): string => {
  const v = labels[key]
  return typeof v === "string" ? `label ${show(key)} is ${show(v)}` : `label ${show(key)} is absent`
}

const reasonFor = (r: Requirement, labels: Labels): string => {
  const present = typeof labels[r.key] === "string"
  const list = `(${r.values.join(",")})`
  switch (r.operator) {
    case "In":
      return present ? `${actual(r.key, labels)}, not in ${list}` : actual(r.key, labels)
    case "Equals":
    case "DoubleEquals":
      return present ? `${actual(r.key, labels)}, not ${show(r.values[0] ?? "")}` : actual(r.key, labels)
    case "NotIn":
    case "NotEquals":
      return `${actual(r.key, labels)}, which is excluded by ${list}`
    case "Exists":
      return actual(r.key, labels)
    case "DoesNotExist":
      return `${actual(r.key, labels)}, but must be absent`
    case "Gt":
    case "Lt":
      return compareReason(r, labels)
    default:
      return `operator ${show(String(r.operator))} is not supported, so the requirement never matches`
  }
}

const compareReason = (r: Requirement, labels: Labels): string => {
  const bound = r.values.length === 1 ? parseInt64(r.values[0] ?? "") : undefined
  if (bound === undefined) return `the bound ${show(r.values.join(","))} is not a single integer, so the requirement never matches`
  const v = labels[r.key]
  if (typeof v !== "string") return actual(r.key, labels)
  if (parseInt64(v) === undefined) return `${actual(r.key, labels)}, not an integer`
  return `${actual(r.key, labels)}, not ${r.operator === "Gt" ? "greater" : "less"} than ${bound}`
}

/**
 * Whether `labels` match and, if not, the first requirement (in key order) that failed and why.
 *
 * @example
 * ```ts
 * import { Result } from "effect"
 * import { Selector } from "@whatap-operator/core"
 *
 * const selector = Selector.compile(Result.getOrThrow(Selector.parse("app=web,!legacy")))
 * Selector.explain(selector, { app: "db" }) // => { matched: false, requirement: "app=web", reason: 'label "app" is "db", not "web"' }
 * Selector.explain(selector, { app: "web" }) // => { matched: true }
 * ```
 */
export const explain = (compiled: Compiled, labels: Labels | undefined): Explanation => {
  if (compiled.selector._tag === "Nothing") {
    return { matched: false, requirement: "", reason: "the selector is nil, and a nil label selector matches nothing" }
  }
  const l = labels ?? noLabels
  const index = compiled.tests.findIndex((t) => !t(l))
  const failed = compiled.requirements[index]
  if (index < 0 || failed === undefined) return { matched: true }
  return { matched: false, requirement: formatRequirement(failed), reason: reasonFor(failed, l) }
}

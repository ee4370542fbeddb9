/**
 * A decoded value with the issues found on the way: the result type of every selector
 * decoder. In a module of its own so the public declarations never re-export it.
 */
import type { Issue } from "./Model.ts"

export interface Decoded<A> {
  readonly value: A
  readonly issues: ReadonlyArray<Issue>
}

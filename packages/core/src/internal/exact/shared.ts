/**
 * What the fast path's walkers share (see `exact.ts`): the two markers a step may return
 * besides a decoded value, and the shape of a step.
 */

/** The decoding failed, or the walk does not model the schema: ask Effect. */
export const invalid: unique symbol = Symbol("invalid")
/** An absent key, as it flows through encodings (a default may replace it). */
export const missing: unique symbol = Symbol("missing")

export type Out = unknown
export type Step = (input: unknown) => Out

export const refinement = (accepts: (u: unknown) => boolean): Step => (input) =>
  input === missing ? missing : accepts(input) ? input : invalid

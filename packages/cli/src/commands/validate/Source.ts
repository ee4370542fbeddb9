/**
 * YAML documents with source positions, for commands that hold a whole input as text
 * (`render`, `inject`, `explain`): the same reader (Reader.ts) over the same pieces
 * (Split.ts) as the streaming `validate`, so every command reads a file alike.
 */
import * as Reader from "./Reader.ts"
import { splitter } from "./Split.ts"

export type { Doc, Path, Position } from "./Reader.ts"

/** Every document of `input`, in order (a leading byte order mark is ignored). */
export function* documents(input: string): Generator<Reader.Doc, void, void> {
  const split = splitter()
  const text = input.startsWith("\uFEFF") ? input.slice(1) : input
  for (const piece of [...split.push(text, []), ...split.end()]) yield* Reader.read(piece)
}

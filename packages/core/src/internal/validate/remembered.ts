/**
 * A bounded memory of a pure function of short texts: a manifest bundle repeats the same
 * few regexes and quantities in every resource. Texts longer than `maxLength` are not
 * kept, and at most `maxEntries` are (the oldest forgotten first), so the memory is
 * bounded whatever the input. Results must be immutable: they are shared.
 */
export const remembered = <A>(compute: (text: string) => A, maxEntries: number, maxLength: number): ((text: string) => A) => {
  const known = new Map<string, A>()
  return (text) => {
    if (text.length > maxLength) return compute(text)
    if (known.has(text)) return known.get(text) as A
    const result = compute(text)
    if (known.size >= maxEntries) known.delete(known.keys().next().value ?? "")
    known.set(text, result)
    return result
  }
}

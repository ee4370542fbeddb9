/**
 * UTF-8 byte length of a string, the unit Go's `len` counts, so the label-syntax
 * length limits (63, 253) read exactly as in apimachinery. Internal: the public
 * surface is `LabelSyntax`'s checks, not this helper.
 */

/** UTF-8 byte length without TextEncoder, which the ES2024 lib (and so `core`) does not declare. */
export const byteLength = (text: string): number => {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit < 0x80) bytes += 1
    else if (unit < 0x800) bytes += 2
    else if (unit >= 0xd800 && unit <= 0xdbff) {
      bytes += 4 // a surrogate pair is one 4-byte code point
      i++
    } else bytes += 3
  }
  return bytes
}

/**
 * A gzip-compressed tar archive of one executable file, the shape krew installs a plugin
 * from. Written here (ustar, ~40 lines) so the release archive needs no `tar` binary and
 * is byte-for-byte reproducible: owner 0:0 with no names, a fixed modification time.
 */
import { gzipSync } from "node:zlib"

const block = 512

const octal = (value: number, width: number): string => `${value.toString(8).padStart(width - 1, "0")}\0`

const header = (name: string, size: number, mode: number, mtime: number): Buffer => {
  if (Buffer.byteLength(name) > 100) throw new Error(`archive entry name too long: ${name}`)
  const out = Buffer.alloc(block)
  const put = (text: string, at: number) => out.write(text, at, "latin1")
  put(name, 0)
  put(octal(mode, 8), 100)
  put(octal(0, 8), 108)
  put(octal(0, 8), 116)
  put(octal(size, 12), 124)
  put(octal(mtime, 12), 136)
  put("        ", 148)
  put("0", 156)
  put("ustar\0", 257)
  put("00", 263)
  const sum = out.reduce((total, byte) => total + byte, 0)
  put(`${sum.toString(8).padStart(6, "0")}\0 `, 148)
  return out
}

/** `name` (a regular file with `mode`, modified at `mtime` seconds) as a .tar.gz. */
export const singleFile = (name: string, data: Uint8Array, mode: number, mtime: number): Buffer => {
  const padding = (block - (data.length % block)) % block
  const tar = Buffer.concat([header(name, data.length, mode, mtime), data, Buffer.alloc(padding + 2 * block)])
  return gzipSync(tar, { level: 6 })
}

/**
 * Appends a note to a 64-bit little-endian ELF executable in a segment of its own, loaded
 * into memory: the way a Node single-executable application carries its blob on Linux.
 * Node finds the blob at run time by walking the program headers of the running executable
 * (`dl_iterate_phdr`) for a `PT_NOTE` whose name starts with `NODE_SEA`, so the note has to
 * be mapped, not only present in the file. This does in a hundred lines what `postject` does
 * through LIEF, so the standalone build needs no package beyond the pinned `node` binary.
 *
 * The program-header table gains two entries (the new `PT_LOAD` and its `PT_NOTE`) and so
 * cannot stay where it is (sections follow it at once); it moves to the appended segment and
 * `PT_PHDR` follows it. The segment's address is its file offset plus the executable's
 * load bias, so the kernel's two ways of computing `AT_PHDR` (from `PT_PHDR`, or from
 * `e_phoff` and the first segment) agree on every kernel version.
 */

const PT_LOAD = 1
const PT_NOTE = 4
const PT_PHDR = 6
const PF_R = 4
const phentsize = 56
/** 64 KiB: a multiple of every page size Linux runs with (4, 16 and 64 KiB). */
const segmentAlign = 0x10000

export interface ProgramHeader {
  readonly type: number
  readonly flags: number
  readonly offset: number
  readonly vaddr: number
  readonly paddr: number
  readonly filesz: number
  readonly memsz: number
  readonly align: number
}

export interface Layout {
  readonly phoff: number
  readonly headers: ReadonlyArray<ProgramHeader>
}

const u64 = (buf: Buffer, at: number): number => Number(buf.readBigUInt64LE(at))

const alignUp = (value: number, align: number): number => Math.ceil(value / align) * align

/** The program headers of an ELF64 LE file; throws on anything else. */
export const read = (elf: Buffer): Layout => {
  if (elf.length < 64 || elf.readUInt32BE(0) !== 0x7f454c46) throw new Error("not an ELF file")
  if (elf[4] !== 2 || elf[5] !== 1) throw new Error("only 64-bit little-endian ELF files are supported")
  if (elf.readUInt16LE(0x36) !== phentsize) throw new Error("unexpected program header size")
  const phoff = u64(elf, 0x20)
  const count = elf.readUInt16LE(0x38)
  const headers = Array.from({ length: count }, (_, i): ProgramHeader => {
    const at = phoff + i * phentsize
    return {
      type: elf.readUInt32LE(at),
      flags: elf.readUInt32LE(at + 4),
      offset: u64(elf, at + 8),
      vaddr: u64(elf, at + 16),
      paddr: u64(elf, at + 24),
      filesz: u64(elf, at + 32),
      memsz: u64(elf, at + 40),
      align: u64(elf, at + 48)
    }
  })
  return { phoff, headers }
}

const writeHeader = (out: Buffer, at: number, h: ProgramHeader): void => {
  out.writeUInt32LE(h.type, at)
  out.writeUInt32LE(h.flags, at + 4)
  const fields = [h.offset, h.vaddr, h.paddr, h.filesz, h.memsz, h.align]
  fields.forEach((value, i) => out.writeBigUInt64LE(BigInt(value), at + 8 + i * 8))
}

/** A note record: header (namesz, descsz, type), the NUL-terminated name and the data, 4-aligned. */
export const note = (name: string, desc: Uint8Array): Buffer => {
  const nameBytes = Buffer.from(`${name}\0`, "latin1")
  const nameLen = alignUp(nameBytes.length, 4)
  const out = Buffer.alloc(12 + nameLen + alignUp(desc.length, 4))
  out.writeUInt32LE(nameBytes.length, 0)
  out.writeUInt32LE(desc.length, 4)
  out.writeUInt32LE(0, 8)
  nameBytes.copy(out, 12)
  out.set(desc, 12 + nameLen)
  return out
}

/** Where the appended segment goes: past the file's end and past every mapped byte. */
const placement = (elfLength: number, loads: ReadonlyArray<ProgramHeader>): { offset: number; bias: number } => {
  const first = loads[0]
  if (first === undefined) throw new Error("no PT_LOAD segment")
  const bias = first.vaddr - first.offset
  if (bias % segmentAlign !== 0) throw new Error("the first PT_LOAD segment is not 64 KiB aligned")
  const memEnd = Math.max(...loads.map((h) => h.vaddr + h.memsz))
  return { offset: Math.max(alignUp(elfLength, segmentAlign), alignUp(memEnd - bias, segmentAlign)), bias }
}

/** The executable with `noteName`/`desc` appended in a new loaded segment. */
export const appendNote = (elf: Buffer, noteName: string, desc: Uint8Array): Buffer => {
  const { headers } = read(elf)
  const loads = headers.filter((h) => h.type === PT_LOAD)
  const { offset, bias } = placement(elf.length, loads)
  const count = headers.length + 2
  const tableSize = count * phentsize
  const record = note(noteName, desc)
  const noteOffset = offset + alignUp(tableSize, 8)
  const segmentSize = noteOffset + record.length - offset
  const at = (fileOffset: number) => ({ offset: fileOffset, vaddr: fileOffset + bias, paddr: fileOffset + bias })
  const segment: ProgramHeader = { type: PT_LOAD, flags: PF_R, ...at(offset), filesz: segmentSize, memsz: segmentSize, align: segmentAlign }
  const noteHeader: ProgramHeader = { type: PT_NOTE, flags: PF_R, ...at(noteOffset), filesz: record.length, memsz: record.length, align: 4 }
  const lastLoad = headers.lastIndexOf(loads[loads.length - 1] ?? segment)
  const table = headers.flatMap((h, i): Array<ProgramHeader> => {
    const moved = h.type === PT_PHDR ? { ...h, ...at(offset), filesz: tableSize, memsz: tableSize } : h
    return i === lastLoad ? [moved, segment] : [moved]
  })
  table.push(noteHeader)
  const out = Buffer.alloc(noteOffset + record.length)
  elf.copy(out)
  out.writeBigUInt64LE(BigInt(offset), 0x20)
  out.writeUInt16LE(count, 0x38)
  table.forEach((h, i) => writeHeader(out, offset + i * phentsize, h))
  record.copy(out, noteOffset)
  return out
}

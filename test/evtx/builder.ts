// Builds synthetic EVTX chunks and files for tests, written from the format description (libyal, MS-EVEN6):
// a chunk header with valid CRC32s, records, and Binary XML with inline names, templates and substitutions.
// Every name is stored inline (its offset points just past the offset field), as Windows does on first use.

import { crc32 } from 'node:zlib'

export interface SubstValue {
  readonly type: number
  /** The value bytes, or a function of the value's chunk offset (nested BinXml stores absolute name offsets). */
  readonly bytes: Buffer | ((at: number) => Buffer)
}

/** Writes BinXml tokens at absolute chunk positions (names and template offsets are chunk-relative). */
export interface BinXmlWriter {
  readonly pos: () => number
  readonly raw: (b: Buffer | number[]) => void
  readonly fragmentHeader: () => void
  readonly open: (name: string, opts?: { attrs?: boolean; dependency?: boolean }) => void
  readonly attr: (name: string, more: boolean) => void
  readonly closeStart: () => void
  readonly closeEmpty: () => void
  readonly end: () => void
  readonly eof: () => void
  readonly text: (s: string, more?: boolean) => void
  readonly subst: (index: number, type: number, optional?: boolean) => void
  readonly charRef: (code: number) => void
  readonly entityRef: (name: string) => void
  readonly cdata: (s: string) => void
  readonly pi: (target: string, data: string) => void
  /** Template instance; `body` writes the definition's element (with dependency ids). Returns its offset. */
  readonly instance: (body: ((w: BinXmlWriter) => void) | number, values: readonly SubstValue[]) => number
}

const u16 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff]
const u32 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff]
const utf16 = (s: string): number[] => [...Buffer.from(s, 'utf16le')]

export function writer(chunk: Buffer, start: number): BinXmlWriter {
  let p = start
  const raw = (b: Buffer | number[]): void => { for (const x of b) chunk[p++] = x }
  const name = (n: string): void => {
    raw(u32(p + 4))
    raw([...u32(0), ...u16(0), ...u16(n.length), ...utf16(n), 0, 0])
  }
  const w: BinXmlWriter = {
    pos: () => p,
    raw,
    fragmentHeader: () => raw([0x0f, 1, 1, 0]),
    open: (n, o = {}) => {
      raw([o.attrs === true ? 0x41 : 0x01])
      if (o.dependency !== false) raw(u16(0xffff))
      raw(u32(0))
      name(n)
      if (o.attrs === true) raw(u32(0))
    },
    attr: (n, more) => { raw([more ? 0x46 : 0x06]); name(n) },
    closeStart: () => raw([0x02]),
    closeEmpty: () => raw([0x03]),
    end: () => raw([0x04]),
    eof: () => raw([0x00]),
    text: (s, more = false) => raw([more ? 0x45 : 0x05, 0x01, ...u16(s.length), ...utf16(s)]),
    subst: (i, t, optional = false) => raw([optional ? 0x0e : 0x0d, ...u16(i), t]),
    charRef: (c) => raw([0x08, ...u16(c)]),
    entityRef: (n) => { raw([0x09]); name(n) },
    cdata: (s) => raw([0x07, ...u16(s.length), ...utf16(s)]),
    pi: (target, data) => { raw([0x0a]); name(target); raw([0x0b, ...u16(data.length), ...utf16(data)]) },
    instance: (body, values) => {
      raw([0x0c, 0x01, ...u32(0x1234)])
      let defOffset: number
      if (typeof body === 'number') {
        defOffset = body
        raw(u32(defOffset))
      } else {
        defOffset = p + 4
        raw(u32(defOffset))
        raw(u32(0))
        raw(new Array<number>(16).fill(0xab))
        const sizeAt = p
        raw(u32(0))
        const bodyStart = p
        w.fragmentHeader()
        body(w)
        w.eof()
        chunk.writeUInt32LE(p - bodyStart, sizeAt)
      }
      raw(u32(values.length))
      let at = p + values.length * 4
      const data = values.map((v) => { const b = typeof v.bytes === 'function' ? v.bytes(at) : v.bytes; at += b.length; return b })
      values.forEach((v, i) => raw([...u16(data[i]!.length), v.type, 0]))
      for (const b of data) raw(b)
      return defOffset
    },
  }
  return w
}

export interface ChunkBuilder {
  /** Appends a record whose BinXml is written by `body`; returns the record's chunk offset. */
  readonly record: (id: number, body: (w: BinXmlWriter) => void) => number
  /** Finishes the header (free space offset, CRC32s) and returns the 64 KiB chunk. */
  readonly finish: () => Buffer
}

export function chunkBuilder(): ChunkBuilder {
  const chunk = Buffer.alloc(65536)
  chunk.write('ElfChnk\0', 0, 'latin1')
  chunk.writeUInt32LE(128, 40)
  let pos = 512
  let first = -1
  let last = 0
  let lastOffset = 512
  return {
    record(id, body) {
      const at = pos
      chunk.writeUInt32LE(0x00002a2a, at)
      chunk.writeBigUInt64LE(BigInt(id), at + 8)
      chunk.writeBigUInt64LE(132000000000000000n, at + 16)
      const w = writer(chunk, at + 24)
      body(w)
      let end = w.pos() + 4
      end += (8 - (end % 8)) % 8
      chunk.writeUInt32LE(end - at, at + 4)
      chunk.writeUInt32LE(end - at, end - 4)
      pos = end
      if (first < 0) first = id
      last = id
      lastOffset = at
      return at
    },
    finish() {
      for (const [o, v] of [[8, first], [16, last], [24, first], [32, last]] as const) chunk.writeBigUInt64LE(BigInt(Math.max(v, 0)), o)
      chunk.writeUInt32LE(lastOffset, 44)
      chunk.writeUInt32LE(pos, 48)
      chunk.writeUInt32LE(crc32(chunk.subarray(512, pos)), 52)
      chunk.writeUInt32LE(crc32(chunk.subarray(128, 512), crc32(chunk.subarray(0, 120))), 124)
      return chunk
    },
  }
}

/** A file header (4096 bytes) claiming `chunkCount` chunks, with a valid CRC32. */
export function fileHeader(chunkCount: number): Buffer {
  const h = Buffer.alloc(4096)
  h.write('ElfFile\0', 0, 'latin1')
  h.writeBigUInt64LE(BigInt(Math.max(chunkCount - 1, 0)), 16)
  h.writeUInt32LE(128, 32)
  h.writeUInt16LE(1, 36)
  h.writeUInt16LE(3, 38)
  h.writeUInt16LE(4096, 40)
  h.writeUInt16LE(chunkCount, 42)
  h.writeUInt32LE(crc32(h.subarray(0, 120)), 124)
  return h
}

// Value encoders for substitution arrays.
export const v = {
  null: (): SubstValue => ({ type: 0x00, bytes: Buffer.alloc(0) }),
  str: (s: string): SubstValue => ({ type: 0x01, bytes: Buffer.from(s, 'utf16le') }),
  ansi: (s: string): SubstValue => ({ type: 0x02, bytes: Buffer.from(s + '\0', 'latin1') }),
  i8: (n: number): SubstValue => { const b = Buffer.alloc(1); b.writeInt8(n); return { type: 0x03, bytes: b } },
  u8: (n: number): SubstValue => ({ type: 0x04, bytes: Buffer.from([n]) }),
  i16: (n: number): SubstValue => { const b = Buffer.alloc(2); b.writeInt16LE(n); return { type: 0x05, bytes: b } },
  u16: (n: number): SubstValue => { const b = Buffer.alloc(2); b.writeUInt16LE(n); return { type: 0x06, bytes: b } },
  i32: (n: number): SubstValue => { const b = Buffer.alloc(4); b.writeInt32LE(n); return { type: 0x07, bytes: b } },
  u32: (n: number): SubstValue => { const b = Buffer.alloc(4); b.writeUInt32LE(n); return { type: 0x08, bytes: b } },
  i64: (n: bigint): SubstValue => { const b = Buffer.alloc(8); b.writeBigInt64LE(n); return { type: 0x09, bytes: b } },
  u64: (n: bigint): SubstValue => { const b = Buffer.alloc(8); b.writeBigUInt64LE(n); return { type: 0x0a, bytes: b } },
  f32: (n: number): SubstValue => { const b = Buffer.alloc(4); b.writeFloatLE(n); return { type: 0x0b, bytes: b } },
  f64: (n: number): SubstValue => { const b = Buffer.alloc(8); b.writeDoubleLE(n); return { type: 0x0c, bytes: b } },
  bool: (x: number): SubstValue => { const b = Buffer.alloc(4); b.writeUInt32LE(x); return { type: 0x0d, bytes: b } },
  bin: (hex: string): SubstValue => ({ type: 0x0e, bytes: Buffer.from(hex, 'hex') }),
  guid: (g: string): SubstValue => {
    const h = g.replace(/[{}-]/g, '')
    const b = Buffer.from(h, 'hex')
    const out = Buffer.concat([Buffer.from(b.subarray(0, 4)).reverse(), Buffer.from(b.subarray(4, 6)).reverse(), Buffer.from(b.subarray(6, 8)).reverse(), b.subarray(8)])
    return { type: 0x0f, bytes: out }
  },
  sizeT: (n: bigint, width: 4 | 8): SubstValue => {
    const b = Buffer.alloc(width)
    if (width === 8) b.writeBigUInt64LE(n); else b.writeUInt32LE(Number(n))
    return { type: 0x10, bytes: b }
  },
  filetime: (iso: string, extra100ns = 0): SubstValue => {
    const b = Buffer.alloc(8)
    b.writeBigUInt64LE((BigInt(Date.parse(iso)) + 11644473600000n) * 10000n + BigInt(extra100ns))
    return { type: 0x11, bytes: b }
  },
  systemtime: (y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): SubstValue => {
    const b = Buffer.alloc(16)
    for (const [i, x] of [y, mo, 0, d, h, mi, s, ms].entries()) b.writeUInt16LE(x, i * 2)
    return { type: 0x12, bytes: b }
  },
  sid: (s: string): SubstValue => {
    const [, rev, auth, ...subs] = s.split('-')
    const b = Buffer.alloc(8 + subs.length * 4)
    b[0] = Number(rev)
    b[1] = subs.length
    b.writeUIntBE(Number(auth), 2, 6)
    subs.forEach((x, i) => b.writeUInt32LE(Number(x), 8 + i * 4))
    return { type: 0x13, bytes: b }
  },
  hex32: (n: number): SubstValue => { const b = Buffer.alloc(4); b.writeUInt32LE(n); return { type: 0x14, bytes: b } },
  hex64: (n: bigint): SubstValue => { const b = Buffer.alloc(8); b.writeBigUInt64LE(n); return { type: 0x15, bytes: b } },
  strArray: (xs: string[]): SubstValue => ({ type: 0x81, bytes: Buffer.from(xs.map((x) => x + '\0').join(''), 'utf16le') }),
  u16Array: (xs: number[]): SubstValue => { const b = Buffer.alloc(xs.length * 2); xs.forEach((x, i) => b.writeUInt16LE(x, i * 2)); return { type: 0x86, bytes: b } },
  boolArray: (xs: number[]): SubstValue => { const b = Buffer.alloc(xs.length * 4); xs.forEach((x, i) => b.writeUInt32LE(x, i * 4)); return { type: 0x8d, bytes: b } },
  /** Nested BinXml (type 0x21) written by `build` at the value's own chunk offset (no dependency ids). */
  binxml: (build: (w: BinXmlWriter) => void): SubstValue => ({
    type: 0x21,
    bytes: (at: number) => { const scratch = Buffer.alloc(65536); const w = writer(scratch, at); build(w); return Buffer.from(scratch.subarray(at, w.pos())) },
  }),
}

// Substitution value decoding: one BinXml value type + its bytes → a JSON-ready value, rendered the way the
// evtx_dump JSON shape (and, where it has a textual form, Windows' own Event XML) shows it. Choices are listed
// in README.md ("Value rendering").

import { EvtxError } from './errors.js'

/** A nested Binary XML value (type 0x21) is decoded by the BinXml layer; this module only hands out the range. */
export type DecodedScalar = string | number | boolean | null
export type Decoded = DecodedScalar | DecodedScalar[]

export const VALUE_NULL = 0x00
export const VALUE_STRING = 0x01
export const VALUE_BINXML = 0x21
export const VALUE_ARRAY = 0x80

// Immutable lookup table: byte → two upper-case hex digits, so GUID/binary rendering avoids per-byte formatting.
const HEX_UPPER: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'))

const FILETIME_UNIX_EPOCH_SECONDS = 11644473600n
const TEN_MILLION = 10000000n

/** Element size of fixed-width types (array element size), 0 for variable-width ones. */
function fixedSize(type: number, size: number): number {
  switch (type) {
    case 0x03: case 0x04: return 1
    case 0x05: case 0x06: return 2
    case 0x07: case 0x08: case 0x0b: case 0x14: return 4
    case 0x09: case 0x0a: case 0x0c: case 0x11: case 0x15: return 8
    case 0x0d: return 4
    case 0x0f: case 0x12: return 16
    // SizeT arrays carry no width of their own: 64-bit writers are the norm, 32-bit when the length says so.
    case 0x10: return size % 8 === 0 ? 8 : 4
    default: return 0
  }
}

function hex32(n: number): string {
  return '0x' + n.toString(16)
}

function hex64(buf: Buffer, pos: number): string {
  const lo = buf.readUInt32LE(pos)
  const hi = buf.readUInt32LE(pos + 4)
  return hi === 0 ? '0x' + lo.toString(16) : '0x' + hi.toString(16) + lo.toString(16).padStart(8, '0')
}

/** 64-bit integers: a JSON number while exact, else the decimal string (JSON numbers cannot hold them). */
function int64(buf: Buffer, pos: number, signed: boolean): number | string {
  const lo = buf.readUInt32LE(pos)
  const hi = signed ? buf.readInt32LE(pos + 4) : buf.readUInt32LE(pos + 4)
  const n = hi * 4294967296 + lo
  if (Number.isSafeInteger(n)) return n
  return (signed ? buf.readBigInt64LE(pos) : buf.readBigUInt64LE(pos)).toString()
}

export function guid(buf: Buffer, pos: number): string {
  const h = HEX_UPPER
  return '{' + h[buf[pos + 3]!] + h[buf[pos + 2]!] + h[buf[pos + 1]!] + h[buf[pos]!] + '-' +
    h[buf[pos + 5]!] + h[buf[pos + 4]!] + '-' + h[buf[pos + 7]!] + h[buf[pos + 6]!] + '-' +
    h[buf[pos + 8]!] + h[buf[pos + 9]!] + '-' + h[buf[pos + 10]!] + h[buf[pos + 11]!] + h[buf[pos + 12]!] +
    h[buf[pos + 13]!] + h[buf[pos + 14]!] + h[buf[pos + 15]!] + '}'
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n)
}

/** Days since 1970-01-01 → [year, month, day] (proleptic Gregorian; H. Hinnant's civil_from_days). */
function civil(days: number): [number, number, number] {
  const z = days + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1
  const m = mp < 10 ? mp + 3 : mp - 9
  return [era * 400 + yoe + (m <= 2 ? 1 : 0), m, d]
}

/** FILETIME → `YYYY-MM-DDTHH:MM:SS.ffffffZ` (microseconds, truncated like evtx_dump). */
export function filetime(buf: Buffer, pos: number): string {
  const lo = buf.readUInt32LE(pos)
  const hi = buf.readUInt32LE(pos + 4)
  let seconds: number
  let rest: number
  if (hi < 0x10000000) {
    // ft = hi·2³² + lo with 2³² = 429·10⁷ + 4967296: exact in doubles for hi < 2²⁸ (until year 11700).
    const low = hi * 4967296 + lo
    seconds = hi * 429 + Math.floor(low / 10000000) - 11644473600
    rest = low % 10000000
  } else {
    const ft = buf.readBigUInt64LE(pos)
    seconds = Number(ft / TEN_MILLION - FILETIME_UNIX_EPOCH_SECONDS)
    rest = Number(ft % TEN_MILLION)
  }
  const days = Math.floor(seconds / 86400)
  const sod = seconds - days * 86400
  const [y, m, d] = civil(days)
  const micros = (rest / 10) | 0
  return (y >= 0 && y <= 9999 ? String(y).padStart(4, '0') : String(y)) + '-' + pad2(m) + '-' + pad2(d) + 'T' +
    pad2((sod / 3600) | 0) + ':' + pad2(((sod % 3600) / 60) | 0) + ':' + pad2(sod % 60) + '.' +
    String(micros).padStart(6, '0') + 'Z'
}

function systemtime(buf: Buffer, pos: number): string {
  const year = buf.readUInt16LE(pos)
  const month = buf.readUInt16LE(pos + 2)
  const day = buf.readUInt16LE(pos + 6)
  const ms = buf.readUInt16LE(pos + 14)
  return String(year).padStart(4, '0') + '-' + pad2(month) + '-' + pad2(day) + 'T' + pad2(buf.readUInt16LE(pos + 8)) +
    ':' + pad2(buf.readUInt16LE(pos + 10)) + ':' + pad2(buf.readUInt16LE(pos + 12)) + '.' +
    String(ms).padStart(3, '0') + '000Z'
}

/** SID → `S-R-A-S1-…`; returns the text and its byte length so SID arrays can be walked. */
function sid(buf: Buffer, pos: number, end: number): [string, number] {
  if (pos + 8 > end) throw new EvtxError('SID shorter than 8 bytes', pos)
  const count = buf[pos + 1]!
  const len = 8 + count * 4
  if (pos + len > end) throw new EvtxError(`SID with ${count} sub-authorities overruns its value`, pos)
  const authority = buf.readUIntBE(pos + 2, 6)
  let s = 'S-' + buf[pos]! + '-' + (authority < 4294967296 ? String(authority) : '0x' + authority.toString(16).toUpperCase())
  for (let i = 0; i < count; i++) s += '-' + buf.readUInt32LE(pos + 8 + i * 4)
  return [s, len]
}

/** UTF-16LE string without its trailing NUL(s). */
export function utf16(buf: Buffer, start: number, end: number): string {
  let e = end - ((end - start) & 1)
  while (e - 2 >= start && buf[e - 1] === 0 && buf[e - 2] === 0) e -= 2
  return buf.toString('utf16le', start, e)
}

function ansi(buf: Buffer, start: number, end: number): string {
  let e = end
  while (e > start && buf[e - 1] === 0) e--
  return buf.toString('latin1', start, e)
}

/** JSON has no NaN/Infinity: those floats become the strings `NaN`, `Infinity`, `-Infinity`. */
function finite(n: number): number | string {
  return Number.isFinite(n) ? n : String(n)
}

/** One fixed-width scalar at pos (the caller checked that `width` bytes are there). */
function scalar(buf: Buffer, type: number, pos: number, width: number): DecodedScalar {
  switch (type) {
    case 0x03: return buf.readInt8(pos)
    case 0x04: return buf[pos]!
    case 0x05: return buf.readInt16LE(pos)
    case 0x06: return buf.readUInt16LE(pos)
    case 0x07: return buf.readInt32LE(pos)
    case 0x08: return buf.readUInt32LE(pos)
    case 0x09: return int64(buf, pos, true)
    case 0x0a: return int64(buf, pos, false)
    case 0x0b: return finite(buf.readFloatLE(pos))
    case 0x0c: return finite(buf.readDoubleLE(pos))
    // Booleans are 32-bit (MS-EVEN6); any non-zero value is true, as Windows renders it.
    case 0x0d: return width === 4 ? buf.readUInt32LE(pos) !== 0 : width === 2 ? buf.readUInt16LE(pos) !== 0 : buf[pos] !== 0
    case 0x0f: return guid(buf, pos)
    case 0x10: return width === 8 ? hex64(buf, pos) : hex32(buf.readUInt32LE(pos))
    case 0x11: return filetime(buf, pos)
    case 0x12: return systemtime(buf, pos)
    case 0x14: return hex32(buf.readUInt32LE(pos))
    case 0x15: return hex64(buf, pos)
    default: throw new EvtxError(`value type 0x${type.toString(16)} is not fixed-width`, pos)
  }
}

function binaryHex(buf: Buffer, start: number, end: number): string {
  return buf.toString('hex', start, end).toUpperCase()
}

/**
 * Decodes a substitution value of `type` stored in buf[start, end). Type 0x21 (nested BinXml) is not handled
 * here. Throws EvtxError (with position) on a value whose size cannot hold its type.
 */
export function decodeValue(buf: Buffer, type: number, start: number, end: number): Decoded {
  const size = end - start
  switch (type) {
    case 0x00: return null
    case 0x01: return utf16(buf, start, end)
    case 0x02: return ansi(buf, start, end)
    case 0x0e: return binaryHex(buf, start, end)
    case 0x13: return sid(buf, start, end)[0]
    case 0x20: return size === 8 ? int64(buf, start, false) : size >= 4 ? buf.readUInt32LE(start) : binaryHex(buf, start, end)
    case 0x23: return utf16(buf, start, end)
    case 0x81: return splitStrings(buf.toString('utf16le', start, end - (size & 1)))
    case 0x82: return splitStrings(buf.toString('latin1', start, end))
    case 0x93: {
      const out: DecodedScalar[] = []
      let p = start
      while (p < end) { const [s, len] = sid(buf, p, end); out.push(s); p += len }
      return out
    }
    default: break
  }
  if ((type & VALUE_ARRAY) !== 0) {
    const base = type & 0x7f
    const width = fixedSize(base, size)
    if (width === 0) return binaryHex(buf, start, end)
    if (size % width !== 0) throw new EvtxError(`array of type 0x${type.toString(16)} has size ${size}, not a multiple of ${width}`, start)
    const out: DecodedScalar[] = []
    for (let p = start; p < end; p += width) out.push(scalar(buf, base, p, width))
    return out
  }
  const width = fixedSize(type, size)
  if (width === 0) return binaryHex(buf, start, end) // unknown type: keep the bytes, visibly
  // Booleans and SizeT take their width from the value size; everything else must be exact.
  if (type === 0x0d) {
    if (size !== 1 && size !== 2 && size !== 4 && size !== 8) throw new EvtxError(`boolean of size ${size}`, start)
    return scalar(buf, type, start, size)
  }
  if (type === 0x10) {
    if (size !== 4 && size !== 8) throw new EvtxError(`size_t of size ${size}`, start)
    return scalar(buf, type, start, size)
  }
  if (size < width) throw new EvtxError(`value of type 0x${type.toString(16)} has size ${size}, needs ${width}`, start)
  return scalar(buf, type, start, width)
}

/** NUL-terminated strings back to back; the final NUL ends the last string rather than starting another. */
function splitStrings(s: string): string[] {
  const t = s.endsWith('\u0000') ? s.slice(0, -1) : s
  return t === '' ? [] : t.split('\u0000')
}

// One 64 KiB chunk → its records, in order, with every problem as a positioned 'malformed' RawRecord.
// Checksum mismatches are reported and decoding continues; a bad record is reported and skipped by its size
// (or by scanning for the next record signature when the size cannot be trusted).

import { crc32 } from 'node:zlib'
import type { RawRecord } from '../types.js'
import { createChunkDecoder } from './binxml.js'
import { EvtxError } from './errors.js'
import { renderRecord } from './render.js'

export const CHUNK_SIGNATURE = Buffer.from('ElfChnk\0', 'latin1')
const RECORD_SIGNATURE = Buffer.from([0x2a, 0x2a, 0x00, 0x00])
const CHUNK_HEADER_SIZE = 512
const RECORD_HEADER_SIZE = 24

export interface ChunkOptions {
  /** File name for SourceRef. */
  readonly file: string
  /** Byte offset of the chunk in the file; record offsets are reported relative to the file. */
  readonly offset: number
  /** Verify header and data CRC32 (default true). */
  readonly checksums?: boolean
}

// Compared against, never written: lets the all-zero test run as one memcmp.
const ZEROS = new Uint8Array(65536)

function isAllZero(buf: Buffer, start: number, end: number): boolean {
  if (buf[start] !== 0) return false // the common case: not zero at all
  for (let a = start; a < end; a += ZEROS.length) {
    const b = Math.min(end, a + ZEROS.length)
    if (buf.compare(ZEROS, 0, b - a, a, b) !== 0) return false
  }
  return true
}

function hex(n: number): string {
  return '0x' + n.toString(16).padStart(8, '0')
}

/**
 * Decodes one chunk held in `chunk` (normally 65536 bytes; fewer when the file is truncated). Never throws on
 * bad data: problems come back as `{kind: 'malformed', reason, source: {file, offset}}` in record order.
 */
export function parseChunk(chunk: Uint8Array, opts: ChunkOptions): RawRecord[] {
  const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
  const out: RawRecord[] = []
  const file = opts.file
  const base = opts.offset
  const malformed = (reason: string, at: number): void => {
    out.push({ kind: 'malformed', reason, source: { file, offset: base + at }, format: 'evtx' })
  }
  const len = buf.length
  if (len < 8 || !CHUNK_SIGNATURE.equals(buf.subarray(0, 8))) {
    // Pre-allocated, never-written space is all zeros and holds nothing to lose.
    if (!isAllZero(buf, 0, len)) malformed('bad chunk signature (expected "ElfChnk"); chunk skipped', 0)
    return out
  }
  if (len < CHUNK_HEADER_SIZE) {
    malformed(`truncated chunk: ${len} bytes, header needs ${CHUNK_HEADER_SIZE}`, 0)
    return out
  }
  if (opts.checksums !== false) {
    const stored = buf.readUInt32LE(124)
    const computed = crc32(buf.subarray(128, CHUNK_HEADER_SIZE), crc32(buf.subarray(0, 120)))
    if (stored !== computed) malformed(`chunk header CRC32 mismatch (stored ${hex(stored)}, computed ${hex(computed)}); decoding anyway`, 124)
  }
  let end = buf.readUInt32LE(48)
  if (end < CHUNK_HEADER_SIZE || end > 65536) {
    malformed(`free space offset ${end} outside the chunk; scanning to the chunk end`, 48)
    end = len
  } else if (end > len) {
    end = len // truncated file: the reader reports the missing bytes
  } else if (opts.checksums !== false) {
    const stored = buf.readUInt32LE(52)
    const computed = crc32(buf.subarray(CHUNK_HEADER_SIZE, end))
    if (stored !== computed) malformed(`chunk records CRC32 mismatch (stored ${hex(stored)}, computed ${hex(computed)}); decoding anyway`, 52)
  }

  // The next plausible record at or after `from`: signature, sane size, matching size copy. The copy check
  // keeps a `**\0\0` inside some record's data from passing for a record.
  const findRecord = (from: number): number => {
    for (let at = buf.indexOf(RECORD_SIGNATURE, from); at >= 0 && at + RECORD_HEADER_SIZE <= end; at = buf.indexOf(RECORD_SIGNATURE, at + 1)) {
      const size = buf.readUInt32LE(at + 4)
      if (size >= RECORD_HEADER_SIZE + 4 && at + size <= len && buf.readUInt32LE(at + size - 4) === size) return at
    }
    return -1
  }

  const decoder = createChunkDecoder(buf, len)
  let pos = CHUNK_HEADER_SIZE
  while (pos + RECORD_HEADER_SIZE <= end) {
    const sig = buf.readUInt32LE(pos)
    if (sig === 0 && isAllZero(buf, pos, Math.min(end, pos + 64))) {
      // Zero padding after the last record — or, in a damaged chunk, a zeroed block with records after it.
      const next = findRecord(pos + 64)
      if (next < 0) break
      malformed(`${next - pos} zero bytes inside the records; resuming at the next record`, pos)
      pos = next
      continue
    }
    let problem: string | undefined
    const size = buf.readUInt32LE(pos + 4)
    if (sig !== 0x00002a2a) problem = `bad record signature ${hex(sig)}`
    else if (size < RECORD_HEADER_SIZE + 4 || pos + size > len) problem = `bad record size ${size}`
    if (problem !== undefined) {
      const next = findRecord(pos + 1)
      const resume = next < 0 ? end : next
      malformed(`${problem}; skipped ${resume - pos} bytes to the next record`, pos)
      pos = resume
      continue
    }
    const recordId = buf.readBigUInt64LE(pos + 8)
    const sizeOk = buf.readUInt32LE(pos + size - 4) === size
    if (!sizeOk) malformed(`record ${recordId}: size copy mismatch (size ${size}); decoding anyway`, pos)
    try {
      const raw = renderRecord(decoder.record(pos + RECORD_HEADER_SIZE, pos + size - 4))
      out.push({ kind: 'record', format: 'evtx', raw, source: { file, offset: base + pos } })
    } catch (e) {
      malformed(`record ${recordId}: ${describe(e, base)}`, pos)
    }
    if (sizeOk) pos += size
    else {
      // The size cannot be trusted (often a record caught mid-write): resume at the next plausible record.
      const next = findRecord(pos + RECORD_HEADER_SIZE)
      if (next < 0) break
      pos = next
    }
  }
  return out
}

/** Decoder errors carry a chunk position; a stack overflow or out-of-range read is data-driven too. */
function describe(e: unknown, base: number): string {
  if (e instanceof EvtxError) return e.position < 0 ? e.message : `${e.message} at file offset ${base + e.position}`
  if (e instanceof RangeError) return e.message
  // Anything else is a decoder bug; still reported per record rather than aborting the file.
  return `internal error: ${e instanceof Error ? e.message : String(e)}`
}

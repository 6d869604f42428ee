// EVTX file header (first 4096 bytes; libyal "File header"). Its chunk count is informational only: the reader
// scans chunks to end of file because dirty files under-report it.

import { crc32 } from 'node:zlib'

export const FILE_SIGNATURE = Buffer.from('ElfFile\0', 'latin1')
export const FILE_HEADER_BLOCK_SIZE = 4096
export const CHUNK_SIZE = 65536

export interface FileHeader {
  readonly firstChunkNumber: bigint
  readonly lastChunkNumber: bigint
  readonly nextRecordId: bigint
  readonly headerSize: number
  readonly minorVersion: number
  readonly majorVersion: number
  /** Offset of the first chunk as stored (4096 in every file seen). */
  readonly headerBlockSize: number
  /** As stored; unreliable on dirty files. */
  readonly chunkCount: number
  readonly flags: number
  readonly dirty: boolean
  readonly full: boolean
  readonly storedChecksum: number
  readonly computedChecksum: number
  readonly checksumOk: boolean
}

export type ParsedFileHeader = { readonly ok: true; readonly header: FileHeader } | { readonly ok: false; readonly reason: string }

/** True when the bytes start with the EVTX file signature `ElfFile\0` (pass at least the first 8 bytes). */
export function isEvtx(first8Bytes: Uint8Array): boolean {
  if (first8Bytes.length < 8) return false
  for (let i = 0; i < 8; i++) if (first8Bytes[i] !== FILE_SIGNATURE[i]) return false
  return true
}

/** Parses the file header from the first bytes of a file (128 bytes suffice). */
export function parseFileHeader(buf: Uint8Array): ParsedFileHeader {
  if (buf.length < 128) return { ok: false, reason: `file header needs 128 bytes, got ${buf.length}` }
  if (!isEvtx(buf)) return { ok: false, reason: 'not an EVTX file (missing "ElfFile" signature)' }
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength)
  const flags = b.readUInt32LE(120)
  const storedChecksum = b.readUInt32LE(124)
  const computedChecksum = crc32(b.subarray(0, 120))
  return {
    ok: true,
    header: {
      firstChunkNumber: b.readBigUInt64LE(8),
      lastChunkNumber: b.readBigUInt64LE(16),
      nextRecordId: b.readBigUInt64LE(24),
      headerSize: b.readUInt32LE(32),
      minorVersion: b.readUInt16LE(36),
      majorVersion: b.readUInt16LE(38),
      headerBlockSize: b.readUInt16LE(40),
      chunkCount: b.readUInt16LE(42),
      flags,
      dirty: (flags & 1) !== 0,
      full: (flags & 2) !== 0,
      storedChecksum,
      computedChecksum,
      checksumOk: storedChecksum === computedChecksum,
    },
  }
}

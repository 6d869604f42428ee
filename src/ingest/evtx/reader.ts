// Streaming EVTX reader: file header, then every 64 KiB chunk up to end of file (never the header's chunk
// count), read through one reused buffer so memory stays bounded on multi-GB files. With `workers` > 0 the
// chunks are decoded on worker threads and yielded in file order (workers.ts).

import { open, type FileHandle } from 'node:fs/promises'
import type { RawRecord, ReadOptions } from '../types.js'
import { parseChunk } from './chunk.js'
import { CHUNK_SIZE, FILE_HEADER_BLOCK_SIZE, parseFileHeader } from './header.js'
import { createEvtxWorkerPool, decodeChunksInWorkers, type EvtxWorkerPool } from './workers.js'

export interface EvtxReadOptions extends ReadOptions {
  /**
   * Decode chunks on worker threads, output still in file order: a number starts (and stops) that many for
   * this file; a pool from createEvtxWorkerPool is shared across files and left running. 0/absent: no workers.
   */
  readonly workers?: number | EvtxWorkerPool
  /** Verify chunk header and record-data CRC32s (default true); mismatches are reported, decoding continues. */
  readonly checksums?: boolean
  /** File name reported in every SourceRef (default: `path`), e.g. the user-facing name of a spooled copy. */
  readonly name?: string
}

export interface ChunkJob {
  readonly offset: number
  readonly bytes: Buffer
  /** Problems found while reading this chunk (truncation), yielded before its records. */
  readonly notes: readonly RawRecord[]
}

function hex(n: number): string {
  return '0x' + n.toString(16).padStart(8, '0')
}

function malformed(file: string, offset: number, reason: string): RawRecord {
  return { kind: 'malformed', reason, source: { file, offset }, format: 'evtx' }
}

async function readFully(fh: FileHandle, buf: Buffer, position: number): Promise<number> {
  let got = 0
  while (got < buf.length) {
    const { bytesRead } = await fh.read(buf, got, buf.length - got, position + got)
    if (bytesRead === 0) break
    got += bytesRead
  }
  return got
}

/**
 * Reads the header (problems go to `out`) and yields every chunk's bytes; `reuse`: one buffer for all chunks
 * (the caller decodes each before asking for the next), else a fresh buffer each (transferred to a worker).
 */
async function* chunks(fh: FileHandle, file: string, reuse: boolean, out: RawRecord[], signal?: AbortSignal): AsyncGenerator<ChunkJob> {
  const head = Buffer.alloc(FILE_HEADER_BLOCK_SIZE)
  const headLen = await readFully(fh, head, 0)
  const parsed = parseFileHeader(head.subarray(0, headLen))
  if (!parsed.ok) { out.push(malformed(file, 0, parsed.reason)); return }
  const h = parsed.header
  if (!h.checksumOk) {
    out.push(malformed(file, 124, `file header CRC32 mismatch (stored ${hex(h.storedChecksum)}, computed ${hex(h.computedChecksum)}); reading anyway`))
  }
  const { size } = await fh.stat()
  let shared = reuse ? Buffer.allocUnsafe(CHUNK_SIZE) : undefined
  // Chunks start after the 4096-byte header block; a different stored value is reported, not trusted.
  if (h.headerBlockSize !== FILE_HEADER_BLOCK_SIZE) {
    out.push(malformed(file, 40, `header block size ${h.headerBlockSize}, expected ${FILE_HEADER_BLOCK_SIZE}; using ${FILE_HEADER_BLOCK_SIZE}`))
  }
  for (let offset = FILE_HEADER_BLOCK_SIZE; offset < size; offset += CHUNK_SIZE) {
    if (signal?.aborted) return
    const bytes = shared ?? Buffer.allocUnsafe(CHUNK_SIZE)
    const got = await readFully(fh, bytes, offset)
    if (got === 0) break
    const notes = got < CHUNK_SIZE ? [malformed(file, offset, `truncated chunk: ${got} of ${CHUNK_SIZE} bytes before end of file`)] : []
    yield { offset, bytes: got < CHUNK_SIZE ? bytes.subarray(0, got) : bytes, notes }
  }
  shared = undefined
}

/**
 * Yields the records of an EVTX file one chunk at a time (one array per 64 KiB chunk, problems included in
 * order): the cheap way to consume it in bulk. See readEvtx for the record shapes.
 */
export async function* readEvtxBatches(path: string, opts: EvtxReadOptions = {}): AsyncGenerator<RawRecord[]> {
  const file = opts.name ?? path
  let fh: FileHandle
  try {
    fh = await open(path, 'r')
  } catch (e) {
    yield [malformed(file, 0, `cannot open: ${e instanceof Error ? e.message : String(e)}`)]
    return
  }
  const pending: RawRecord[] = []
  const flush = (batch: RawRecord[]): RawRecord[] => {
    if (pending.length === 0) return batch
    const out = [...pending, ...batch]
    pending.length = 0
    return out
  }
  try {
    const w = opts.workers ?? 0
    const workers = typeof w === 'number' ? Math.max(0, Math.floor(w)) : w.size
    const checksums = opts.checksums !== false
    if (workers === 0) {
      for await (const job of chunks(fh, file, true, pending, opts.signal)) {
        const records = parseChunk(job.bytes, { file, offset: job.offset, checksums })
        yield flush(job.notes.length === 0 ? records : [...job.notes, ...records])
        if (opts.signal?.aborted) return
      }
    } else {
      const pool = typeof w === 'number' ? createEvtxWorkerPool(workers) : w
      try {
        for await (const records of decodeChunksInWorkers(chunks(fh, file, false, pending, opts.signal), pool, file, checksums)) {
          yield flush(records)
          if (opts.signal?.aborted) return
        }
      } finally {
        if (typeof w === 'number') await pool.close()
      }
    }
    if (pending.length > 0) yield flush([])
  } catch (e) {
    yield flush([malformed(file, 0, `read error: ${e instanceof Error ? e.message : String(e)}`)])
  } finally {
    await fh.close()
  }
}

/**
 * Yields every record of an EVTX file as `{kind: 'record', format: 'evtx', raw, source: {file, offset}}` with
 * `raw` in the evtx_dump JSON shape, and every problem as `{kind: 'malformed', reason, source}`. Never throws
 * for bad input (an unreadable file is one malformed record at offset 0).
 */
export async function* readEvtx(path: string, opts: EvtxReadOptions = {}): AsyncGenerator<RawRecord> {
  for await (const batch of readEvtxBatches(path, opts)) yield* batch
}

// Byte-stream plumbing shared by the readers: file/stdin sources, peeking at the head for format
// detection, gunzip, UTF-16 → UTF-8, progress counting, and turning a mid-stream I/O error into an
// end of stream plus a reported error (so the records read before it are still yielded).
import { createReadStream } from 'node:fs'
import { StringDecoder } from 'node:string_decoder'
import { Readable, pipeline } from 'node:stream'
import { createGunzip } from 'node:zlib'

export const CHUNK_BYTES = 1024 * 1024

export function fileChunks(path: string, signal?: AbortSignal): AsyncIterable<Buffer> {
  return createReadStream(path, { highWaterMark: CHUNK_BYTES, ...(signal ? { signal } : {}) })
}

export interface Peeked {
  readonly head: Buffer
  readonly isComplete: boolean
  /** The whole stream again, head included. */
  readonly chunks: AsyncIterable<Buffer>
  /** Stops reading (closes the file) when the rest of the stream is not wanted. */
  close(): Promise<void>
}

/** Reads chunks until `enough(head, isComplete)` says so; the returned stream replays them. */
export async function peek(
  source: AsyncIterable<Buffer>,
  enough: (head: Buffer, isComplete: boolean) => boolean,
): Promise<Peeked> {
  const it = source[Symbol.asyncIterator]()
  const seen: Buffer[] = []
  let total = 0
  let isComplete = false
  let head: Buffer = Buffer.alloc(0)
  for (;;) {
    const next = await it.next()
    if (next.done) {
      isComplete = true
    } else {
      const chunk = next.value
      if (chunk.length === 0) continue
      seen.push(chunk)
      total += chunk.length
    }
    head = seen.length === 1 ? seen[0]! : Buffer.concat(seen, total)
    if (isComplete || enough(head, false)) break
  }
  const done = isComplete
  const replay = head
  let finished = isComplete
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      if (replay.length > 0) yield replay
      if (done) return
      for (;;) {
        const next = await it.next()
        if (next.done) {
          finished = true
          return
        }
        yield next.value
      }
    } finally {
      // A consumer that stops early (break, strict mode) must still close the file underneath.
      if (!finished) {
        finished = true
        await it.return?.()
      }
    }
  }
  const close = async (): Promise<void> => {
    if (!finished) {
      finished = true
      await it.return?.()
    }
  }
  return { head, isComplete, chunks: chunks(), close }
}

export async function* gunzipChunks(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const gunzip = createGunzip({ chunkSize: 256 * 1024 })
  pipeline(Readable.from(source, { objectMode: false }), gunzip, () => {
    // Errors surface through the iteration of `gunzip` below.
  })
  for await (const chunk of gunzip as AsyncIterable<Buffer>) yield chunk
}

/** UTF-16 (either byte order) → UTF-8, streaming; a BOM is dropped. */
export async function* utf16ToUtf8(source: AsyncIterable<Buffer>, byteOrder: 'le' | 'be'): AsyncGenerator<Buffer> {
  const decoder = new StringDecoder('utf16le')
  let odd: Buffer | undefined // a BE byte pair split across chunks
  let atStart = true
  for await (let chunk of source) {
    if (byteOrder === 'be') {
      if (odd !== undefined) chunk = Buffer.concat([odd, chunk])
      const even = chunk.length & ~1
      odd = even < chunk.length ? Buffer.from(chunk.subarray(even)) : undefined
      chunk = Buffer.from(chunk.subarray(0, even)).swap16()
    }
    let text = decoder.write(chunk)
    if (atStart && text.length > 0) {
      atStart = false
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
    }
    if (text.length > 0) yield Buffer.from(text, 'utf8')
  }
  const rest = decoder.end()
  if (rest.length > 0) yield Buffer.from(rest, 'utf8')
}

export async function* countBytes(source: AsyncIterable<Buffer>, onBytes: (bytes: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    onBytes(chunk.length)
    yield chunk
  }
}

export interface Guarded {
  readonly chunks: AsyncIterable<Buffer>
  /** The error that ended the stream early, if any (read after the stream is consumed). */
  error(): Error | undefined
}

/** Ends the stream at the first error instead of throwing, except for cancellation. */
export function guard(source: AsyncIterable<Buffer>, signal?: AbortSignal): Guarded {
  let failure: Error | undefined
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of source) yield chunk
    } catch (e) {
      if (signal?.aborted) throw signal.reason
      failure = e instanceof Error ? e : new Error(String(e))
    }
  }
  return { chunks: chunks(), error: () => failure }
}

/** A short description of an I/O error for a malformed record ("ENOENT: no such file…"). */
export function describeError(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

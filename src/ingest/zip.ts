// Streaming zip extraction (fflate `Unzip`): entries are found from their local headers as bytes
// arrive, so an archive is never held whole in memory. Input is fed in small slices because fflate
// inflates synchronously: 64 KiB of deflate expands to at most ~66 MB, which bounds a zip bomb's burst.
import { Unzip, UnzipInflate, UnzipPassThrough } from 'fflate'

const FEED_BYTES = 64 * 1024

export type ZipEvent =
  | { readonly kind: 'entry'; readonly name: string }
  | { readonly kind: 'data'; readonly data: Buffer }
  | { readonly kind: 'end' }
  | { readonly kind: 'error'; readonly reason: string }

/** The archive as a flat event stream: entry, data…, end (or error), next entry… */
export async function* zipEvents(source: AsyncIterable<Buffer>): AsyncGenerator<ZipEvent> {
  const pending: ZipEvent[] = []
  let open = false // an entry started and not yet ended
  const unzip = new Unzip((file) => {
    if (file.name.endsWith('/')) return // a directory entry carries no data
    if (open) pending.push({ kind: 'error', reason: 'entry truncated' })
    open = true
    pending.push({ kind: 'entry', name: file.name })
    file.ondata = (err, data, final) => {
      if (err) {
        pending.push({ kind: 'error', reason: err.message })
        open = false
        return
      }
      if (data.length > 0) pending.push({ kind: 'data', data: Buffer.from(data.buffer, data.byteOffset, data.length) })
      if (final) {
        pending.push({ kind: 'end' })
        open = false
      }
    }
    try {
      file.start()
    } catch (e) {
      pending.push({ kind: 'error', reason: e instanceof Error ? e.message : String(e) })
      open = false
    }
  })
  unzip.register(UnzipInflate)
  unzip.register(UnzipPassThrough)
  const feed = function* (chunk: Uint8Array, final: boolean): Generator<ZipEvent> {
    try {
      unzip.push(chunk, final)
    } catch (e) {
      pending.push({ kind: 'error', reason: e instanceof Error ? e.message : String(e) })
    }
    yield* pending.splice(0)
  }
  for await (const chunk of source) {
    for (let at = 0; at < chunk.length; at += FEED_BYTES) yield* feed(chunk.subarray(at, at + FEED_BYTES), false)
  }
  yield* feed(new Uint8Array(0), true)
  if (open) yield { kind: 'error', reason: 'archive truncated inside this entry' }
}

export interface ZipEntry {
  readonly name: string
  /** The entry's bytes; must be consumed (or drained) before the next entry is read. */
  readonly chunks: AsyncIterable<Buffer>
  /** Why the entry's data ended early, if it did (read after consuming `chunks`). */
  error(): string | undefined
}

/** Entries of a zip stream, in archive order. */
export async function* zipEntries(source: AsyncIterable<Buffer>): AsyncGenerator<ZipEntry> {
  const it = zipEvents(source)[Symbol.asyncIterator]()
  try {
    yield* entriesOf(it)
  } finally {
    await it.return?.(undefined) // a consumer that stops early still closes the archive's file
  }
}

async function* entriesOf(it: AsyncIterator<ZipEvent>): AsyncGenerator<ZipEntry> {
  let next = await it.next()
  while (!next.done) {
    const ev = next.value
    if (ev.kind !== 'entry') {
      next = await it.next() // stray data after an error
      continue
    }
    let failure: string | undefined
    let finished = false
    async function* chunks(): AsyncGenerator<Buffer> {
      while (!finished) {
        next = await it.next()
        if (next.done) {
          finished = true
          return
        }
        const e = next.value
        if (e.kind === 'data') yield e.data
        else {
          finished = true
          if (e.kind === 'error') failure = e.reason
          if (e.kind === 'entry') return // keep `next` pointing at the following entry
          next = await it.next()
          return
        }
      }
    }
    const entry: ZipEntry = { name: ev.name, chunks: chunks(), error: () => failure }
    yield entry
    if (!finished) for await (const _ of entry.chunks) void _ // the consumer stopped early: drain
    if (!finished) next = await it.next()
  }
}

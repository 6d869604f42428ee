// Inputs → raw records. Files, directories (recursive, sorted, include/exclude globs), `-` for stdin,
// gzip and zip archives (each entry detected on its own), UTF-16 exports; the format of each stream is
// detected from its content (detect-format.ts) unless `format` overrides it. Every problem — a missing
// file, a permission error, a corrupt archive, a bad line — becomes a malformed record naming the file,
// so nothing throws and nothing vanishes. Only cancellation (`signal`) throws.
import { createWriteStream } from 'node:fs'
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { Readable } from 'node:stream'
import { detectFormat, SNIFF_MAX_BYTES, type Detection } from './detect-format.js'
import { readEvtx } from './evtx/index.js'
import { flatten } from './flatten.js'
import { compileGlobs, type GlobMatcher } from './glob.js'
import { jsonBatches, type JsonOptions } from './json.js'
import type { SplitOptions } from './lines.js'
import { ndjsonBatches, type NdjsonOptions } from './ndjson.js'
import { countBytes, describeError, fileChunks, guard, gunzipChunks, peek, utf16ToUtf8 } from './stream.js'
import type { InputFormat, RawRecord, ReadOptions } from './types.js'
import { xmlBatches, type XmlOptions } from './xml.js'
import { zipEntries } from './zip.js'

export type { InputFormat, RawRecord, ReadOptions, SourceRef } from './types.js'
export { detectFormat, type Detection, type Layer } from './detect-format.js'
export { createLineSplitter, splitLines, splitLineBatches, DEFAULT_MAX_LINE_BYTES, type Line, type LineSink } from './lines.js'
export { ndjsonBatches, ndjsonRecords, readNdjson, readNdjsonLines, parseNdjsonLine, type NdjsonOptions } from './ndjson.js'
export { jsonBatches, jsonRecords, type JsonOptions } from './json.js'
export { xmlBatches, xmlRecords, parseEventXml, type EventXmlResult, type XmlOptions } from './xml.js'
export { unwrapEnvelope } from './unwrap.js'
export { compileGlobs, type GlobMatcher } from './glob.js'
export { flatten } from './flatten.js'

export interface InputOptions extends ReadOptions, SplitOptions, JsonOptions, XmlOptions, NdjsonOptions {
  /** Globs a file found under a directory input must match; default all. Explicit files are always read. */
  readonly include?: readonly string[]
  /** Globs that skip files found under a directory input, and whole directories. */
  readonly exclude?: readonly string[]
  /** Called when a file (or stdin, with 0 bytes) starts being read, with its size on disk. */
  readonly onFile?: (file: string, bytes: number) => void
  /** Called with every block of bytes read from disk or stdin (compressed size), for a progress bar. */
  readonly onBytes?: (bytes: number) => void
  /** EVTX decoding worker threads (0: on the calling thread). */
  readonly evtxWorkers?: number
}

/** Layers (archives, compression, UTF-16) inside each other are peeled this deep. */
const MAX_NESTING = 4
const EVTX_BATCH = 512

const malformed = (file: string, reason: string, format: InputFormat = 'ndjson', offset?: number): RawRecord => ({
  kind: 'malformed',
  reason,
  source: offset === undefined ? { file } : { file, offset },
  format,
})

/** Every input as one stream of records, in order. */
export function readInputs(paths: readonly string[], opts: InputOptions = {}): AsyncIterableIterator<RawRecord> {
  return flatten(readInputBatches(paths, opts))
}

/** One file (any format, compressed or not) or `-`. */
export function readFile(path: string, opts: InputOptions = {}): AsyncIterableIterator<RawRecord> {
  return readInputs([path], opts)
}

/** Like `readInputs`, one array per block read: the cheaper form for hot loops (one await per block). */
export async function* readInputBatches(paths: readonly string[], opts: InputOptions = {}): AsyncGenerator<RawRecord[]> {
  const filters = compileFilters(opts)
  for (const path of paths) {
    if (opts.signal?.aborted) throw opts.signal.reason
    if (path === '-') {
      opts.onFile?.('-', 0)
      const stdin = process.stdin as AsyncIterable<Buffer>
      yield* readStream(opts.onBytes ? countBytes(stdin, opts.onBytes) : stdin, '-', opts, undefined, 0)
      continue
    }
    let isDirectory: boolean
    try {
      isDirectory = (await stat(path)).isDirectory()
    } catch (e) {
      yield [malformed(path, `cannot read: ${describeError(e)}`)]
      continue
    }
    if (!isDirectory) {
      yield* readPath(path, opts)
      continue
    }
    for await (const entry of walk(path, path, filters)) {
      if (typeof entry === 'string') yield* readPath(entry, opts)
      else yield [entry]
    }
  }
}

/** The files `readInputs` would read (directories expanded), with their sizes: the progress bar's total. */
export async function listInputFiles(paths: readonly string[], opts: Pick<InputOptions, 'include' | 'exclude'> = {}): Promise<{ file: string; bytes: number }[]> {
  const filters = compileFilters(opts)
  const out: { file: string; bytes: number }[] = []
  const add = async (file: string): Promise<void> => {
    try {
      out.push({ file, bytes: (await stat(file)).size })
    } catch {
      out.push({ file, bytes: 0 })
    }
  }
  for (const path of paths) {
    if (path === '-') continue
    try {
      if (!(await stat(path)).isDirectory()) {
        await add(path)
        continue
      }
    } catch {
      continue
    }
    for await (const entry of walk(path, path, filters)) if (typeof entry === 'string') await add(entry)
  }
  return out
}

interface Filters {
  readonly include: GlobMatcher | undefined
  readonly exclude: GlobMatcher | undefined
}

function compileFilters(opts: Pick<InputOptions, 'include' | 'exclude'>): Filters {
  return {
    include: opts.include && opts.include.length > 0 ? compileGlobs(opts.include) : undefined,
    exclude: opts.exclude && opts.exclude.length > 0 ? compileGlobs(opts.exclude) : undefined,
  }
}

const isWanted = (filters: Filters, rel: string): boolean =>
  (filters.include === undefined || filters.include(rel)) && !(filters.exclude?.(rel) ?? false)

/**
 * Files under `dir`, depth first, names in code-unit order; unreadable directories become records.
 * Symlinked directories are followed once each (`visited` holds device:inode), so a link back to an
 * ancestor cannot loop.
 */
async function* walk(root: string, dir: string, filters: Filters, visited = new Set<string>()): AsyncGenerator<string | RawRecord> {
  let names: string[]
  try {
    const self = await stat(dir)
    const id = `${self.dev}:${self.ino}`
    if (visited.has(id)) return
    visited.add(id)
    const entries = await readdir(dir, { withFileTypes: true })
    names = entries.map((e) => e.name).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  } catch (e) {
    yield malformed(dir, `cannot read directory: ${describeError(e)}`)
    return
  }
  for (const name of names) {
    const full = join(dir, name)
    const rel = relative(root, full)
    let info
    try {
      info = await stat(full) // follows symlinks
    } catch (e) {
      yield malformed(full, `cannot read: ${describeError(e)}`)
      continue
    }
    if (info.isDirectory()) {
      if (filters.exclude?.(rel)) continue
      yield* walk(root, full, filters, visited)
    } else if (info.isFile() && isWanted(filters, rel)) yield full
  }
}

async function* readPath(path: string, opts: InputOptions): AsyncGenerator<RawRecord[]> {
  let size = 0
  try {
    size = (await stat(path)).size
  } catch {
    // reported by the read below
  }
  opts.onFile?.(path, size)
  const chunks = opts.onBytes ? countBytes(fileChunks(path, opts.signal), opts.onBytes) : fileChunks(path, opts.signal)
  yield* readStream(chunks, path, opts, path, 0)
}

/**
 * Detects and reads one byte stream. `diskPath` is set when the stream is a whole file on disk, so
 * EVTX can be read from it directly (EVTX needs random access; other sources are spooled to a temp file).
 */
async function* readStream(
  source: AsyncIterable<Buffer>,
  name: string,
  opts: InputOptions,
  diskPath: string | undefined,
  depth: number,
): AsyncGenerator<RawRecord[]> {
  const guarded = guard(source, opts.signal)
  const peeked = await peek(guarded.chunks, (head) => head.length >= SNIFF_MAX_BYTES || detectFormat(head, false) !== undefined)
  const detected: Detection = detectFormat(peeked.head, peeked.isComplete) ?? { kind: 'format', format: 'ndjson' }
  const readError = (): RawRecord[] => {
    const e = guarded.error()
    return e === undefined ? [] : [malformed(name, `read error: ${describeError(e)}`, formatOf(detected, opts))]
  }

  if (detected.kind === 'layer') {
    if (depth >= MAX_NESTING) {
      yield [malformed(name, `archives, compression or UTF-16 nested more than ${MAX_NESTING} deep`)]
      await peeked.close()
      return
    }
    switch (detected.layer) {
      case 'gzip':
        yield* readStream(gunzipChunks(peeked.chunks), name, opts, undefined, depth + 1)
        break
      case 'zip':
        for await (const entry of zipEntries(peeked.chunks)) {
          // Every entry is read (include/exclude select files on disk, not archive members).
          const inner = `${name}!${entry.name}`
          yield* readStream(entry.chunks, inner, opts, undefined, depth + 1)
          const why = entry.error()
          if (why !== undefined) yield [malformed(inner, `zip: ${why}`)]
        }
        break
      case 'utf16le':
      case 'utf16be':
        yield* readStream(utf16ToUtf8(peeked.chunks, detected.layer === 'utf16le' ? 'le' : 'be'), name, opts, undefined, depth + 1)
        break
    }
    const tail = readError()
    if (tail.length > 0) yield tail
    return
  }

  const format = formatOf(detected, opts)
  if (format === undefined) {
    await peeked.close()
    yield [malformed(name, detected.kind === 'unknown' ? detected.reason : 'unrecognised input format', 'ndjson', 0)]
    return
  }
  try {
    switch (format) {
      case 'ndjson':
        yield* ndjsonBatches(peeked.chunks, name, opts)
        break
      case 'json':
        yield* jsonBatches(peeked.chunks, name, opts)
        break
      case 'xml':
        yield* xmlBatches(peeked.chunks, name, opts)
        break
      case 'evtx':
        if (diskPath !== undefined && guarded.error() === undefined) {
          await peeked.close()
          yield* evtxBatches(diskPath, name, opts)
        } else yield* spooledEvtx(peeked.chunks, name, opts)
        break
    }
  } catch (e) {
    // Readers report bad input as records; an exception here is a reader bug. It must still not end
    // the whole run: report it against this file and go on with the next input.
    if (opts.signal?.aborted) throw opts.signal.reason
    yield [malformed(name, `internal error while reading ${format}: ${describeError(e)}`, format)]
    await peeked.close()
  }
  const tail = readError()
  if (tail.length > 0) yield tail
}

function formatOf(detected: Detection, opts: InputOptions): InputFormat | undefined {
  if (opts.format !== undefined) return opts.format
  return detected.kind === 'format' ? detected.format : undefined
}

async function* evtxBatches(path: string, name: string, opts: InputOptions): AsyncGenerator<RawRecord[]> {
  let batch: RawRecord[] = []
  const rename = name === path ? (r: RawRecord) => r : (r: RawRecord): RawRecord => ({ ...r, source: { ...r.source, file: name } })
  for await (const r of readEvtx(path, { ...(opts.signal ? { signal: opts.signal } : {}), workers: opts.evtxWorkers ?? 0 })) {
    batch.push(rename(r))
    if (batch.length >= EVTX_BATCH) {
      yield batch
      batch = []
    }
  }
  if (batch.length > 0) yield batch
}

/** EVTX from stdin or an archive: written to a private temp file first, because EVTX needs random access. */
async function* spooledEvtx(chunks: AsyncIterable<Buffer>, name: string, opts: InputOptions): AsyncGenerator<RawRecord[]> {
  let dir: string | undefined
  try {
    dir = await mkdtemp(join(tmpdir(), 'vigil-evtx-'))
    const file = join(dir, 'input.evtx')
    try {
      await pipeline(Readable.from(chunks), createWriteStream(file, { mode: 0o600 }))
    } catch (e) {
      if (opts.signal?.aborted) throw opts.signal.reason
      yield [malformed(name, `cannot spool EVTX to a temp file: ${describeError(e)}`, 'evtx')]
      return
    }
    yield* evtxBatches(file, name, opts)
  } finally {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true })
  }
}

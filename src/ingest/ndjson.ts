// NDJSON: one JSON document per line (ECS, Winlogbeat, evtx_dump/Chainsaw JSONL, NXLog, Splunk, ES hits).
// Positions are 1-based line numbers. Blank lines are skipped but counted.
import { createLineSplitter, DEFAULT_MAX_LINE_BYTES, splitLines, type Line, type SplitOptions } from './lines.js'
import { fileChunks } from './stream.js'
import { notAnObject, unwrapEnvelope } from './unwrap.js'
import { flatten } from './flatten.js'
import type { RawRecord, ReadOptions } from './types.js'

/** Turns one line into records (an envelope line can hold several documents). */
export function parseNdjsonLine(text: string, line: number, file: string, out: RawRecord[]): void {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    out.push({ kind: 'malformed', reason: `invalid JSON: ${(e as Error).message}`, source: { file, line }, format: 'ndjson' })
    return
  }
  const notObject = notAnObject(value)
  if (notObject !== undefined) {
    out.push({ kind: 'malformed', reason: notObject, source: { file, line }, format: 'ndjson' })
    return
  }
  const inner = unwrapEnvelope(value as Record<string, unknown>)
  if (inner === undefined) {
    out.push({ kind: 'record', raw: value, source: { file, line }, text, format: 'ndjson' })
    return
  }
  for (const doc of inner) {
    const why = notAnObject(doc)
    out.push(
      why === undefined
        ? { kind: 'record', raw: doc, source: { file, line }, format: 'ndjson' }
        : { kind: 'malformed', reason: why, source: { file, line }, format: 'ndjson' },
    )
  }
}

export interface NdjsonOptions extends SplitOptions {
  /**
   * A cheap test on a line's raw text: a line for which it returns false is skipped before
   * `JSON.parse` (for a query's raw-text prefilter). Skipped lines are not records and not malformed.
   */
  readonly prefilter?: (line: string) => boolean
  /** How many lines the prefilter skipped, reported once per block read. */
  readonly onPrefiltered?: (lines: number) => void
}

/** NDJSON records of a byte stream, one array per input chunk (the hot path: one await per chunk). */
export async function* ndjsonBatches(
  chunks: AsyncIterable<Buffer>,
  file: string,
  opts: NdjsonOptions = {},
): AsyncGenerator<RawRecord[]> {
  let batch: RawRecord[] = []
  let skipped = 0
  const prefilter = opts.prefilter
  const splitter = createLineSplitter(
    {
      line:
        prefilter === undefined
          ? (text, line) => parseNdjsonLine(text, line, file, batch)
          : (text, line) => {
              if (prefilter(text)) parseNdjsonLine(text, line, file, batch)
              else skipped++
            },
      overlong: (line, bytes) =>
        void batch.push({
          kind: 'malformed',
          reason: `line too long (${bytes} bytes; the limit is ${opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES})`,
          source: { file, line },
          format: 'ndjson',
        }),
    },
    opts,
  )
  const flushSkipped = (): void => {
    if (skipped > 0) opts.onPrefiltered?.(skipped)
    skipped = 0
  }
  for await (const chunk of chunks) {
    splitter.push(chunk)
    flushSkipped()
    if (batch.length > 0) {
      yield batch
      batch = []
    }
  }
  splitter.end()
  flushSkipped()
  if (batch.length > 0) yield batch
}

/** NDJSON records of a byte stream. */
export function ndjsonRecords(
  chunks: AsyncIterable<Buffer>,
  file: string,
  opts: NdjsonOptions = {},
): AsyncIterableIterator<RawRecord> {
  return flatten(ndjsonBatches(chunks, file, opts))
}

/** Reads one NDJSON file (no format detection, no decompression: see `readFile` in index.ts for that). */
export function readNdjson(path: string, opts: ReadOptions & NdjsonOptions = {}): AsyncIterableIterator<RawRecord> {
  return ndjsonRecords(fileChunks(path, opts.signal), path, opts)
}

/** Raw lines of one NDJSON file with their line numbers, before `JSON.parse` (no detection, no gzip). */
export function readNdjsonLines(path: string, opts: ReadOptions & SplitOptions = {}): AsyncIterableIterator<Line> {
  return splitLines(fileChunks(path, opts.signal), opts)
}

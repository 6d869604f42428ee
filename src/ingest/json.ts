// JSON documents that are not one-per-line: a JSON array of documents (streamed element by element,
// so a multi-GB array never sits in memory), one pretty-printed object, several concatenated objects
// (`jq .` output), `evtx_dump -o json` (objects separated by `Record N` lines), an Elasticsearch
// `_search` response, Splunk `results` JSON. A byte scanner tracks strings, escapes and nesting depth and
// cuts out each top-level value (or each element of a top-level array); only that text is parsed.
// Positions: byte offset and 1-based line of the value's first byte.
import { notAnObject, unwrapEnvelope } from './unwrap.js'
import { flatten } from './flatten.js'
import type { RawRecord } from './types.js'

/** A single document (or top-level object) larger than this is reported, not parsed. */
export const DEFAULT_MAX_RECORD_BYTES = 256 * 1024 * 1024

export interface JsonOptions {
  readonly maxRecordBytes?: number
}

const EVTX_DUMP_SEPARATOR = /^Record \d+\s*$/

interface Sink {
  /** `isOneLine`: the value's text has no line break, so it can be echoed as an NDJSON line. */
  value(text: string, offset: number, line: number, isOneLine: boolean): void
  problem(reason: string, offset: number, line: number): void
}

interface JsonSplitter {
  push(chunk: Buffer): void
  end(): void
}

/** The byte scanner: calls `sink.value` with the text of each document-level JSON value. */
function createJsonSplitter(sink: Sink, maxBytes: number): JsonSplitter {
  let base = 0 // absolute offset of the current chunk
  let line = 1
  let depth = 0
  let inString = false
  let escaped = false // the previous string byte was a backslash that escapes the next one
  let inArray = false // depth 1 is a top-level array whose elements are documents
  // The value being cut out.
  let capturing = false
  let isScalar = false // an array element that is not an object/array ends at `,` or `]`
  let parts: Buffer[] = []
  let partBytes = 0
  let overflow = false
  let startOffset = 0
  let startLine = 0
  let capStart = 0 // start of the capture within the current chunk
  // After a line break inside a string (an unterminated string: invalid JSON), skip to a line that
  // starts a new document (`{`) or closes the array (`]`): 1 = looking for a newline, 2 = at a line start.
  let resync = 0
  // Text at depth 0 that is not a JSON value.
  let junk: number[] | undefined
  let junkOffset = 0
  let junkLine = 0

  const finish = (chunk: Buffer, end: number): void => {
    capturing = false
    const size = partBytes + (end - capStart)
    if (overflow || size > maxBytes) {
      sink.problem(`JSON value too large (over ${maxBytes} bytes)`, startOffset, startLine)
    } else {
      let text: string
      if (parts.length === 0) text = chunk.toString('utf8', capStart, end)
      else {
        parts.push(chunk.subarray(capStart, end))
        text = Buffer.concat(parts, size).toString('utf8')
      }
      sink.value(isScalar ? text.trimEnd() : text, startOffset, startLine, line === startLine)
    }
    parts = []
    partBytes = 0
    overflow = false
  }
  const begin = (i: number, scalar: boolean): void => {
    capturing = true
    isScalar = scalar
    capStart = i
    startOffset = base + i
    startLine = line
  }
  const endJunk = (): void => {
    if (junk === undefined) return
    const text = Buffer.from(junk).toString('utf8').trim()
    junk = undefined
    if (!EVTX_DUMP_SEPARATOR.test(text)) sink.problem(`not JSON: ${JSON.stringify(text.slice(0, 60))}`, junkOffset, junkLine)
  }

  return {
    push(chunk: Buffer): void {
      const len = chunk.length
      capStart = 0
      let i = 0
      let nextNl = chunk.indexOf(10) // the first newline at or after the scan position (-1: none left)
      while (i < len) {
        if (resync !== 0) {
          if (resync === 1) {
            const nl = chunk.indexOf(10, i)
            if (nl === -1) {
              i = len
              break
            }
            line++
            i = nl + 1
            resync = 2
            continue
          }
          const c = chunk[i]!
          if (c === 32 || c === 9 || c === 13) {
            i++
            continue
          }
          if (c === 10) {
            line++
            i++
            continue
          }
          if (c === 0x7b || (c === 0x5d && inArray)) {
            resync = 0
            depth = inArray ? 1 : 0 // then read `{` / `]` below as usual
          } else {
            resync = 1
            continue
          }
        }
        if (inString) {
          if (escaped) {
            escaped = false
            i++
            continue
          }
          // Jump to the next quote; it closes the string unless an odd run of backslashes precedes it.
          const q = chunk.indexOf(34, i)
          if (nextNl !== -1 && nextNl < i) nextNl = chunk.indexOf(10, i)
          if (nextNl !== -1 && (q === -1 || nextNl < q)) {
            // JSON strings cannot hold a raw line break: the string was never closed. Drop this value
            // and resync instead of swallowing the rest of the input.
            if (capturing) sink.problem('invalid JSON: line break inside a string (unterminated string?)', startOffset, startLine)
            capturing = false
            parts = []
            partBytes = 0
            overflow = false
            inString = false
            resync = 1
            i = nextNl
            continue
          }
          if (q === -1) {
            let k = len - 1
            while (k >= i && chunk[k] === 92) k--
            escaped = (len - 1 - k) % 2 === 1
            i = len
            break
          }
          let k = q - 1
          while (k >= i && chunk[k] === 92) k--
          if ((q - 1 - k) % 2 === 1) {
            i = q + 1 // escaped quote
            continue
          }
          inString = false
          i = q + 1
          continue
        }
        const b = chunk[i]!
        if (b === 10) {
          line++
          if (junk !== undefined) endJunk()
          i++
          continue
        }
        if (junk !== undefined) {
          if (junk.length < 120) junk.push(b)
          i++
          continue
        }
        if (b === 32 || b === 9 || b === 13) {
          i++
          continue
        }
        if (depth === 0) {
          if (b === 0x5b) {
            depth = 1
            inArray = true
          } else if (b === 0x7b) {
            begin(i, false)
            depth = 1
            inArray = false
          } else {
            junk = [b]
            junkOffset = base + i
            junkLine = line
          }
          i++
          continue
        }
        if (inArray && depth === 1 && !capturing && b !== 0x5d && b !== 0x2c) begin(i, !(b === 0x7b || b === 0x5b))
        if (b === 34) inString = true
        else if (b === 0x7b || b === 0x5b) depth++
        else if (b === 0x7d || b === 0x5d) {
          depth--
          if (depth === 0) {
            if (inArray) {
              if (capturing) finish(chunk, i) // the last element was a scalar
              inArray = false
            } else if (capturing) finish(chunk, i + 1)
          } else if (inArray && depth === 1 && capturing && !isScalar) finish(chunk, i + 1)
        } else if (b === 0x2c && inArray && depth === 1 && capturing) finish(chunk, i)
        i++
      }
      if (capturing) {
        const rest = len - capStart
        if (!overflow && partBytes + rest <= maxBytes) parts.push(chunk.subarray(capStart))
        else {
          overflow = true
          parts = []
        }
        partBytes += rest
      }
      base += len
    },
    end(): void {
      endJunk()
      if (resync !== 0) return // the broken value is already reported
      if (capturing) {
        sink.problem('unexpected end of input inside a JSON value (truncated file?)', startOffset, startLine)
        capturing = false
        parts = []
      } else if (depth > 0) {
        sink.problem('unexpected end of input: the JSON array is not closed (truncated file?)', base, line)
      }
    },
  }
}

/** Turns one document-level value into records, unwrapping export envelopes. */
function toRecords(text: string, offset: number, line: number, isOneLine: boolean, file: string, out: RawRecord[]): void {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    out.push({ kind: 'malformed', reason: `invalid JSON: ${(e as Error).message}`, source: { file, line, offset }, format: 'json' })
    return
  }
  const why = notAnObject(value)
  if (why !== undefined) {
    out.push({ kind: 'malformed', reason: why, source: { file, line, offset }, format: 'json' })
    return
  }
  const inner = unwrapEnvelope(value as Record<string, unknown>)
  if (inner === undefined) {
    out.push(
      isOneLine
        ? { kind: 'record', raw: value, source: { file, line, offset }, text, format: 'json' }
        : { kind: 'record', raw: value, source: { file, line, offset }, format: 'json' },
    )
    return
  }
  for (const doc of inner) {
    const notObject = notAnObject(doc)
    out.push(
      notObject === undefined
        ? { kind: 'record', raw: doc, source: { file, line, offset }, format: 'json' }
        : { kind: 'malformed', reason: notObject, source: { file, line, offset }, format: 'json' },
    )
  }
}

/** JSON records of a byte stream, one array per input chunk. */
export async function* jsonBatches(
  chunks: AsyncIterable<Buffer>,
  file: string,
  opts: JsonOptions = {},
): AsyncGenerator<RawRecord[]> {
  let batch: RawRecord[] = []
  let atStart = true
  const splitter = createJsonSplitter(
    {
      value: (text, offset, line, isOneLine) => toRecords(text, offset, line, isOneLine, file, batch),
      problem: (reason, offset, line) => void batch.push({ kind: 'malformed', reason, source: { file, line, offset }, format: 'json' }),
    },
    opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
  )
  for await (let chunk of chunks) {
    if (atStart && chunk.length > 0) {
      atStart = false
      // A UTF-8 BOM is not JSON; offsets still count it, as they are file offsets.
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = Buffer.concat([Buffer.from('   '), chunk.subarray(3)])
    }
    splitter.push(chunk)
    if (batch.length > 0) {
      yield batch
      batch = []
    }
  }
  splitter.end()
  if (batch.length > 0) yield batch
}

/** JSON records of a byte stream. */
export function jsonRecords(chunks: AsyncIterable<Buffer>, file: string, opts: JsonOptions = {}): AsyncIterableIterator<RawRecord> {
  return flatten(jsonBatches(chunks, file, opts))
}

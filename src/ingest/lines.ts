// Byte-level line splitting for line-oriented input (NDJSON). Measured fastest on Node 20
// (shared/reference/stack.md §2.1): 1 MiB chunks → Buffer.indexOf(10) → toString(start, end).
// A line longer than the cap is never held in memory: the splitter drops its bytes, keeps counting,
// reports it once with its line number and resumes at the next newline.
import { flatten } from './flatten.js'

/** Lines above this many bytes are reported as overlong instead of being decoded. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024

export interface LineSink {
  /** A non-blank line, decoded as UTF-8, without its `\n` / `\r\n`. `line` is 1-based. */
  line(text: string, line: number): void
  /** A line longer than the cap; `bytes` is its length without the newline. */
  overlong(line: number, bytes: number): void
}

export interface LineSplitter {
  push(chunk: Buffer): void
  /** Flushes a final line that has no trailing newline. */
  end(): void
}

export interface SplitOptions {
  readonly maxLineBytes?: number
}

/** A push-style splitter: the fastest form, used by the NDJSON reader's hot loop. */
export function createLineSplitter(sink: LineSink, opts: SplitOptions = {}): LineSplitter {
  const maxBytes = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES
  let lineNo = 0
  let carry: Buffer[] = []
  let carryBytes = 0
  let skippedBytes = -1 // ≥ 0 while dropping an overlong line

  const emit = (buf: Buffer, start: number, end: number): void => {
    // A UTF-8 BOM can only open line 1; checked here so a BOM split across chunks is still seen.
    if (lineNo === 1 && end - start >= 3 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf) start += 3
    if (end > start && buf[end - 1] === 13) end-- // CRLF
    if (end === start) return // blank line
    const first = buf[start]
    if (first === 32 || first === 9) {
      // Only lines that start with blanks can be blank-only; checking here keeps the common path free.
      let i = start
      while (i < end && (buf[i] === 32 || buf[i] === 9 || buf[i] === 13)) i++
      if (i === end) return
    }
    sink.line(buf.toString('utf8', start, end), lineNo)
  }

  return {
    push(chunk: Buffer): void {
      let start = 0
      const len = chunk.length
      while (start <= len) {
        const nl = chunk.indexOf(10, start)
        if (nl === -1) {
          const rest = len - start
          if (rest === 0) break
          if (skippedBytes >= 0) skippedBytes += rest
          else if (carryBytes + rest > maxBytes) {
            skippedBytes = carryBytes + rest
            carry = []
            carryBytes = 0
          } else {
            carry.push(chunk.subarray(start))
            carryBytes += rest
          }
          break
        }
        lineNo++
        const piece = nl - start
        if (skippedBytes >= 0) {
          sink.overlong(lineNo, skippedBytes + piece)
          skippedBytes = -1
        } else if (carryBytes > 0) {
          const total = carryBytes + piece
          if (total > maxBytes) sink.overlong(lineNo, total)
          else {
            carry.push(chunk.subarray(start, nl))
            const joined = Buffer.concat(carry, total)
            emit(joined, 0, total)
          }
          carry = []
          carryBytes = 0
        } else if (piece > maxBytes) sink.overlong(lineNo, piece)
        else emit(chunk, start, nl)
        start = nl + 1
      }
    },
    end(): void {
      if (skippedBytes >= 0) {
        lineNo++
        sink.overlong(lineNo, skippedBytes)
        skippedBytes = -1
      } else if (carryBytes > 0) {
        lineNo++
        const joined = Buffer.concat(carry, carryBytes)
        carry = []
        carryBytes = 0
        emit(joined, 0, joined.length)
      }
    },
  }
}

export type Line =
  | { readonly kind: 'line'; readonly line: number; readonly text: string }
  | { readonly kind: 'overlong'; readonly line: number; readonly bytes: number }

/** Lines of a byte stream, one batch per input chunk (cheaper than one await per line). */
export async function* splitLineBatches(
  chunks: AsyncIterable<Buffer>,
  opts: SplitOptions = {},
): AsyncGenerator<Line[]> {
  let batch: Line[] = []
  const splitter = createLineSplitter(
    {
      line: (text, line) => void batch.push({ kind: 'line', line, text }),
      overlong: (line, bytes) => void batch.push({ kind: 'overlong', line, bytes }),
    },
    opts,
  )
  for await (const chunk of chunks) {
    splitter.push(chunk)
    if (batch.length > 0) {
      yield batch
      batch = []
    }
  }
  splitter.end()
  if (batch.length > 0) yield batch
}

/** Lines of a byte stream, for building a raw-line prefilter in front of `JSON.parse`. */
export function splitLines(chunks: AsyncIterable<Buffer>, opts: SplitOptions = {}): AsyncIterableIterator<Line> {
  return flatten(splitLineBatches(chunks, opts))
}

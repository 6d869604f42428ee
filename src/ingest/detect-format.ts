// Content-based input detection from the first bytes, never the file name (Windows exports are often
// misnamed .txt/.log). Containers and encodings are peeled first (gzip, zip, UTF-16), then the text
// format is chosen: `<` → Event XML, `[` → JSON array, `{` → NDJSON when the first line is a complete
// JSON object, else a pretty-printed JSON document.
import type { InputFormat } from './types.js'

export type Layer = 'gzip' | 'zip' | 'utf16le' | 'utf16be'

export type Detection =
  | { readonly kind: 'layer'; readonly layer: Layer }
  | { readonly kind: 'format'; readonly format: InputFormat }
  | { readonly kind: 'unknown'; readonly reason: string }

/** How much we are willing to buffer to see the end of the first line. */
export const SNIFF_MAX_BYTES = 1024 * 1024

const EVTX_MAGIC = Buffer.from('ElfFile\0', 'latin1')
const EVTX_DUMP_RECORD = Buffer.from('Record ', 'latin1')

const isBlank = (b: number | undefined): boolean => b === 32 || b === 9 || b === 10 || b === 13
const isTextStart = (b: number | undefined): boolean => b === 0x7b || b === 0x5b || b === 0x3c // { [ <

/**
 * Classifies a stream from its head. Returns `undefined` when more bytes are needed to decide
 * (`isComplete` says the head is the whole input).
 */
export function detectFormat(head: Buffer, isComplete: boolean): Detection | undefined {
  if (head.length < 8 && !isComplete) return undefined
  if (head.length >= 8 && head.subarray(0, 8).equals(EVTX_MAGIC)) return { kind: 'format', format: 'evtx' }
  if (head[0] === 0x1f && head[1] === 0x8b) return { kind: 'layer', layer: 'gzip' }
  if (head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5) && (head[3] === 4 || head[3] === 6)) {
    return { kind: 'layer', layer: 'zip' }
  }
  if (head[0] === 0xff && head[1] === 0xfe) return { kind: 'layer', layer: 'utf16le' }
  if (head[0] === 0xfe && head[1] === 0xff) return { kind: 'layer', layer: 'utf16be' }
  // UTF-16 without a BOM: ASCII punctuation interleaved with NULs.
  if (head.length >= 2 && head[1] === 0 && (isTextStart(head[0]) || isBlank(head[0]))) return { kind: 'layer', layer: 'utf16le' }
  if (head.length >= 2 && head[0] === 0 && (isTextStart(head[1]) || isBlank(head[1]))) return { kind: 'layer', layer: 'utf16be' }

  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0
  while (i < head.length && isBlank(head[i])) i++
  if (i === head.length) {
    if (isComplete || head.length >= SNIFF_MAX_BYTES) return { kind: 'format', format: 'ndjson' } // empty or blank: no records
    return undefined
  }
  const first = head[i]
  if (first === 0x3c) return { kind: 'format', format: 'xml' }
  if (first === 0x5b) return { kind: 'format', format: 'json' }
  if (first === 0x7b) {
    const nl = head.indexOf(10, i)
    if (nl === -1) {
      // One line so far: a single compact object reads the same either way; a huge first line is NDJSON.
      if (isComplete || head.length >= SNIFF_MAX_BYTES) return { kind: 'format', format: 'ndjson' }
      return undefined
    }
    return { kind: 'format', format: isJsonObjectText(head.toString('utf8', i, nl)) ? 'ndjson' : 'json' }
  }
  // `evtx_dump -o json` separates pretty-printed records with `Record N` lines.
  if (head.length - i >= EVTX_DUMP_RECORD.length && head.subarray(i, i + EVTX_DUMP_RECORD.length).equals(EVTX_DUMP_RECORD)) {
    return { kind: 'format', format: 'json' }
  }
  const preview = JSON.stringify(head.toString('latin1', i, Math.min(head.length, i + 16)))
  return { kind: 'unknown', reason: `unrecognised input format (content starts with ${preview}); use --input-format` }
}

function isJsonObjectText(text: string): boolean {
  try {
    const v: unknown = JSON.parse(text)
    return typeof v === 'object' && v !== null && !Array.isArray(v)
  } catch {
    return false
  }
}

// Windows Event XML → the evtx_dump JSON shape, the record shape our EVTX parser also yields and the
// ECS normalizer consumes. Input: one `<Event>`, many concatenated (wevtutil `qe /f:xml`, Get-WinEvent
// `.ToXml()`: no root element), or wrapped in `<Events>` (Event Viewer "Save as XML"); RenderedXml's
// RenderingInfo is kept.
//
// Mapping (same as evtx_dump, except that XML values stay strings; the normalizer accepts both):
// - an element with attributes keeps them under `#attributes` (`Provider`, `TimeCreated`, `Execution`…);
// - an element with only text becomes that string; an empty element without attributes becomes null
//   (`<Correlation/>` → null);
// - text beside attributes or child elements becomes `#text` (`EventID` with `Qualifiers` →
//   `{"#attributes":{"Qualifiers":"0"},"#text":"4625"}`);
// - repeated child elements become an array, in document order;
// - inside `EventData`: `<Data Name="X">v</Data>` → `EventData.X = "v"` (empty → null; a repeated Name →
//   array); unnamed `<Data>` → `EventData.Data` (a string, or an array of strings/nulls when several);
//   `<Binary>` → `EventData.Binary`; anything else as above;
// - `UserData` and `RenderingInfo` stay nested objects under the general rules;
// - namespace declarations are ordinary attributes (`Event.#attributes.xmlns`); prefixes stay in names.
//
// Each `<Event>…</Event>` is cut out of the byte stream first (so a broken event costs only itself:
// the reader resyncs at the next `<Event`), then parsed by xml-scan.ts. Predefined entities, character
// references and CDATA are decoded; undefined entities, DTDs, bad nesting, or an event cut short are
// reported as malformed records with the byte offset of their `<Event`. Keys such as `__proto__` stay
// plain data.
import { flatten } from './flatten.js'
import type { RawRecord } from './types.js'
import { scanXml, type XmlElement } from './xml-scan.js'

/** An event larger than this is reported, not parsed. */
export const DEFAULT_MAX_EVENT_BYTES = 64 * 1024 * 1024

export interface XmlOptions {
  readonly maxEventBytes?: number
}

type Json = string | null | JsonObject | Json[]
interface JsonObject {
  [key: string]: Json
}

type Node = XmlElement<Json>

/** Sets an own property even for `__proto__`, which plain assignment would treat as the prototype. */
function put(obj: JsonObject, key: string, value: Json): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true })
  else obj[key] = value
}

/**
 * Adds children in document order; a repeated name becomes an array. An element converts to a string,
 * null or an object, never an array, so an array already under a name can only come from repetition.
 */
function addChildren(out: JsonObject, children: readonly (readonly [string, Json])[]): void {
  for (const [name, value] of children) {
    if (!Object.hasOwn(out, name)) put(out, name, value)
    else {
      const prev = out[name]!
      if (Array.isArray(prev)) prev.push(value)
      else put(out, name, [prev, value])
    }
  }
}

function attributesOf(node: Node): JsonObject | undefined {
  if (node.attributes.length === 0) return undefined
  const out: JsonObject = {}
  for (const [name, value] of node.attributes) put(out, name, value)
  return out
}

function convert(node: Node): Json {
  if (node.name === 'EventData') return convertEventData(node)
  if (node.children.length === 0 && node.attributes.length === 0) return node.text === '' ? null : node.text
  const out: JsonObject = {}
  const attributes = attributesOf(node)
  if (attributes !== undefined) put(out, '#attributes', attributes)
  addChildren(out, node.children)
  const text = node.children.length === 0 ? node.text : node.text.trim()
  if (text !== '') put(out, '#text', text)
  return out
}

function convertEventData(node: Node): Json {
  if (node.children.length === 0 && node.attributes.length === 0 && node.text.trim() === '') return null
  const out: JsonObject = {}
  const attributes = attributesOf(node)
  if (attributes !== undefined) put(out, '#attributes', attributes)
  const unnamed: Json[] = []
  const named: [string, Json][] = []
  for (const [name, value] of node.children) {
    if (name === 'Data') {
      const dataName = dataNameOf(value)
      if (dataName !== undefined) named.push([dataName.name, dataName.value])
      else unnamed.push(typeof value === 'object' && value !== null && !Array.isArray(value) ? (value['#text'] ?? null) : value)
    } else named.push([name, value])
  }
  addChildren(out, named)
  if (unnamed.length === 1) put(out, 'Data', unnamed[0]!)
  else if (unnamed.length > 1) put(out, 'Data', unnamed)
  const text = node.text.trim()
  if (text !== '') put(out, '#text', text)
  return out
}

/** `<Data Name="X">v</Data>` as converted by the general rule → `{name: "X", value: "v" | null}`. */
function dataNameOf(value: Json): { name: string; value: Json } | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  const attributes = value['#attributes']
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) return undefined
  const name = attributes.Name
  if (typeof name !== 'string') return undefined
  return { name, value: value['#text'] ?? null }
}

export type EventXmlResult = { readonly ok: true; readonly event: unknown } | { readonly ok: false; readonly reason: string }

/** Parses one Windows Event XML document (e.g. Winlogbeat's `event.original`) into the evtx_dump shape. */
export function parseEventXml(xml: string): EventXmlResult {
  const scanned = scanXml(xml, convert)
  if (!scanned.ok) return { ok: false, reason: `invalid XML at character ${scanned.at}: ${scanned.reason}` }
  if (scanned.name !== 'Event') return { ok: false, reason: `no <Event> element (the root is <${scanned.name}>)` }
  const event: JsonObject = {}
  put(event, 'Event', scanned.value === null ? {} : scanned.value)
  return { ok: true, event }
}

const OPEN = Buffer.from('<Event', 'latin1')
const CLOSE = Buffer.from('</Event', 'latin1')

/** `<Event` followed by whitespace, `>` or `/` (not `<EventData`, `<Events>`). */
function findEventStart(buf: Buffer, from: number): number {
  for (let at = buf.indexOf(OPEN, from); at !== -1; at = buf.indexOf(OPEN, at + 1)) {
    const next = buf[at + OPEN.length]
    if (next === undefined) return -1 // can't tell yet
    if (next === 0x3e || next === 0x2f || next === 32 || next === 9 || next === 10 || next === 13) return at
  }
  return -1
}

/** Index just past `</Event>` (whitespace allowed before `>`), -2 when more bytes are needed, -1 when absent. */
function findEventEnd(buf: Buffer, from: number): { at: number; end: number } | undefined {
  for (let at = buf.indexOf(CLOSE, from); at !== -1; at = buf.indexOf(CLOSE, at + 1)) {
    let i = at + CLOSE.length
    while (i < buf.length && (buf[i] === 32 || buf[i] === 9 || buf[i] === 10 || buf[i] === 13)) i++
    if (i === buf.length) return undefined
    if (buf[i] === 0x3e) return { at, end: i + 1 }
  }
  return undefined
}

function countNewlines(buf: Buffer, from: number, to: number): number {
  let n = 0
  for (let at = buf.indexOf(10, from); at !== -1 && at < to; at = buf.indexOf(10, at + 1)) n++
  return n
}

/** Event XML records of a byte stream (UTF-8), one array per input chunk. */
export async function* xmlBatches(chunks: AsyncIterable<Buffer>, file: string, opts: XmlOptions = {}): AsyncGenerator<RawRecord[]> {
  const maxBytes = opts.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES
  let pending: Buffer = Buffer.alloc(0)
  let base = 0 // absolute offset of pending[0]
  let scan = 0 // where to resume searching in pending
  let eventStart = -1 // start of the open <Event in pending, or -1
  let oversized = false // dropping an event that exceeded the cap
  let events = 0
  let batch: RawRecord[] = []

  // Line numbers are counted incrementally: events are visited in order, so each byte is counted once.
  let linePos = 0 // position in pending up to which newlines are counted
  let lineAtPos = 1
  const lineAt = (at: number): number => {
    if (at > linePos) {
      lineAtPos += countNewlines(pending, linePos, at)
      linePos = at
    }
    return lineAtPos
  }
  const bad = (reason: string, at: number, atLine: number): void =>
    void batch.push({ kind: 'malformed', reason, source: { file, line: atLine, offset: base + at }, format: 'xml' })

  const consume = (isFinal: boolean): void => {
    for (;;) {
      if (eventStart === -1) {
        const start = findEventStart(pending, scan)
        if (start === -1) {
          scan = Math.max(scan, pending.length - OPEN.length)
          break
        }
        eventStart = start
        scan = start + OPEN.length
        events++
      }
      const end = findEventEnd(pending, scan)
      const next = findEventStart(pending, scan)
      if (next !== -1 && (end === undefined || next < end.at)) {
        bad('<Event> element not closed before the next <Event>', eventStart, lineAt(eventStart))
        oversized = false
        eventStart = -1
        scan = next
        continue
      }
      if (end === undefined) {
        scan = Math.max(scan, pending.length - CLOSE.length - 16)
        if (pending.length - eventStart > maxBytes && !oversized) {
          oversized = true
          bad(`<Event> element too large (over ${maxBytes} bytes)`, eventStart, lineAt(eventStart))
        }
        if (isFinal && !oversized) bad('unexpected end of input inside an <Event> element (truncated file?)', eventStart, lineAt(eventStart))
        break
      }
      const atLine = lineAt(eventStart)
      if (!oversized && end.end - eventStart > maxBytes) bad(`<Event> element too large (over ${maxBytes} bytes)`, eventStart, atLine)
      else if (!oversized) {
        const result = parseEventXml(pending.toString('utf8', eventStart, end.end))
        batch.push(
          result.ok
            ? { kind: 'record', raw: result.event, source: { file, line: atLine, offset: base + eventStart }, format: 'xml' }
            : { kind: 'malformed', reason: result.reason, source: { file, line: atLine, offset: base + eventStart }, format: 'xml' },
        )
      }
      oversized = false
      eventStart = -1
      scan = end.end
    }
    // Drop what is behind us; an oversized event keeps only its tail (for finding its end).
    let keep = eventStart === -1 ? scan : oversized ? Math.max(eventStart, pending.length - 64) : eventStart
    keep = Math.min(keep, pending.length)
    if (keep > 0) {
      lineAt(keep)
      linePos = 0
      base += keep
      pending = pending.subarray(keep)
      scan -= keep
      if (eventStart !== -1) eventStart = oversized ? 0 : eventStart - keep
    }
  }

  for await (const chunk of chunks) {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk])
    consume(false)
    if (batch.length > 0) {
      yield batch
      batch = []
    }
  }
  consume(true)
  if (events === 0) batch.push({ kind: 'malformed', reason: 'no <Event> element found', source: { file, line: 1, offset: 0 }, format: 'xml' })
  if (batch.length > 0) yield batch
}

/** Event XML records of a byte stream. */
export function xmlRecords(chunks: AsyncIterable<Buffer>, file: string, opts: XmlOptions = {}): AsyncIterableIterator<RawRecord> {
  return flatten(xmlBatches(chunks, file, opts))
}

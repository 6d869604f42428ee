// Export envelopes around the documents we want: Elasticsearch search hits (`_source`), a whole
// `_search` response (`hits.hits`), Splunk search exports (`{"preview":…,"result":{…}}` per line from
// `search/jobs/export?output_mode=json`, or `{"results":[…]}` from `…/results?output_mode=json`; a row
// whose `_raw` is Windows Event XML becomes that event in the evtx_dump shape).
// Documents are returned as parsed; nothing is merged or copied, so `__proto__` keys stay plain data.

import { parseEventXml } from './xml.js'

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** The documents inside an export envelope, or `undefined` when `doc` is itself a document. */
export function unwrapEnvelope(doc: Record<string, unknown>): unknown[] | undefined {
  // Three own-property probes keep the common (unwrapped) path cheap.
  const source = Object.hasOwn(doc, '_source') ? doc._source : undefined
  if (source !== undefined) {
    if (isObject(source) && (Object.hasOwn(doc, '_index') || Object.hasOwn(doc, '_id'))) return [source]
    return undefined
  }
  const hits = Object.hasOwn(doc, 'hits') ? doc.hits : undefined
  if (hits !== undefined) {
    // `?filter_path=hits.hits._source` leaves `{"hits":{"hits":[…]}}` alone: no event has only `hits`.
    const isResponse = Object.hasOwn(doc, 'took') || Object.hasOwn(doc, 'timed_out') || (isObject(hits) && Object.hasOwn(hits, 'total')) || onlyKey(doc, 'hits')
    if (isObject(hits) && Array.isArray(hits.hits) && isResponse) {
      return hits.hits.map((h: unknown) => (isObject(h) && isObject(h._source) ? h._source : h))
    }
    return undefined
  }
  if (Object.hasOwn(doc, 'preview')) {
    if (isObject(doc.result)) return [splunkEvent(doc.result)]
    if (Array.isArray(doc.results)) return doc.results.map((r: unknown) => (isObject(r) ? splunkEvent(r) : r))
    // `{"preview":true,"lastrow":true}` and message-only rows carry no event.
    if (!Object.hasOwn(doc, 'result') && !Object.hasOwn(doc, 'results') && (Object.hasOwn(doc, 'lastrow') || Object.hasOwn(doc, 'messages'))) return []
  }
  return undefined
}

function onlyKey(doc: Record<string, unknown>, key: string): boolean {
  for (const k in doc) if (k !== key) return false
  return true
}

/** Why `v` cannot be a document, or `undefined` when it is a JSON object. */
export function notAnObject(v: unknown): string | undefined {
  if (isObject(v)) return undefined
  const kind = v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`
  return `expected a JSON object, found ${kind}`
}

/**
 * A Splunk row of sourcetype XmlWinEventLog carries the original event as XML in `_raw`; that is the
 * lossless form (Splunk's extracted fields are renamed and partial), so it becomes the evtx_dump shape.
 * Other rows (classic WinEventLog text, already-extracted fields) are passed on as they are.
 */
function splunkEvent(row: Record<string, unknown>): unknown {
  const raw = row._raw
  if (typeof raw !== 'string' || !raw.trimStart().startsWith('<Event')) return row
  const parsed = parseEventXml(raw)
  return parsed.ok ? parsed.event : row
}

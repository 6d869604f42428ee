// Content sniffing: [name, head bytes, is the head the whole input, expected detection or undefined = need more].
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { detectFormat, type Detection } from './index.js'

const fmt = (format: string): Detection => ({ kind: 'format', format } as Detection)
const layer = (l: string): Detection => ({ kind: 'layer', layer: l } as Detection)
const b = (s: string): Buffer => Buffer.from(s)

const cases: [string, Buffer, boolean, Detection | 'unknown' | undefined][] = [
  ['EVTX magic', Buffer.from('ElfFile\0rest', 'latin1'), false, fmt('evtx')],
  ['gzip magic', Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0]), false, layer('gzip')],
  ['zip local header', Buffer.from('PK\x03\x04........', 'latin1'), false, layer('zip')],
  ['empty zip', Buffer.from('PK\x05\x06' + '\0'.repeat(18), 'latin1'), true, layer('zip')],
  ['UTF-16LE BOM', Buffer.from('\ufeff<Event>', 'utf16le'), false, layer('utf16le')],
  ['UTF-16BE BOM', Buffer.from('\ufeff<Ev', 'utf16le').swap16(), false, layer('utf16be')],
  ['UTF-16LE without BOM', Buffer.from('{"a":1}', 'utf16le'), false, layer('utf16le')],
  ['UTF-16BE without BOM', Buffer.from('[{"a":1}]', 'utf16le').swap16(), false, layer('utf16be')],
  ['XML declaration', b('<?xml version="1.0"?>\n<Events>'), false, fmt('xml')],
  ['bare <Event>', b('<Event xmlns="x">'), false, fmt('xml')],
  ['UTF-8 BOM then whitespace then XML', b('\ufeff \r\n<Events>'), false, fmt('xml')],
  ['JSON array', b('  [\n {"a":1}'), false, fmt('json')],
  ['NDJSON: first line a complete object', b('{"a":1}\n{"b":'), false, fmt('ndjson')],
  ['NDJSON with CRLF', b('{"a":1}\r\n'), false, fmt('ndjson')],
  ['pretty-printed object → json', b('{\n  "a": 1\n}'), false, fmt('json')],
  ['first line is an object followed by more on the line → json', b('{"a":1} {"b":2}\n'), false, fmt('json')],
  ['one compact object without newline, whole input', b('{"a":1}'), true, fmt('ndjson')],
  ['one line so far, more to come → need more', b('{"a":1'), false, undefined],
  ['evtx_dump -o json', b('Record 1\n{\n'), false, fmt('json')],
  ['empty input', b(''), true, fmt('ndjson')],
  ['blank input', b(' \n\n'), true, fmt('ndjson')],
  ['fewer than 8 bytes, not complete → need more', b('{"a'), false, undefined],
  ['CSV', b('TimeCreated,EventId,Provider\n'), false, 'unknown'],
]

for (const [name, head, complete, want] of cases) {
  test(`detect: ${name}`, () => {
    const got = detectFormat(head, complete)
    if (want === 'unknown') {
      assert.equal(got?.kind, 'unknown')
      assert.match((got as { reason: string }).reason, /unrecognised input format \(content starts with "TimeCreated,Even/)
    } else assert.deepEqual(got, want)
  })
}

// One shared suite for the text readers (NDJSON, JSON, Event XML): each format encodes the same events,
// then every case (plain, CRLF, BOM, UTF-16, gzip, zip, malformed in the middle, truncated) runs through
// `readFile` with content detection and must yield the same records at the same lines.
// EVTX is skipped here: it is binary and has its own suite (src/ingest/evtx); its autodetection and
// archive paths are covered in index.test.ts.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, writeFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { zipSync } from 'fflate'
import { readFile, type RawRecord, type InputFormat } from './index.js'

interface Doc {
  readonly eventId: string
  readonly commandLine: string
}
type Item = Doc | 'bad'

const docs: Doc[] = [
  { eventId: '4688', commandLine: 'wmic.exe /node:10.0.0.5 process call create "cmd /c whoami"' },
  { eventId: '1', commandLine: 'C:\\Windows\\System32\\cmd.exe /c echo <ok> & "quoted" é' },
  { eventId: '5156', commandLine: '' },
]

/** The record every format must produce for a Doc (XML values are strings; so are ours in JSON). */
function expected(d: Doc): unknown {
  const eventData: Record<string, unknown> = {}
  Object.defineProperty(eventData, '__proto__', { value: 'plain data', enumerable: true, writable: true, configurable: true })
  eventData.CommandLine = d.commandLine === '' ? null : d.commandLine
  return { Event: { System: { EventID: d.eventId, Channel: 'Security' }, EventData: eventData } }
}

const xmlEscape = (s: string): string => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;')

interface Format {
  readonly format: InputFormat
  /** Text with one item per line; `bad` items are syntactically broken. Returns the 1-based line of each item. */
  encode(items: readonly Item[]): { text: string; lines: number[] }
}

const jsonDoc = (d: Doc): string =>
  `{"Event":{"System":{"EventID":"${d.eventId}","Channel":"Security"},"EventData":{"__proto__":"plain data","CommandLine":${d.commandLine === '' ? 'null' : JSON.stringify(d.commandLine)}}}}`

const formats: Format[] = [
  {
    format: 'ndjson',
    encode: (items) => ({
      text: items.map((i) => (i === 'bad' ? '{"Event": {"System": }' : jsonDoc(i))).join('\n') + '\n',
      lines: items.map((_, k) => k + 1),
    }),
  },
  {
    format: 'json',
    encode: (items) => ({
      text: '[\n' + items.map((i) => (i === 'bad' ? '  {"Event": {"System": }}' : '  ' + jsonDoc(i))).join(',\n') + '\n]\n',
      lines: items.map((_, k) => k + 2),
    }),
  },
  {
    format: 'xml',
    encode: (items) => ({
      text:
        '<?xml version="1.0" encoding="utf-8"?>\n<Events>\n' +
        items
          .map((i) =>
            i === 'bad'
              ? '<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><EventID>1</EventID></Sys></Event>'
              : `<Event><System><EventID>${i.eventId}</EventID><Channel>Security</Channel></System><EventData><Data Name="__proto__">plain data</Data><Data Name="CommandLine">${xmlEscape(i.commandLine)}</Data></EventData></Event>`,
          )
          .join('\n') +
        '\n</Events>\n',
      lines: items.map((_, k) => k + 3),
    }),
  },
]

interface Transform {
  readonly name: string
  apply(text: string): Buffer
  /** Name the records carry, given the file written. */
  fileOf?(path: string): string
}

const utf16be = (s: string): Buffer => Buffer.from('\ufeff' + s, 'utf16le').swap16()

const transforms: Transform[] = [
  { name: 'plain UTF-8', apply: (t) => Buffer.from(t) },
  { name: 'CRLF line ends', apply: (t) => Buffer.from(t.replaceAll('\n', '\r\n')) },
  { name: 'UTF-8 BOM', apply: (t) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(t)]) },
  { name: 'UTF-16LE with BOM, CRLF (PowerShell Out-File)', apply: (t) => Buffer.from('\ufeff' + t.replaceAll('\n', '\r\n'), 'utf16le') },
  { name: 'UTF-16LE without BOM', apply: (t) => Buffer.from(t, 'utf16le') },
  { name: 'UTF-16BE with BOM', apply: utf16be },
  { name: 'gzip', apply: (t) => gzipSync(Buffer.from(t)) },
  { name: 'gzip of UTF-16LE', apply: (t) => gzipSync(Buffer.from('\ufeff' + t, 'utf16le')) },
  {
    name: 'zip entry',
    apply: (t) => Buffer.from(zipSync({ 'logs/': new Uint8Array(0), 'logs/inner.dat': Buffer.from(t) })),
    fileOf: (p) => `${p}!logs/inner.dat`,
  },
  {
    name: 'zip entry, stored (no compression)',
    apply: (t) => Buffer.from(zipSync({ 'inner.dat': [Buffer.from(t), { level: 0 }] })),
    fileOf: (p) => `${p}!inner.dat`,
  },
]

async function withTmp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-ingest-'))
  try {
    return await fn(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

async function collect(path: string, opts: Parameters<typeof readFile>[1] = {}): Promise<RawRecord[]> {
  const out: RawRecord[] = []
  for await (const r of readFile(path, opts)) out.push(r)
  return out
}

function assertRecords(got: RawRecord[], items: readonly Item[], lines: number[], file: string, format: InputFormat): void {
  assert.equal(got.length, items.length, `records: ${JSON.stringify(got.map((r) => (r.kind === 'malformed' ? r.reason : r.source)))}`)
  items.forEach((item, k) => {
    const r = got[k]!
    assert.equal(r.source.file, file)
    assert.equal(r.source.line, lines[k], `line of item ${k}`)
    assert.equal(r.format, format)
    if (item === 'bad') {
      assert.equal(r.kind, 'malformed', `item ${k} must be malformed`)
      return
    }
    assert.equal(r.kind, 'record', r.kind === 'malformed' ? r.reason : '')
    if (r.kind !== 'record') return
    assert.deepEqual(r.raw, expected(item))
    const eventData = (r.raw as { Event: { EventData: object } }).Event.EventData
    assert.equal(Object.getPrototypeOf(eventData), Object.prototype, '__proto__ must stay an own data key')
    assert.equal(Object.hasOwn(eventData, '__proto__'), true)
  })
  assert.equal(({} as Record<string, unknown>).polluted, undefined)
}

for (const fmt of formats) {
  for (const tr of transforms) {
    test(`${fmt.format} · ${tr.name}: good and malformed records in order, with lines`, async () => {
      await withTmp(async (dir) => {
        const items: Item[] = [docs[0]!, 'bad', docs[1]!, docs[2]!]
        const { text, lines } = fmt.encode(items)
        const path = join(dir, 'input.dat')
        await writeFile(path, tr.apply(text))
        assertRecords(await collect(path), items, lines, tr.fileOf?.(path) ?? path, fmt.format)
      })
    })
  }

  test(`${fmt.format}: a truncated file yields the records before the cut and one malformed record`, async () => {
    await withTmp(async (dir) => {
      const { text, lines } = fmt.encode(docs)
      const cut = text.lastIndexOf('Security') // inside the last document
      const path = join(dir, 'truncated.dat')
      await writeFile(path, text.slice(0, cut))
      const got = await collect(path)
      assert.deepEqual(got.slice(0, 2).map((r) => [r.kind, r.source.line]), [['record', lines[0]], ['record', lines[1]]])
      const last = got.slice(2)
      assert.equal(last.length >= 1, true, 'the cut document is reported')
      assert.equal(last.every((r) => r.kind === 'malformed'), true)
      assert.equal(last[0]!.source.line, lines[2])
    })
  })

  test(`${fmt.format}: the format override reads the same records`, async () => {
    await withTmp(async (dir) => {
      const { text, lines } = fmt.encode(docs)
      const path = join(dir, 'x')
      await writeFile(path, text)
      assertRecords(await collect(path, { format: fmt.format }), docs, lines, path, fmt.format)
    })
  })

  test(`${fmt.format}: a gzip file cut short keeps its records and reports the read error`, async () => {
    await withTmp(async (dir) => {
      const many = Array.from({ length: 2000 }, (_, k) => ({ eventId: String(k), commandLine: `cmd ${k} ${'x'.repeat(k % 97)}` }))
      const gz = gzipSync(Buffer.from(fmt.encode(many).text))
      const path = join(dir, 'cut.gz')
      await writeFile(path, gz.subarray(0, Math.floor(gz.length * 0.6)))
      const got = await collect(path)
      const good = got.filter((r) => r.kind === 'record')
      assert.equal(good.length > 100 && good.length < many.length, true, `good records: ${good.length}`)
      const bad = got.filter((r) => r.kind === 'malformed')
      assert.equal(bad.some((r) => r.kind === 'malformed' && /unexpected end of file/.test(r.reason)), true, JSON.stringify(bad))
    })
  })
}

// Limits: a record above the cap is reported with its position and the reader resumes after it.
const oversized: { format: InputFormat; text: string; opts: object; line: number; reason: RegExp }[] = [
  {
    format: 'ndjson',
    text: `{"a":1}\n{"big":"${'x'.repeat(5000)}"}\n{"b":2}\n`,
    opts: { maxLineBytes: 1000 },
    line: 2,
    reason: /line too long \(5010 bytes; the limit is 1000\)/,
  },
  {
    format: 'json',
    text: `[{"a":1},\n{"big":"${'x'.repeat(5000)}"},\n{"b":2}]`,
    opts: { maxRecordBytes: 1000 },
    line: 2,
    reason: /too large/,
  },
  {
    format: 'xml',
    text: `<Event><System><EventID>1</EventID></System></Event>\n<Event><System><EventID>${'9'.repeat(5000)}</EventID></System></Event>\n<Event><System><EventID>3</EventID></System></Event>`,
    opts: { maxEventBytes: 1000 },
    line: 2,
    reason: /too large/,
  },
]
for (const c of oversized) {
  test(`${c.format}: an oversized record is reported at its line and reading resumes`, async () => {
    await withTmp(async (dir) => {
      const path = join(dir, 'big')
      await writeFile(path, c.text)
      const got = await collect(path, c.opts)
      assert.deepEqual(got.map((r) => [r.kind, r.source.line]), [['record', 1], ['malformed', c.line], ['record', 3]])
      const bad = got[1]!
      assert.equal(bad.kind === 'malformed' && c.reason.test(bad.reason), true, bad.kind === 'malformed' ? bad.reason : '')
    })
  })
}

test('ndjson: a line over the default 64 MiB cap is dropped without being held, then reading resumes', async () => {
  await withTmp(async (dir) => {
    const path = join(dir, 'huge.ndjson')
    const big = Buffer.alloc(65 * 1024 * 1024, 0x61)
    await writeFile(path, Buffer.concat([Buffer.from('{"a":1}\n{"x":"'), big, Buffer.from('"}\n{"b":2}')]))
    const got = await collect(path)
    assert.deepEqual(got.map((r) => [r.kind, r.source.line]), [['record', 1], ['malformed', 2], ['record', 3]])
    assert.match((got[1] as { reason: string }).reason, /line too long/)
  })
})

// readInputs: inputs of every kind (files, directories with globs, archives, fixtures of real export
// shapes) and every way they can fail; each failure is a malformed record naming the file.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { chmod, mkdir, mkdtemp, readFile as readBytes, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { Zip, ZipDeflate, zipSync } from 'fflate'
import { listInputFiles, readInputs, type InputOptions, type RawRecord } from './index.js'

const FIXTURES = new URL('../../test/fixtures/inputs/', import.meta.url).pathname
const EVTX_SAMPLE = new URL('../../test/fixtures/third_party/omerbenamram-evtx/new-user-security.evtx', import.meta.url).pathname

async function withTmp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-inputs-'))
  try {
    return await fn(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

async function collect(paths: string[], opts: InputOptions = {}): Promise<RawRecord[]> {
  const out: RawRecord[] = []
  for await (const r of readInputs(paths, opts)) out.push(r)
  return out
}

const summary = (rs: RawRecord[]): string[] =>
  rs.map((r) => `${r.kind} ${r.source.file.replace(/^.*vigil-inputs-[^/]+\//, '')}${r.source.line === undefined ? '' : `:${r.source.line}`}`)

test('directories: recursive, sorted by name, include and exclude globs, files read in order', async () => {
  await withTmp(async (dir) => {
    await mkdir(join(dir, 'b/deep'), { recursive: true })
    await mkdir(join(dir, 'a'))
    await mkdir(join(dir, 'skipme'))
    await writeFile(join(dir, 'b/deep/z.ndjson'), '{"n":3}\n')
    await writeFile(join(dir, 'b/x.json'), '[{"n":2}]')
    await writeFile(join(dir, 'a/1.ndjson'), '{"n":1}\n')
    await writeFile(join(dir, 'a/notes.txt'), 'not telemetry\n')
    await writeFile(join(dir, 'skipme/s.ndjson'), '{"n":99}\n')
    await writeFile(join(dir, 'top.ndjson.gz'), gzipSync('{"n":4}\n'))

    const cases: { opts: InputOptions; want: string[] }[] = [
      {
        opts: { exclude: ['*.txt', 'skipme'] },
        want: ['record a/1.ndjson:1', 'record b/deep/z.ndjson:1', 'record b/x.json:1', 'record top.ndjson.gz:1'],
      },
      { opts: { include: ['**/*.ndjson'] }, want: ['record a/1.ndjson:1', 'record b/deep/z.ndjson:1', 'record skipme/s.ndjson:1'] },
      { opts: { include: ['b/**'] }, want: ['record b/deep/z.ndjson:1', 'record b/x.json:1'] },
      { opts: { include: ['*.{json,gz}'] }, want: ['record b/x.json:1', 'record top.ndjson.gz:1'] },
      { opts: { include: ['a/*'], exclude: ['notes.*'] }, want: ['record a/1.ndjson:1'] },
    ]
    for (const c of cases) assert.deepEqual(summary(await collect([dir], c.opts)), c.want, JSON.stringify(c.opts))

    // The unrecognised text file is reported once, not line by line.
    const all = await collect([dir])
    const txt = all.filter((r) => r.source.file.endsWith('notes.txt'))
    assert.equal(txt.length, 1)
    assert.match((txt[0] as { reason: string }).reason, /unrecognised input format .*"not telemetry/)

    const listed = await listInputFiles([dir], { include: ['**/*.ndjson'] })
    assert.deepEqual(listed.map((f) => [f.file.slice(dir.length + 1), f.bytes]), [['a/1.ndjson', 8], ['b/deep/z.ndjson', 8], ['skipme/s.ndjson', 9]])
  })
})

test('a symlink back to an ancestor directory does not loop; a linked directory is read once', async () => {
  await withTmp(async (dir) => {
    await mkdir(join(dir, 'logs'))
    await writeFile(join(dir, 'logs/a.ndjson'), '{"a":1}\n')
    await symlink(dir, join(dir, 'logs/loop'))
    await symlink(join(dir, 'logs'), join(dir, 'same'))
    assert.deepEqual(summary(await collect([dir])), ['record logs/a.ndjson:1'])
  })
})

test('unreadable inputs become malformed records naming the file, and the next input is still read', async () => {
  await withTmp(async (dir) => {
    const good = join(dir, 'good.ndjson')
    await writeFile(good, '{"ok":true}\n')
    await symlink(join(dir, 'nowhere'), join(dir, 'dangling.ndjson'))
    const got = await collect([join(dir, 'missing.ndjson'), join(dir, 'dangling.ndjson'), dir, good])
    assert.deepEqual(summary(got), [
      'malformed missing.ndjson',
      'malformed dangling.ndjson',
      'malformed dangling.ndjson', // the same dangling link, met again inside the directory
      'record good.ndjson:1',
      'record good.ndjson:1',
    ])
    assert.match((got[0] as { reason: string }).reason, /ENOENT/)
  })
})

test('permission denied is a malformed record', { skip: process.getuid?.() === 0 ? 'root reads files whatever their mode' : false }, async () => {
  await withTmp(async (dir) => {
    const locked = join(dir, 'locked.ndjson')
    await writeFile(locked, '{"a":1}\n')
    await chmod(locked, 0)
    const got = await collect([locked])
    assert.equal(got.length, 1)
    assert.match((got[0] as { reason: string }).reason, /EACCES/)
  })
})

test('zip: every entry detected on its own, nested gzip followed, names as archive!entry', async () => {
  await withTmp(async (dir) => {
    const xml = await readBytes(join(FIXTURES, 'wevtutil-rendered.xml'))
    const zip = zipSync({
      'export/': new Uint8Array(0),
      'export/a.ndjson': Buffer.from('{"n":1}\n{"n":2}\n'),
      'export/b.xml': [xml, { level: 9 }],
      'export/c.json.gz': gzipSync('[{"n":3}]'),
      'export/readme.md': Buffer.from('# hello\n'),
    })
    const path = join(dir, 'bundle.zip')
    await writeFile(path, zip)
    assert.deepEqual(summary(await collect([path])), [
      'record bundle.zip!export/a.ndjson:1',
      'record bundle.zip!export/a.ndjson:2',
      'record bundle.zip!export/b.xml:1',
      'record bundle.zip!export/b.xml:2',
      'record bundle.zip!export/b.xml:3',
      'record bundle.zip!export/b.xml:4',
      'record bundle.zip!export/c.json.gz:1',
      'malformed bundle.zip!export/readme.md',
    ])
  })
})

test('zip written as a stream (sizes in data descriptors after the data) is read too', async () => {
  await withTmp(async (dir) => {
    const parts: Uint8Array[] = []
    const zip = new Zip((err, data) => {
      if (err) throw err
      parts.push(data)
    })
    for (const [name, text] of [['a.ndjson', '{"a":1}\n{"a":2}\n'.repeat(500)], ['b.ndjson', '{"b":1}\n']] as const) {
      const entry = new ZipDeflate(name)
      zip.add(entry)
      entry.push(Buffer.from(text), true)
    }
    zip.end()
    const path = join(dir, 'streamed.zip')
    await writeFile(path, Buffer.concat(parts))
    const got = await collect([path])
    assert.equal(got.length, 1001)
    assert.equal(got.every((r) => r.kind === 'record'), true)
    assert.equal(got[1000]!.source.file, `${path}!b.ndjson`)
  })
})

test('zip cut short: entries before the cut are read, the cut is reported', async () => {
  await withTmp(async (dir) => {
    const lines = Array.from({ length: 3000 }, (_, k) => JSON.stringify({ k, pad: 'y'.repeat(k % 50) })).join('\n')
    const zip = zipSync({ 'first.ndjson': Buffer.from('{"first":1}\n'), 'second.ndjson': [Buffer.from(lines), { level: 0 }] })
    const path = join(dir, 'cut.zip')
    await writeFile(path, zip.subarray(0, Math.floor(zip.length / 2)))
    const got = await collect([path])
    assert.equal(got[0]!.kind, 'record')
    assert.equal(got[0]!.source.file, `${path}!first.ndjson`)
    assert.equal(got.some((r) => r.kind === 'malformed' && r.source.file === `${path}!second.ndjson`), true, JSON.stringify(got.filter((r) => r.kind === 'malformed')))
  })
})

test('export envelopes: ES _search response, Splunk export rows, evtx_dump -o json', async () => {
  const es = await collect([join(FIXTURES, 'es-search-response.json')])
  assert.deepEqual(es.map((r) => (r.kind === 'record' ? (r.raw as { event: { code: string } }).event.code : r.reason)), ['1', '3'])

  const splunk = await collect([join(FIXTURES, 'splunk-export.ndjson')])
  assert.deepEqual(splunk.slice(0, 3).map((r) => [r.kind, r.source.line, r.kind === 'record' ? (r.raw as { EventCode: string }).EventCode : '']), [
    ['record', 1, '4688'],
    ['record', 2, '4689'],
    ['record', 3, '4624'],
  ])
  // An XmlWinEventLog row: its `_raw` XML is the event.
  assert.deepEqual(splunk.slice(3).map((r) => [r.kind, r.source.line, r.kind === 'record' ? r.raw : r.reason]), [
    [
      'record',
      4,
      {
        Event: {
          '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
          System: {
            Provider: { '#attributes': { Name: 'Microsoft-Windows-Security-Auditing', Guid: '{54849625-5478-4994-a5ba-3e3b0328c30d}' } },
            EventID: '4688',
            Channel: 'Security',
            Computer: 'WS01.corp.example.com',
          },
          EventData: { NewProcessName: 'C:\\Windows\\System32\\wbem\\WMIC.exe' },
        },
      },
    ],
  ])

  const dump = await collect([join(FIXTURES, 'evtx_dump-records.txt')])
  assert.deepEqual(dump.map((r) => [r.kind, r.format, r.source.line]), [['record', 'json', 2], ['record', 'json', 53]])
  const first = dump[0]!
  assert.equal(first.kind === 'record' && (first.raw as { Event: { System: { EventID: number } } }).Event.System.EventID, 1)
})

test('one JSON array in a ES hits list: elements may be hits', async () => {
  await withTmp(async (dir) => {
    const path = join(dir, 'hits.json')
    await writeFile(path, JSON.stringify([{ _index: 'i', _id: '1', _source: { a: 1 } }, { b: 2 }]))
    const got = await collect([path])
    assert.deepEqual(got.map((r) => (r.kind === 'record' ? r.raw : r.reason)), [{ a: 1 }, { b: 2 }])
  })
})

test('EVTX is detected by its magic and read from disk, from gzip and from zip alike', async () => {
  await withTmp(async (dir) => {
    const bytes = await readBytes(EVTX_SAMPLE)
    const plain = join(dir, 'renamed.log') // content decides, not the name
    await writeFile(plain, bytes)
    await writeFile(join(dir, 's.evtx.gz'), gzipSync(bytes))
    await writeFile(join(dir, 's.zip'), zipSync({ 'Security.evtx': bytes }))
    const direct = await collect([plain])
    assert.equal(direct.length > 0, true)
    assert.equal(direct.every((r) => r.format === 'evtx'), true)
    const records = direct.filter((r) => r.kind === 'record')
    assert.equal(records.length > 0, true, JSON.stringify(direct.slice(0, 2)))
    for (const [name, file] of [['s.evtx.gz', join(dir, 's.evtx.gz')], ['s.zip', `${join(dir, 's.zip')}!Security.evtx`]] as const) {
      const got = await collect([join(dir, name)])
      assert.deepEqual(got.map((r) => (r.kind === 'record' ? r.raw : r.reason)), direct.map((r) => (r.kind === 'record' ? r.raw : r.reason)), name)
      assert.equal(got.every((r) => r.source.file === file), true, name)
    }
  })
})

test('EVTX magic followed by garbage yields malformed records, not a throw', async () => {
  await withTmp(async (dir) => {
    const path = join(dir, 'bad.evtx')
    await writeFile(path, Buffer.concat([Buffer.from('ElfFile\0', 'latin1'), Buffer.alloc(100, 7)]))
    const got = await collect([path])
    assert.equal(got.length > 0, true)
    assert.equal(got.every((r) => r.kind === 'malformed' && r.source.file === path), true)
  })
})

test('empty and blank files yield nothing; onFile and onBytes see every file', async () => {
  await withTmp(async (dir) => {
    await writeFile(join(dir, 'empty'), '')
    await writeFile(join(dir, 'blank'), '\n\r\n   \n')
    await writeFile(join(dir, 'one.ndjson'), '{"a":1}\n')
    const files: [string, number][] = []
    let bytes = 0
    const got = await collect([dir], { onFile: (f, n) => files.push([f.slice(dir.length + 1), n]), onBytes: (n) => (bytes += n) })
    assert.deepEqual(summary(got), ['record one.ndjson:1'])
    assert.deepEqual(files, [['blank', 7], ['empty', 0], ['one.ndjson', 8]])
    assert.equal(bytes, 15)
  })
})

test('the prefilter skips lines before JSON.parse and counts them', async () => {
  await withTmp(async (dir) => {
    const path = join(dir, 'p.ndjson')
    await writeFile(path, '{"p":"wmic.exe"}\n{"p":"cmd.exe"}\nnot json but skipped\n{"p":"WMIC.exe"}\n')
    let skipped = 0
    const got = await collect([path], { prefilter: (l) => l.toLowerCase().includes('wmic'), onPrefiltered: (n) => (skipped += n) })
    assert.deepEqual(summary(got), ['record p.ndjson:1', 'record p.ndjson:4'])
    assert.equal(skipped, 2)
  })
})

test('an aborted signal stops reading with the abort reason', async () => {
  await withTmp(async (dir) => {
    const path = join(dir, 'a.ndjson')
    await writeFile(path, '{"a":1}\n'.repeat(1000))
    const ac = new AbortController()
    ac.abort(new Error('stop'))
    await assert.rejects(collect([path], { signal: ac.signal }), /stop/)
  })
})

test('a consumer that stops early closes the file (no descriptor left open)', async () => {
  await withTmp(async (dir) => {
    const path = join(dir, 'many.ndjson')
    const lines = '{"a":1}\n'.repeat(300_000) // several 1 MiB blocks
    await writeFile(path, lines)
    await writeFile(join(dir, 'many.zip'), zipSync({ 'a.ndjson': [Buffer.from(lines), { level: 0 }], 'b.ndjson': Buffer.from(lines) }))
    await writeFile(join(dir, 'many.gz'), gzipSync(lines))
    const fdCount = async (): Promise<number> => (await import('node:fs/promises')).readdir('/proc/self/fd').then((l) => l.length)
    const before = await fdCount()
    for (const input of [path, join(dir, 'many.zip'), join(dir, 'many.gz'), path]) {
      for await (const r of readInputs([input])) {
        void r
        break
      }
    }
    // Closing is asynchronous (the fs thread pool); on a loaded machine it can take a while, so poll
    // up to a deadline instead of sleeping a fixed time. A real leak still fails: the count never drops.
    const deadline = Date.now() + 5000
    let now = await fdCount()
    while (now > before && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25))
      now = await fdCount()
    }
    assert.equal(now, before)
  })
})

test('arbitrary bytes behind any magic never throw: every problem is a record naming the file', async () => {
  const fc = (await import('fast-check')).default
  const magic = fc.constantFrom(
    Buffer.alloc(0),
    Buffer.from([0x1f, 0x8b]),
    Buffer.from('PK\x03\x04', 'latin1'),
    Buffer.from('ElfFile\0', 'latin1'),
    Buffer.from([0xff, 0xfe]),
    Buffer.from([0xfe, 0xff]),
    Buffer.from('<Event>'),
    Buffer.from('[{"a":'),
    Buffer.from('{"a":1}\n'),
  )
  await withTmp(async (dir) => {
    let k = 0
    await fc.assert(
      fc.asyncProperty(magic, fc.uint8Array({ maxLength: 300 }), async (head, body) => {
        const path = join(dir, `f${k++}`)
        await writeFile(path, Buffer.concat([head, body]))
        const got = await collect([path])
        for (const r of got) assert.equal(r.source.file.startsWith(path), true)
      }),
      { numRuns: 150 },
    )
  })
})

test('layers nested deeper than the limit are reported, not followed', async () => {
  await withTmp(async (dir) => {
    let bytes: Buffer = Buffer.from('{"a":1}\n')
    for (let k = 0; k < 6; k++) bytes = gzipSync(bytes)
    const path = join(dir, 'deep.gz')
    await writeFile(path, bytes)
    const got = await collect([path])
    assert.equal(got.length, 1)
    assert.match((got[0] as { reason: string }).reason, /nested more than 4 deep/)
  })
})

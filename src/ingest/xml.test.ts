// Event XML → evtx_dump shape: the mapping rules one by one, errors with offsets, resync, chunking.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { parseEventXml, xmlRecords, type RawRecord } from './index.js'
import { chunked } from './testing.js'

const NS = 'http://schemas.microsoft.com/win/2004/08/events/event'
const FIXTURE = new URL('../../test/fixtures/inputs/wevtutil-rendered.xml', import.meta.url).pathname

async function read(text: string | Buffer, sizes: readonly number[] = []): Promise<RawRecord[]> {
  const out: RawRecord[] = []
  for await (const r of xmlRecords(chunked(Buffer.isBuffer(text) ? text : Buffer.from(text), sizes), 'f.xml')) out.push(r)
  return out
}

const ok = (xml: string): unknown => {
  const r = parseEventXml(xml)
  assert.equal(r.ok, true, r.ok ? '' : r.reason)
  return r.ok ? r.event : undefined
}

test('wevtutil /f:RenderedXml export: the full evtx_dump shape of a 4688 event', async () => {
  const got = await read(readFileSync(FIXTURE))
  assert.deepEqual(got.map((r) => [r.kind, r.source.line]), [['record', 1], ['record', 2], ['record', 3], ['record', 4]])
  assert.deepEqual((got[0] as { raw: unknown }).raw, {
    Event: {
      '#attributes': { xmlns: NS },
      System: {
        Provider: { '#attributes': { Name: 'Microsoft-Windows-Security-Auditing', Guid: '{54849625-5478-4994-a5ba-3e3b0328c30d}' } },
        EventID: '4688',
        Version: '2',
        Level: '0',
        Task: '13312',
        Opcode: '0',
        Keywords: '0x8020000000000000',
        TimeCreated: { '#attributes': { SystemTime: '2024-05-14T03:42:16.7831058Z' } },
        EventRecordID: '74454',
        Correlation: null,
        Execution: { '#attributes': { ProcessID: '4', ThreadID: '7316' } },
        Channel: 'Security',
        Computer: 'WS01.corp.example.com',
        Security: null,
      },
      EventData: {
        SubjectUserSid: 'S-1-5-21-1004336348-1177238915-682003330-1104',
        SubjectUserName: 'alice',
        SubjectDomainName: 'CORP',
        SubjectLogonId: '0x3e7a1',
        NewProcessId: '0x1a2c',
        NewProcessName: 'C:\\Windows\\System32\\wbem\\WMIC.exe',
        TokenElevationType: '%%1936',
        ProcessId: '0x1f40',
        CommandLine: 'wmic /node:10.0.0.5 process call create "cmd.exe /c whoami > C:\\out.txt"',
        TargetUserSid: 'S-1-0-0',
        TargetUserName: '-',
        TargetDomainName: '-',
        TargetLogonId: '0x0',
        ParentProcessName: 'C:\\Windows\\System32\\cmd.exe',
        MandatoryLabel: 'S-1-16-12288',
      },
      RenderingInfo: {
        '#attributes': { Culture: 'en-US' },
        Message: 'A new process has been created.',
        Level: 'Information',
        Task: 'Process Creation',
        Opcode: 'Info',
        Channel: 'Security',
        Provider: 'Microsoft Windows security auditing.',
        Keywords: { Keyword: 'Audit Success' },
      },
    },
  })
  const e = (k: number): Record<string, unknown> => ((got[k] as { raw: { Event: Record<string, unknown> } }).raw.Event)
  assert.deepEqual((e(1).System as Record<string, unknown>).EventID, { '#attributes': { Qualifiers: '16384' }, '#text': '7036' })
  assert.deepEqual(e(1).EventData, { param1: 'Windows Update', param2: 'running', Binary: '770075006100750073006500720076002F0034000000' })
  assert.deepEqual(e(2).UserData, {
    LogFileCleared: {
      '#attributes': { xmlns: 'http://manifests.microsoft.com/win/2004/08/windows/eventlog' },
      SubjectUserSid: 'S-1-5-21-1004336348-1177238915-682003330-1104',
      SubjectUserName: 'alice',
      SubjectDomainName: 'CORP',
      SubjectLogonId: '0x3e7a1',
    },
  })
  assert.deepEqual(e(3).EventData, { Data: ['Product: Example Tool -- Installation completed successfully.', '(NULL)', null, '<raw & unescaped>'] })
})

// [name, xml, expected Event value]
const mapping: [string, string, unknown][] = [
  ['text-only element → string; empty element → null', '<Event><System><Channel>Security</Channel><Correlation/></System></Event>', { System: { Channel: 'Security', Correlation: null } }],
  ['attributes and text → #attributes and #text', '<Event><System><EventID Qualifiers="0">4625</EventID></System></Event>', { System: { EventID: { '#attributes': { Qualifiers: '0' }, '#text': '4625' } } }],
  ['repeated children → array in order', '<Event><UserData><R><A>1</A><B>x</B><A>2</A></R></UserData></Event>', { UserData: { R: { A: ['1', '2'], B: 'x' } } }],
  ['named Data; empty named Data → null', '<Event><EventData><Data Name="A">1</Data><Data Name="B"/><Data Name="C"></Data></EventData></Event>', { EventData: { A: '1', B: null, C: null } }],
  ['a repeated Data Name → array', '<Event><EventData><Data Name="A">1</Data><Data Name="A">2</Data></EventData></Event>', { EventData: { A: ['1', '2'] } }],
  ['one unnamed Data → string', '<Event><EventData><Data>only</Data></EventData></Event>', { EventData: { Data: 'only' } }],
  ['empty EventData → null', '<Event><EventData/></Event>', { EventData: null }],
  ['entities, character references, CDATA', '<Event><EventData><Data Name="T">&lt;a&gt; &amp; &quot;q&quot; &apos;s&apos; &#233;&#x20AC; <![CDATA[<b>&amp;</b>]]></Data></EventData></Event>', { EventData: { T: `<a> & "q" 's' é€ <b>&amp;</b>` } }],
  ['whitespace between elements is ignored, inside text kept', '<Event>\n  <System>\n    <Computer> ws01 </Computer>\n  </System>\n</Event>', { System: { Computer: ' ws01 ' } }],
  ['__proto__ as a Data name and an element name stays data', '<Event><EventData><Data Name="__proto__">x</Data></EventData><UserData><__proto__>y</__proto__></UserData></Event>', { EventData: { ['__proto__']: 'x' }, UserData: { ['__proto__']: 'y' } }],
  ['namespace prefixes stay in names', '<Event xmlns:e="urn:e"><e:System><e:EventID>1</e:EventID></e:System></Event>', { '#attributes': { 'xmlns:e': 'urn:e' }, 'e:System': { 'e:EventID': '1' } }],
]

for (const [name, xml, want] of mapping) {
  test(`xml mapping: ${name}`, () => {
    const got = ok(xml) as { Event: object }
    // Rebuild `want` with defineProperty for __proto__ keys so deepEqual compares own data keys.
    assert.deepEqual(JSON.stringify(got.Event), JSON.stringify(want))
    assert.equal(({} as Record<string, unknown>).x, undefined)
    const walk = (v: unknown): void => {
      if (typeof v !== 'object' || v === null) return
      if (!Array.isArray(v)) assert.equal(Object.getPrototypeOf(v), Object.prototype)
      for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k])
    }
    walk(got)
  })
}

// [name, input, expected kinds with offsets/lines, reason pattern of the first malformed]
const errors: [string, string, [string, number, number][], RegExp | undefined][] = [
  ['undefined entity (no DTD entities: no XXE)', '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<Event><System><Computer>&e;</Computer></System></Event>', [['malformed', 55, 2]], /undefined entity/],
  ['mismatched tags', '<Event><System></Sys></Event>\n<Event><System/></Event>', [['malformed', 0, 1], ['record', 30, 2]], /invalid XML/],
  ['unclosed event resyncs at the next <Event', '<Event><System><EventID>1</EventID>\n<Event><System/></Event>', [['malformed', 0, 1], ['record', 36, 2]], /not closed/],
  ['truncated file', '<Events><Event><System/></Event><Event><System><EventID>2</Ev', [['record', 8, 1], ['malformed', 32, 1]], /truncated/],
  ['no events at all', '<?xml version="1.0"?><Root><Other/></Root>', [['malformed', 0, 1]], /no <Event>/],
  ['multi-byte text before an event: offsets are bytes', '<Events><!-- éééé -->\n<Event><System/></Event></Events>', [['record', 26, 2]], undefined],
  ['<EventData> and <Events> are not event starts', '<Events>\r\n<Event><EventData><Data>1</Data></EventData></Event>\r\n</Events>', [['record', 10, 2]], undefined],
]

for (const [name, input, want, reason] of errors) {
  test(`xml errors: ${name}`, async () => {
    for (const sizes of [[], [1], [7, 3]]) {
      const got = await read(input, sizes)
      assert.deepEqual(got.map((r) => [r.kind, r.source.offset, r.source.line]), want, `chunks ${JSON.stringify(sizes)}`)
      const bad = got.find((r) => r.kind === 'malformed')
      if (reason !== undefined) assert.match((bad as { reason: string }).reason, reason)
    }
  })
}

test('xml: any chunking of a stream gives the same records', async () => {
  const file = readFileSync(FIXTURE)
  const whole = await read(file)
  await fc.assert(
    fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 8 }), async (sizes) => {
      assert.deepEqual(await read(file, sizes), whole)
    }),
    { numRuns: 40 },
  )
})

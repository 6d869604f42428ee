import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createNormalizer, normalize } from './index.js'
import { toIsoMs } from './time.js'
import { canonicalIp } from './ip.js'

type Obj = Record<string, any>
const get = (o: unknown, path: string): any => path.split('.').reduce((v: any, k) => (v == null ? undefined : v[k]), o)

function sysmon(id: unknown, data: Obj, system: Obj = {}): Obj {
  return { Event: { System: {
    Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon' } }, EventID: id, Channel: 'Microsoft-Windows-Sysmon/Operational',
    Computer: 'WS01.corp.example.com', TimeCreated: { '#attributes': { SystemTime: '2024-03-04T10:15:02.1234567Z' } },
    Security: { '#attributes': { UserID: 'S-1-5-18' } }, ...system,
  }, EventData: data } }
}
function security(id: number, data: Obj, computer = 'SRV01.corp.example.com'): Obj {
  return { Event: { System: {
    Provider: { '#attributes': { Name: 'Microsoft-Windows-Security-Auditing' } }, EventID: id, Channel: 'Security', Computer: computer,
    TimeCreated: { '#attributes': { SystemTime: '2024-03-04T10:15:02.1234567Z' } }, Keywords: '0x8020000000000000',
  }, EventData: data } }
}

test('ECS input passes through untouched (same object)', () => {
  const docs: Obj[] = [
    { '@timestamp': '2024-01-01T00:00:00Z', event: { category: ['process'], type: ['start'] }, process: { name: 'cmd.exe' } },
    { '@timestamp': '2024-01-01T00:00:00Z', 'event.category': 'network', 'event.code': '3' },
    { '@timestamp': '2024-01-01T00:00:00Z', message: 'no category, still a document' },
  ]
  for (const doc of docs) {
    const n = normalize(doc)
    assert.equal(n.status, 'ecs')
    assert.equal(n.event, doc)
  }
  assert.equal(normalize(docs[1]).code, '3')
  const hit = { _index: 'logs-endpoint', _id: 'x', _source: docs[0] }
  assert.equal(normalize(hit).event, docs[0], 'an Elasticsearch hit is unwrapped')
})

test('records that are neither Windows nor ECS are invalid with a reason, never a throw', () => {
  const cases: Array<[unknown, RegExp]> = [
    [null, /found null/], [[1, 2], /found an array/], ['text', /found a string/], [42, /found a number/],
    [{}, /not an ECS document/], [{ Event: { System: { Channel: 'Security' } } }, /EventID/],
    [{ Event: { System: { EventID: 4688 } } }, /Provider and System\/Channel/], [{ winlog: { event_id: 'abc' } }, /winlog.event_id/],
    [{ EventID: 'x', SourceName: 'y' }, /EventID/],
  ]
  for (const [raw, reason] of cases) {
    const n = normalize(raw)
    assert.equal(n.status, 'invalid', JSON.stringify(raw))
    assert.match(n.reason ?? '', reason)
  }
})

test('EventID as number, string or {#text, #attributes: Qualifiers}', () => {
  for (const id of [1, '1', { '#attributes': { Qualifiers: '' }, '#text': 1 }, { '@Qualifiers': '0', '#text': '1' }]) {
    const n = normalize(sysmon(id, { Image: 'C:\\Windows\\System32\\cmd.exe', CommandLine: 'cmd /c dir' }))
    assert.equal(n.status, 'mapped')
    assert.equal(get(n.event, 'event.code'), '1')
    assert.equal(get(n.event, 'process.name'), 'cmd.exe')
  }
})

test('Sysmon Initiated: any case of true/false or a JSON boolean gives network.direction', () => {
  const cases: Array<[unknown, string | undefined]> = [
    ['true', 'egress'], ['false', 'ingress'], ['True', 'egress'], ['FALSE', 'ingress'], [true, 'egress'], [false, 'ingress'], ['maybe', undefined], ['-', undefined],
  ]
  for (const [initiated, direction] of cases) {
    const n = normalize(sysmon(3, { Image: 'System', ProcessId: 4, Initiated: initiated, SourceIp: '10.0.0.5', DestinationPort: '5985' }))
    assert.equal(get(n.event, 'network.direction'), direction, String(initiated))
    assert.equal(get(n.event, 'process.pid'), 4)
    assert.equal(get(n.event, 'process.name'), undefined, 'Elastic sets no process.name for Image: System')
  }
})

test('IP addresses are canonical', () => {
  const cases: Array<[string, string | undefined]> = [
    ['0:0:0:0:0:0:0:1', '::1'], ['::ffff:10.1.2.3', '10.1.2.3'], ['::FFFF:10.1.2.3', '10.1.2.3'], ['FE80:0:0:0:0:0:0:1', 'fe80::1'],
    ['10.0.0.5', '10.0.0.5'], ['[::1]', '::1'], ['-', undefined], ['not an ip', undefined], ['010.0.0.1', undefined],
  ]
  for (const [text, want] of cases) assert.equal(canonicalIp(text), want, text)
  const n = normalize(sysmon(3, { SourceIp: '0:0:0:0:0:0:0:1', DestinationIp: '::ffff:127.0.0.1', Initiated: 'false' }))
  assert.equal(get(n.event, 'source.ip'), '::1')
  assert.equal(get(n.event, 'destination.ip'), '127.0.0.1')
})

test('timestamps: lenient parsing to millisecond ISO', () => {
  const cases: Array<[string, string | undefined]> = [
    ['2024-03-04 10:15:02.120', '2024-03-04T10:15:02.120Z'], ['2024-03-04T10:15:02.1234567Z', '2024-03-04T10:15:02.123Z'],
    ['2023-02-06 22:07:30.404066', '2023-02-06T22:07:30.404Z'], ['2024-05-14T03:42:16.7831058+00:00', '2024-05-14T03:42:16.783Z'],
    ['2024-05-14T05:42:16.7831058+02:00', '2024-05-14T03:42:16.783Z'], ['2024-03-04T10:15:02Z', '2024-03-04T10:15:02.000Z'],
    ['2024-13-04 10:15:02.120', undefined], ['yesterday', undefined],
  ]
  for (const [text, want] of cases) assert.equal(toIsoMs(text), want, text)
  const n = normalize(sysmon(1, { UtcTime: '2024-03-04 10:15:02.120', Image: 'C:\\x.exe' }))
  assert.equal(n.event['@timestamp'], '2024-03-04T10:15:02.120Z', 'Sysmon @timestamp comes from UtcTime')
  assert.equal(get(n.event, 'event.created'), '2024-03-04T10:15:02.123Z')
})

test('__proto__ and constructor keys stay plain data', () => {
  const raw = JSON.parse('{"Event":{"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Sysmon"}},"EventID":1,"Computer":"WS01"},' +
    '"EventData":{"__proto__":{"polluted":true},"constructor":"x","Image":"C:\\\\a\\\\b.exe","Hashes":"__proto__=1,MD5=AB"}}}')
  const n = normalize(raw)
  assert.equal(n.status, 'mapped')
  const ed = get(n.event, 'winlog.event_data')
  assert.ok(Object.hasOwn(ed, '__proto__'))
  assert.ok(Object.hasOwn(ed, 'constructor'))
  assert.equal(Object.getPrototypeOf(ed), Object.prototype)
  assert.equal(({} as Obj).polluted, undefined)
  assert.deepEqual(get(n.event, 'process.hash'), { md5: 'ab' })
  assert.match(JSON.stringify(n.event), /"__proto__":"\{\\"polluted\\":true\}"/)
  // Flattened rows: `_`-prefixed keys are Splunk internals (dropped), other keys are EventData.
  const flat = normalize(JSON.parse('{"EventID":4688,"SourceName":"Microsoft-Windows-Security-Auditing","Hostname":"h","__proto__":{"x":1},"constructor":"c","NewProcessName":"C:\\\\w.exe"}'))
  assert.equal(flat.status, 'mapped')
  assert.equal(get(flat.event, 'winlog.event_data.constructor'), 'c')
  assert.equal(Object.getPrototypeOf(get(flat.event, 'winlog.event_data')), Object.prototype)
  assert.equal(get(flat.event, 'process.name'), 'w.exe')
})

test('EventData forms: named keys, Data arrays, unnamed items, #text values', () => {
  const forms: Obj[] = [
    { Image: 'C:\\a\\cmd.exe' },
    { Data: [{ '#attributes': { Name: 'Image' }, '#text': 'C:\\a\\cmd.exe' }] },
    { Data: [{ '@Name': 'Image', '#text': 'C:\\a\\cmd.exe' }] },
    { Image: { '#text': 'C:\\a\\cmd.exe' } },
  ]
  for (const ed of forms) assert.equal(get(normalize(sysmon(1, ed)).event, 'process.name'), 'cmd.exe', JSON.stringify(ed))
  const unnamed = normalize({ Event: { System: { Provider: { '#attributes': { Name: 'MsiInstaller' } }, EventID: 1033, Channel: 'Application', Computer: 'WS01' },
    EventData: { Data: { '#text': ['Product', '1.0', '0'] } } } })
  assert.equal(unnamed.status, 'unmapped')
  assert.deepEqual(get(unnamed.event, 'winlog.event_data_list'), ['Product', '1.0', '0'])
})

test('unknown events pass through with winlog.event_data, event.code/provider/kind', () => {
  const n = normalize({ Event: { System: { Provider: { '#attributes': { Name: 'Microsoft-Windows-TaskScheduler' } }, EventID: 106,
    Channel: 'Microsoft-Windows-TaskScheduler/Operational', Computer: 'WS01.corp' }, EventData: { TaskName: '\\Updater', UserContext: '' } } })
  assert.equal(n.status, 'unmapped')
  assert.match(n.reason ?? '', /no ECS mapping for Microsoft-Windows-TaskScheduler event 106/)
  assert.deepEqual(get(n.event, 'event'), { kind: 'event', code: '106', provider: 'Microsoft-Windows-TaskScheduler' })
  assert.deepEqual(get(n.event, 'winlog.event_data'), { TaskName: '\\Updater' })
  assert.equal(get(n.event, 'host.os.type'), 'windows')
})

test('host.* derives from the originating computer, consistently across providers; overrides win', () => {
  const n = createNormalizer()
  const a = n(sysmon(1, { Image: 'C:\\a.exe' }, { Computer: 'WS01.corp.example.com' })).event
  const b = n(security(4688, { NewProcessName: 'C:\\a.exe' }, 'ws01.CORP.example.com')).event
  assert.equal(get(a, 'host.id'), get(b, 'host.id'))
  assert.match(get(a, 'host.id'), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  assert.equal(get(a, 'host.hostname'), 'WS01')
  const o = createNormalizer({ hostIds: { 'ws01.corp.example.com': 'machine-guid-1' } })
  assert.equal(get(o(security(4688, {}, 'WS01.corp.example.com')).event, 'host.id'), 'machine-guid-1')
})

test('Winlogbeat documents: agent host kept for its own computer, origin computer for WEF', () => {
  const doc = (channel: string, computer: string): Obj => ({
    '@timestamp': '2024-03-04T10:15:02.123Z', host: { name: 'collector', hostname: 'collector', id: 'agent-guid' },
    winlog: { channel, computer_name: computer, event_id: '4688', provider_name: 'Microsoft-Windows-Security-Auditing', record_id: 7,
      event_data: { NewProcessName: 'C:\\Windows\\System32\\cmd.exe', CommandLine: 'cmd  /c', NewProcessId: '0x10', ProcessId: '0x8', TargetUserName: '-' } },
    event: { kind: 'event', code: '4688' },
  })
  const own = normalize(doc('Security', 'collector.corp.example.com'))
  assert.equal(get(own.event, 'host.id'), 'agent-guid')
  assert.equal(get(own.event, 'host.os.type'), 'windows')
  assert.deepEqual(get(own.event, 'process.args'), ['cmd', '', '/c'], 'naive 4688 split, as Elastic Agent')
  assert.equal(get(own.event, 'process.pid'), 16)
  assert.equal(get(own.event, 'process.parent.pid'), 8)
  assert.equal(get(own.event, 'winlog.record_id'), '7')
  const wef = normalize(doc('ForwardedEvents', 'ws07.corp.example.com'))
  assert.notEqual(get(wef.event, 'host.id'), 'agent-guid')
  assert.equal(get(wef.event, 'host.name'), 'ws07.corp.example.com')
  const other = normalize(doc('Security', 'ws08.corp.example.com'))
  assert.equal(get(other.event, 'host.name'), 'ws08.corp.example.com', 'a collector shipping another computer`s events')
  const argvw = createNormalizer({ security4688Args: 'argvw' })(doc('Security', 'collector'))
  assert.deepEqual(get(argvw.event, 'process.args'), ['cmd', '/c'])
})

test('5156: direction, System pid 4, device paths, local-first inbound swapped', () => {
  const wfp = (data: Obj) => security(5156, { ProcessID: 4, Application: 'System', Protocol: 6, ...data })
  const inbound = normalize(wfp({ Direction: '%%14592', SourceAddress: '10.0.0.5', SourcePort: '50963', DestAddress: '10.0.0.6', DestPort: '5985' }))
  assert.deepEqual([get(inbound.event, 'network.direction'), get(inbound.event, 'process.pid'), get(inbound.event, 'process.name'),
    get(inbound.event, 'source.ip'), get(inbound.event, 'destination.port'), get(inbound.event, 'network.transport')],
  ['ingress', 4, 'System', '10.0.0.5', 5985, 'tcp'])
  assert.equal(inbound.notes, undefined)
  const localFirst = normalize(wfp({ Direction: '%%14592', SourceAddress: '10.0.0.6', SourcePort: '5985', DestAddress: '10.0.0.5', DestPort: '50964' }))
  assert.equal(get(localFirst.event, 'destination.port'), 5985)
  assert.equal(get(localFirst.event, 'source.ip'), '10.0.0.5')
  assert.deepEqual(localFirst.notes, ['wfp-swap'])
  const noSwap = createNormalizer({ wfpSwapHeuristic: false })(wfp({ Direction: '%%14592', SourceAddress: '10.0.0.6', SourcePort: '5985', DestAddress: '10.0.0.5', DestPort: '50964' }))
  assert.equal(get(noSwap.event, 'destination.port'), 50964)
  const out = normalize(wfp({ Direction: '%%14593', ProcessID: '1376', Application: '\\device\\harddiskvolume2\\windows\\system32\\svchost.exe' }))
  assert.equal(get(out.event, 'network.direction'), 'egress')
  assert.equal(get(out.event, 'process.executable'), 'C:\\windows\\system32\\svchost.exe')
  assert.equal(get(out.event, 'process.pid'), 1376)
  const mapped = createNormalizer({ volumeMap: { '\\Device\\HarddiskVolume2': 'D:' } })(wfp({ Application: '\\device\\harddiskvolume2\\x.exe' }))
  assert.equal(get(mapped.event, 'process.executable'), 'D:\\x.exe')
  const kept = createNormalizer({ defaultSystemDrive: null })(wfp({ Application: '\\device\\harddiskvolume4\\x.exe' }))
  assert.equal(get(kept.event, 'process.executable'), '\\device\\harddiskvolume4\\x.exe')
})

test('flattened NXLog and Splunk rows map like the evtx_dump shape', () => {
  const nx = normalize({ EventTime: '2024-03-04 10:15:02', Hostname: 'WS01.corp', EventID: 1, SourceName: 'Microsoft-Windows-Sysmon',
    Channel: 'Microsoft-Windows-Sysmon/Operational', ExecutionProcessID: 3320, Domain: 'NT AUTHORITY', AccountName: 'SYSTEM', UserID: 'S-1-5-18',
    UtcTime: '2024-03-04 10:15:02.120', Image: 'C:\\Windows\\System32\\wbem\\WMIC.exe', CommandLine: 'wmic /node:"h" os get', ProcessId: '77' })
  assert.equal(nx.status, 'mapped')
  assert.deepEqual(get(nx.event, 'process.args'), ['wmic', '/node:h', 'os', 'get'])
  assert.equal(get(nx.event, 'process.pid'), 77)
  assert.equal(get(nx.event, 'winlog.process.pid'), 3320)
  const spl = normalize({ preview: false, result: { _time: '2024-03-04T10:15:02.000+00:00', source: 'WinEventLog:Security', EventCode: '4688',
    ComputerName: 'WS01.corp', New_Process_Name: 'C:\\Windows\\System32\\cmd.exe', Process_Command_Line: 'cmd /c whoami', Creator_Process_ID: '0x44' } })
  assert.equal(spl.status, 'mapped')
  assert.equal(get(spl.event, 'process.name'), 'cmd.exe')
  assert.equal(get(spl.event, 'process.parent.pid'), 68)
  assert.equal(get(spl.event, 'winlog.channel'), 'Security')
})

test('never throws: arbitrary JSON and arbitrary values inside Windows shapes', async () => {
  const fc = (await import('fast-check')).default
  const n = createNormalizer()
  const anyValue = fc.jsonValue({ maxDepth: 4 })
  const key = fc.constantFrom('__proto__', 'constructor', 'Data', '#text', '#attributes', 'Image', 'CommandLine', 'ProcessId', 'Initiated',
    'SourceIp', 'DestinationPort', 'Hashes', 'QueryResults', 'TargetObject', 'Details', 'UtcTime', 'User', 'NewProcessId', 'Direction', 'Application')
  const eventData = fc.dictionary(key, anyValue, { maxKeys: 12 })
  const evtx = fc.record({
    id: fc.oneof(fc.constantFrom(1, 3, 5, 7, 10, 11, 12, 13, 22, 4688, 4624, 5156, 5157, 9999), anyValue),
    provider: fc.constantFrom('Microsoft-Windows-Sysmon', 'Microsoft-Windows-Security-Auditing', 'Other'),
    computer: fc.oneof(fc.string(), anyValue), time: fc.oneof(fc.string(), anyValue), data: fc.oneof(eventData, anyValue),
  }).map((r) => ({ Event: { System: { Provider: { '#attributes': { Name: r.provider } }, EventID: r.id, Computer: r.computer,
    TimeCreated: { '#attributes': { SystemTime: r.time } }, Channel: 'x' }, EventData: r.data } }))
  const winlogbeat = fc.record({ id: anyValue, data: fc.oneof(eventData, anyValue), host: anyValue })
    .map((r) => ({ host: r.host, winlog: { event_id: r.id, provider_name: 'Microsoft-Windows-Sysmon', computer_name: 'h', event_data: r.data } }))
  const flat = fc.tuple(eventData, fc.constantFrom(1, 3, 4688, 5156)).map(([d, id]) => ({ ...d, EventID: id, SourceName: 'Microsoft-Windows-Sysmon' }))
  fc.assert(fc.property(fc.oneof(anyValue, evtx, winlogbeat, flat), (raw) => {
    const r = n(raw)
    assert.ok(['ecs', 'mapped', 'unmapped', 'invalid'].includes(r.status))
    JSON.stringify(r.event)
  }), { numRuns: 3000 })
})

test('Chainsaw variants: dotted keys and hunt hits (document.data), and System without the Event wrapper', () => {
  const dotted = normalize({ 'Event.System.Provider.#attributes.Name': 'Microsoft-Windows-Sysmon', 'Event.System.EventID': 1,
    'Event.System.Computer': 'WS01', 'Event.EventData.Image': 'C:\\Windows\\System32\\cmd.exe', 'Event.EventData.__proto__': 'x' })
  assert.equal(dotted.status, 'mapped')
  assert.equal(get(dotted.event, 'process.name'), 'cmd.exe')
  assert.equal(({} as Obj).x, undefined)
  const hit = normalize({ group: 'Sigma', kind: 'individual', document: { kind: 'evtx', path: 'a.evtx', data: sysmon(1, { Image: 'C:\\a\\b.exe' }) } })
  assert.equal(get(hit.event, 'process.name'), 'b.exe')
  const bare = normalize(sysmon(1, { Image: 'C:\\a\\c.exe' }).Event)
  assert.equal(get(bare.event, 'process.name'), 'c.exe')
})

test('EvtxECmd JSON: EventData from the Payload string', () => {
  const payload = JSON.stringify({ EventData: { Data: [
    { '@Name': 'SubjectUserName', '#text': 'alice' }, { '@Name': 'NewProcessId', '#text': '0x1a2c' },
    { '@Name': 'NewProcessName', '#text': 'C:\\Windows\\System32\\wbem\\WMIC.exe' }, { '@Name': 'TargetUserName' },
    { '@Name': 'CommandLine', '#text': 'wmic /node:"127.0.0.1" process call create calc.exe' }] } })
  const n = normalize({ PayloadData1: 'x', Computer: 'WS01.corp', Payload: payload, UserId: '', Channel: 'Security',
    Provider: 'Microsoft-Windows-Security-Auditing', EventId: 4688, EventRecordId: '12345', ProcessId: 4, ThreadId: 108, Level: 'LogAlways',
    Keywords: 'Audit success', TimeCreated: '2024-05-14T03:42:16.7831058+00:00', RecordNumber: '1' })
  assert.equal(n.status, 'mapped')
  assert.equal(get(n.event, 'process.pid'), 0x1a2c)
  assert.deepEqual(get(n.event, 'process.args'), ['wmic', '/node:"127.0.0.1"', 'process', 'call', 'create', 'calc.exe'])
  assert.equal(get(n.event, 'event.outcome'), 'success')
  assert.equal(n.event['@timestamp'], '2024-05-14T03:42:16.783Z')
  assert.equal(normalize({ EventId: 1, Payload: '{broken', Provider: 'x' }).status, 'invalid')
})

test('deeply nested EventData values do not crash', () => {
  let deep: unknown = 'x'
  for (let i = 0; i < 200_000; i++) deep = [deep]
  const n = normalize(sysmon(1, { Image: 'C:\\a\\b.exe', Weird: deep }))
  assert.equal(n.status, 'mapped')
  assert.equal(get(n.event, 'process.name'), 'b.exe')
})

test('PowerShell/Operational 4104 and 4103 as the Elastic powershell_operational pipeline maps them', () => {
  const ps = (id: number, data: Obj) => ({ Event: { System: { Provider: { '#attributes': { Name: 'Microsoft-Windows-PowerShell' } }, EventID: id,
    Channel: 'Microsoft-Windows-PowerShell/Operational', Computer: 'WS01.corp', Security: { '#attributes': { UserID: 'S-1-5-21-1-2-3-1001' } },
    TimeCreated: { '#attributes': { SystemTime: '2024-03-04T10:15:02.1234567Z' } } }, EventData: data } })
  const block = normalize(ps(4104, { MessageNumber: 1, MessageTotal: 1, ScriptBlockText: 'IEX (New-Object Net.WebClient).DownloadString($u)',
    ScriptBlockId: 'b2f4e3a1-0c1d-4e2f-9a8b-7c6d5e4f3a2b', Path: 'C:\\Users\\alice\\run.ps1' }))
  assert.equal(block.status, 'mapped')
  assert.deepEqual(pickPaths(block.event, ['event.category', 'event.type', 'event.code', 'powershell.file.script_block_text', 'powershell.sequence',
    'powershell.total', 'file.path', 'file.name', 'file.extension', 'user.id']), {
    'event.category': 'process', 'event.type': 'info', 'event.code': '4104', 'powershell.file.script_block_text': 'IEX (New-Object Net.WebClient).DownloadString($u)',
    'powershell.sequence': 1, 'powershell.total': 1, 'file.path': 'C:\\Users\\alice\\run.ps1', 'file.name': 'run.ps1', 'file.extension': 'ps1', 'user.id': 'S-1-5-21-1-2-3-1001',
  })
  assert.equal(get(block.event, 'winlog.event_data'), undefined)
  const module = normalize(ps(4103, { ContextInfo: '        Severity = Informational\n        Host Name = ConsoleHost\n        Host Application = powershell.exe -nop -w hidden\n        Command Name = Invoke-WebRequest\n        User = CORP\\alice\n', Payload: 'CommandInvocation(Invoke-WebRequest): "Invoke-WebRequest"' }))
  assert.deepEqual(pickPaths(module.event, ['process.title', 'process.command_line', 'process.args', 'powershell.command.name', 'user.name', 'user.domain']), {
    'process.title': 'ConsoleHost', 'process.command_line': 'powershell.exe -nop -w hidden', 'process.args': ['powershell.exe', '-nop', '-w', 'hidden'],
    'powershell.command.name': 'Invoke-WebRequest', 'user.name': 'alice', 'user.domain': 'CORP',
  })
})

function pickPaths(o: unknown, paths: string[]): Obj {
  const out: Obj = {}
  for (const p of paths) { const v = get(o, p); if (v !== undefined) out[p] = v }
  return out
}

test('hashes: any case, spaces, duplicates, imphash apart, zero values and __proto__ dropped', () => {
  const cases: Array<[string, Obj | undefined, Obj | undefined, string[] | undefined]> = [
    // [Hashes, process.hash, process.pe (imphash part), related.hash]
    ['SHA1=AA,MD5=BB,SHA256=CC,IMPHASH=DD', { sha1: 'aa', md5: 'bb', sha256: 'cc' }, { imphash: 'dd' }, ['aa', 'bb', 'cc', 'dd']],
    ['IMPHASH=DD', {}, { imphash: 'dd' }, ['dd']],
    ['md5 = B1 , MD5=B2,SHA1=00,x,=y,', { md5: 'b2' }, undefined, ['b1', 'b2']],
    ['IMPHASH=D1,Imphash=D2,SHA384=EE', { sha384: 'ee' }, { imphash: 'd2' }, ['d1', 'd2', 'ee']],
    ['__proto__=11,constructor=22', { constructor: '22' }, undefined, ['22']],
    ['SHA1=000,MD5=0000', undefined, undefined, undefined],
  ]
  const n = createNormalizer()
  for (const [hashes, hash, pe, related] of cases) {
    const e = n(sysmon(1, { Image: 'C:\\a\\b.exe', Hashes: hashes })).event
    assert.deepEqual(get(e, 'process.hash'), hash, hashes)
    assert.deepEqual(get(e, 'process.pe'), pe, hashes)
    assert.deepEqual(get(e, 'related.hash'), related, hashes)
    assert.equal(Object.getPrototypeOf(get(e, 'process.hash') ?? {}), Object.prototype, hashes)
  }
})

test('winlog.event_data of one event id follows each record’s own keys (the per-shape memo is checked)', () => {
  const n = createNormalizer()
  const shapes: Obj[] = [
    { Image: 'C:\\a\\b.exe', IntegrityLevel: 'High', LogonId: '0x1' },
    { Image: 'C:\\a\\b.exe', IntegrityLevel: 'High', LogonId: '0x1' },
    { LogonId: '0x2', Image: 'C:\\a\\b.exe', IntegrityLevel: 'Low' },
    { Image: 'C:\\a\\b.exe', IntegrityLevel: 'High', LogonId: '0x1', ParentUser: 'CORP\\x', '#text': 'ignored' },
    { Image: 'C:\\a\\b.exe' },
  ]
  const want = [
    { IntegrityLevel: 'High', LogonId: '0x1' }, { IntegrityLevel: 'High', LogonId: '0x1' },
    { LogonId: '0x2', IntegrityLevel: 'Low' }, { IntegrityLevel: 'High', LogonId: '0x1', ParentUser: 'CORP\\x' }, undefined,
  ]
  shapes.forEach((data, i) => {
    const ed = get(n(sysmon(1, data)).event, 'winlog.event_data')
    assert.deepEqual(ed, want[i], `record ${i}`)
    if (ed !== undefined) assert.deepEqual(Object.keys(ed), Object.keys(want[i]!), `order ${i}`)
  })
  // The same event id from a provider without a mapping keeps every key.
  const other = n({ Event: { System: { Provider: { '#attributes': { Name: 'Other' } }, EventID: 1, Channel: 'X' }, EventData: { Image: 'C:\\a\\b.exe', LogonId: '0x1' } } })
  assert.deepEqual(get(other.event, 'winlog.event_data'), { Image: 'C:\\a\\b.exe', LogonId: '0x1' })
})

test('registry hive names from the input never match Object.prototype members', () => {
  const e = createNormalizer()(sysmon(13, { TargetObject: 'constructor\\Software\\x', Details: 'DWORD (0x00000001)' })).event
  assert.deepEqual(get(e, 'registry'), { path: 'constructor\\Software\\x', value: 'x', data: { strings: ['1'], type: 'SZ_DWORD' } })
})

test('DNS type and status codes from the input never match Object.prototype members', () => {
  const e = createNormalizer()(sysmon(22, { QueryName: 'a.example.com', QueryStatus: 'constructor', QueryResults: 'type:  constructor x.example.com;' })).event
  assert.equal(get(e, 'sysmon.dns.status'), 'constructor')
  assert.deepEqual(get(e, 'dns.answers'), [{ data: 'x.example.com' }])
})

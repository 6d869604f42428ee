// Expectations derived from Elastic's own pipeline tests (elastic/integrations
// sysmon_operational and system.security `_dev/test/pipeline` expected outputs): the same raw
// Winlogbeat shape goes in, and the fields detections use must come out as Elastic produces them.
// Values here are our own; only the mapping behaviour is Elastic's.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { normalize } from '../../src/ecs/index.js'

type Obj = Record<string, unknown>
const pick = (o: Obj, keys: string[]): Obj => Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]))

function winlogbeatSysmon(eventId: string, data: Obj, recordId = 4711): Obj {
  return {
    '@timestamp': '2024-06-01T09:00:00.900Z',
    event: { kind: 'event', provider: 'Microsoft-Windows-Sysmon', code: eventId },
    winlog: {
      channel: 'Microsoft-Windows-Sysmon/Operational', event_id: eventId, record_id: recordId, computer_name: 'lab-2019',
      time_created: '2024-06-01T09:00:00.854Z', level: 'information', provider_name: 'Microsoft-Windows-Sysmon',
      provider_guid: '{5770385f-c22a-43e0-bf4c-06f5698ffbd9}', opcode: 'Info', version: 5, user: { identifier: 'S-1-5-18' },
      process: { pid: 2480, thread: { id: 3120 } }, event_data: data,
    },
  }
}

test('Sysmon 22 DNS query: answers, resolved_ip, related, status, question (Elastic test-events)', () => {
  const n = normalize(winlogbeatSysmon('22', {
    RuleName: '', UtcTime: '2024-06-01 09:00:00.812', ProcessGuid: '{7e1c9f20-1a2b-665a-0000-0010a1b2c300}', ProcessId: '1880',
    QueryName: 'telemetry.example.com', QueryStatus: '0',
    QueryResults: 'type:  5 telemetry.example.com.edgesuite.net;type:  5 a1234.b.akamai.net;::ffff:198.51.100.7;2001:db8:10::7;198.51.100.8;',
    Image: 'C:\\Program Files\\Example\\agent.exe',
  }))
  assert.equal(n.status, 'mapped')
  const e = n.event as Obj
  assert.deepEqual(pick(e, ['@timestamp', 'process', 'dns', 'network', 'related', 'sysmon', 'user', 'log']), {
    '@timestamp': '2024-06-01T09:00:00.812Z',
    process: { entity_id: '{7e1c9f20-1a2b-665a-0000-0010a1b2c300}', pid: 1880, executable: 'C:\\Program Files\\Example\\agent.exe', name: 'agent.exe' },
    dns: {
      question: { name: 'telemetry.example.com', subdomain: 'telemetry', registered_domain: 'example.com', top_level_domain: 'com' },
      answers: [
        { type: 'CNAME', data: 'telemetry.example.com.edgesuite.net' }, { type: 'CNAME', data: 'a1234.b.akamai.net' },
        { type: 'A', data: '198.51.100.7' }, { type: 'AAAA', data: '2001:db8:10::7' }, { type: 'A', data: '198.51.100.8' },
      ],
      resolved_ip: ['198.51.100.7', '2001:db8:10::7', '198.51.100.8'],
    },
    network: { protocol: 'dns' },
    related: { hosts: ['telemetry.example.com.edgesuite.net', 'a1234.b.akamai.net', 'telemetry.example.com'], ip: ['198.51.100.7', '2001:db8:10::7', '198.51.100.8'] },
    sysmon: { dns: { status: 'SUCCESS' } },
    user: { id: 'S-1-5-18' },
    log: { level: 'information' },
  })
  const ev = e.event as Obj
  assert.deepEqual(pick(ev, ['code', 'kind', 'category', 'type', 'created']),
    { code: '22', kind: 'event', category: ['network'], type: ['connection', 'protocol', 'info'], created: '2024-06-01T09:00:00.854Z' })
  const winlog = e.winlog as Obj
  assert.equal(winlog.record_id, '4711', 'record_id converted to string')
  assert.equal(winlog.event_data, undefined, 'every EventData field was moved to ECS, so event_data is dropped')
  assert.equal(winlog.level, undefined, 'winlog.level moved to log.level')
})

test('Sysmon 23 file delete: hashes (lower-case, imphash to pe), file.*, sysmon.file, user split', () => {
  const n = normalize(winlogbeatSysmon('23', {
    RuleName: '-', UtcTime: '2024-06-01 09:00:01.002', ProcessGuid: '{7e1c9f20-1a2b-665a-2c07-290000000000}', ProcessId: '4432',
    User: 'LAB-2019\\builder', Image: 'C:\\tools\\go\\bin\\go.exe', TargetFilename: 'C:\\Users\\builder\\AppData\\Local\\Temp\\b001\\pkg.test.exe',
    Hashes: 'MD5=0123456789ABCDEF0123456789ABCDEF,IMPHASH=FEDCBA9876543210FEDCBA9876543210', IsExecutable: 'true', Archived: 'true',
  }))
  const e = n.event as Obj
  assert.deepEqual(pick(e, ['process', 'file', 'sysmon', 'user', 'related']), {
    process: { entity_id: '{7e1c9f20-1a2b-665a-2c07-290000000000}', pid: 4432, executable: 'C:\\tools\\go\\bin\\go.exe', name: 'go.exe',
      hash: { md5: '0123456789abcdef0123456789abcdef' }, pe: { imphash: 'fedcba9876543210fedcba9876543210' } },
    file: { path: 'C:\\Users\\builder\\AppData\\Local\\Temp\\b001\\pkg.test.exe', name: 'pkg.test.exe', directory: 'C:\\Users\\builder\\AppData\\Local\\Temp\\b001', extension: 'exe' },
    sysmon: { file: { archived: true, is_executable: true } },
    user: { id: 'S-1-5-18', domain: 'LAB-2019', name: 'builder' },
    related: { hash: ['0123456789abcdef0123456789abcdef', 'fedcba9876543210fedcba9876543210'], user: ['builder'] },
  })
  assert.deepEqual((e.event as Obj).type, ['deletion'])
})

test('Sysmon 1: args by CommandLineToArgvW with args_count; user.id is the Sysmon service SID (reference §3)', () => {
  const n = normalize(winlogbeatSysmon('1', {
    UtcTime: '2024-06-01 09:00:02.100', ProcessGuid: '{7e1c9f20-0001-665a-0000-001000000001}', ProcessId: '5512',
    Image: 'C:\\Windows\\System32\\notepad.exe', CommandLine: '"C:\\Windows\\system32\\notepad.exe" ', CurrentDirectory: 'C:\\Users\\builder\\',
    User: 'LAB-2019\\builder', IntegrityLevel: 'Medium', ParentImage: 'C:\\Windows\\explorer.exe', ParentProcessId: '3300', ParentCommandLine: '',
    Hashes: 'SHA256=00000000000000000000000000000000000000000000000000000000000000AA,IMPHASH=00000000000000000000000000000000',
  }))
  const e = n.event as Obj
  const p = e.process as Obj
  assert.deepEqual(p.args, ['C:\\Windows\\system32\\notepad.exe'])
  assert.equal(p.args_count, 1)
  assert.equal(p.command_line, '"C:\\Windows\\system32\\notepad.exe" ', 'trailing space kept')
  assert.deepEqual(p.parent, { pid: 3300, executable: 'C:\\Windows\\explorer.exe', name: 'explorer.exe' }, 'empty ParentCommandLine dropped')
  assert.deepEqual(p.hash, { sha256: '00000000000000000000000000000000000000000000000000000000000000aa' }, 'all-zero imphash dropped')
  assert.deepEqual(e.user, { id: 'S-1-5-18', domain: 'LAB-2019', name: 'builder' })
  assert.deepEqual((e.winlog as Obj).event_data, { IntegrityLevel: 'Medium' })
})

test('Security 4688 (system.security): hex pids, naive args without args_count, subject user, effective user', () => {
  const n = normalize({
    '@timestamp': '2024-06-01T09:10:00.123Z',
    winlog: { channel: 'Security', event_id: '4688', record_id: 91, computer_name: 'DC01.lab.local', provider_name: 'Microsoft-Windows-Security-Auditing',
      keywords: ['Audit Success'], event_data: {
        SubjectUserSid: 'S-1-5-21-1-2-3-1105', SubjectUserName: 'svc_deploy', SubjectDomainName: 'LAB', SubjectLogonId: '0x5a3f1',
        NewProcessId: '0xe58', NewProcessName: 'C:\\Windows\\System32\\wbem\\WMIC.exe', TokenElevationType: '%%1936', ProcessId: '0x1a2c',
        CommandLine: 'wmic  /node:"10.1.1.9" process call create "cmd /c ver" ', TargetUserSid: 'S-1-0-0', TargetUserName: '-',
        TargetDomainName: '-', TargetLogonId: '0x0', ParentProcessName: 'C:\\Windows\\System32\\cmd.exe', MandatoryLabel: 'S-1-16-12288' } },
  })
  const e = n.event as Obj
  assert.deepEqual(e.process, {
    pid: 3672, executable: 'C:\\Windows\\System32\\wbem\\WMIC.exe', name: 'WMIC.exe',
    parent: { executable: 'C:\\Windows\\System32\\cmd.exe', name: 'cmd.exe', pid: 6700 },
    args: ['wmic', '', '/node:"10.1.1.9"', 'process', 'call', 'create', '"cmd /c ver"', ''],
    command_line: 'wmic  /node:"10.1.1.9" process call create "cmd /c ver" ',
  })
  assert.deepEqual(e.user, { id: 'S-1-5-21-1-2-3-1105', name: 'svc_deploy', domain: 'LAB', effective: { id: 'S-1-0-0' } })
  assert.deepEqual((e.winlog as Obj).logon, { id: '0x5a3f1' })
  assert.deepEqual(pick(e.event as Obj, ['category', 'type', 'action', 'outcome']),
    { category: ['process'], type: ['start'], action: 'created-process', outcome: 'success' })
  assert.equal(((e.winlog as Obj).event_data as Obj).ProcessId, '0x1a2c', 'the creator pid stays in event_data, as in Elastic')
})

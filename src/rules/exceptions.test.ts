import { test } from 'node:test'
import assert from 'node:assert/strict'
import { compileExceptions, type ExceptionEntry, type ExceptionItem, type ValueList } from './exceptions.js'
import { parseExceptionText, parseKibanaExport, parseExceptionToml } from './exception-files.js'
import { renderRuleError } from './errors.js'
import type { EcsEvent } from '../eql/index.js'

const item = (entries: ExceptionEntry[], extra: Partial<ExceptionItem> = {}): ExceptionItem =>
  ({ itemId: 'i', listId: 'l', name: 'item', entries, source: { file: 't' }, ...extra })

const matches = (items: ExceptionItem[], event: EcsEvent, opts: Parameters<typeof compileExceptions>[1] = {}): boolean => {
  const c = compileExceptions(items, opts)
  assert.ok(c.ok, JSON.stringify(c))
  return c.value.match(event) !== null
}

const EV: EcsEvent = {
  user: { name: 'Alice', domain: 'CORP' },
  host: { name: 'srv01.corp.example', os: { type: 'windows' } },
  source: { ip: '10.10.50.23' },
  process: { name: 'cmd.exe', executable: 'C:\\Windows\\System32\\cmd.exe', args: ['cmd.exe', '/c', 'whoami'], pid: 4120 },
  'file.Ext.code_signature': [{ subject_name: 'Microsoft Windows', trusted: true }, { subject_name: 'Evil', trusted: false }],
}

// [name, entry, expected match on EV]
const ENTRIES: readonly (readonly [string, ExceptionEntry, boolean])[] = [
  ['match is case-sensitive (match_phrase on keyword)', { type: 'match', field: 'user.name', operator: 'included', value: 'Alice' }, true],
  ['match: other case does not match', { type: 'match', field: 'user.name', operator: 'included', value: 'alice' }, false],
  ['match: vigil case-insensitive option', { type: 'match', field: 'user.name', operator: 'included', value: 'alice', isCaseInsensitive: true }, true],
  ['match on a number', { type: 'match', field: 'process.pid', operator: 'included', value: '4120' }, true],
  ['match on an array element', { type: 'match', field: 'process.args', operator: 'included', value: '/c' }, true],
  ['match excluded', { type: 'match', field: 'user.name', operator: 'excluded', value: 'Alice' }, false],
  ['match excluded, field missing: must_not is satisfied', { type: 'match', field: 'user.email', operator: 'excluded', value: 'x' }, true],
  ['match with a CIDR on an ip field', { type: 'match', field: 'source.ip', operator: 'included', value: '10.10.50.0/24' }, true],
  ['match with another CIDR', { type: 'match', field: 'source.ip', operator: 'included', value: '10.10.60.0/24' }, false],
  ['match_any', { type: 'match_any', field: 'user.name', operator: 'included', value: ['bob', 'Alice'] }, true],
  ['match_any, none', { type: 'match_any', field: 'user.name', operator: 'included', value: ['bob', 'carol'] }, false],
  ['match_any excluded', { type: 'match_any', field: 'user.name', operator: 'excluded', value: ['bob', 'carol'] }, true],
  ['wildcard', { type: 'wildcard', field: 'process.executable', operator: 'included', value: 'C:\\Windows\\*\\cmd.exe' }, true],
  ['wildcard is case-sensitive by default', { type: 'wildcard', field: 'process.executable', operator: 'included', value: 'c:\\windows\\*' }, false],
  ['wildcard ?', { type: 'wildcard', field: 'process.name', operator: 'included', value: 'cm?.exe' }, true],
  ['wildcard excluded', { type: 'wildcard', field: 'process.name', operator: 'excluded', value: '*.exe' }, false],
  ['exists', { type: 'exists', field: 'source.ip', operator: 'included' }, true],
  ['exists, missing', { type: 'exists', field: 'destination.ip', operator: 'included' }, false],
  ['exists excluded (does not exist)', { type: 'exists', field: 'destination.ip', operator: 'excluded' }, true],
  ['nested: one element satisfies all inner entries', { type: 'nested', field: 'file.Ext.code_signature', entries: [
    { type: 'match', field: 'subject_name', operator: 'included', value: 'Evil' },
    { type: 'match', field: 'trusted', operator: 'included', value: 'false' }] }, true],
  ['nested: inner entries true only on different elements', { type: 'nested', field: 'file.Ext.code_signature', entries: [
    { type: 'match', field: 'subject_name', operator: 'included', value: 'Evil' },
    { type: 'match', field: 'trusted', operator: 'included', value: 'true' }] }, false],
]

for (const [name, entry, expected] of ENTRIES) {
  test(`entry: ${name}`, () => assert.equal(matches([item([entry])], EV), expected))
}

test('entries AND within an item, items OR', () => {
  const user = { type: 'match', field: 'user.name', operator: 'included', value: 'Alice' } as const
  const host = { type: 'match', field: 'host.name', operator: 'included', value: 'other' } as const
  assert.equal(matches([item([user, host])], EV), false)
  assert.equal(matches([item([user]), item([host])], EV), true)
  assert.equal(matches([item([host]), item([user, { type: 'exists', field: 'source.ip', operator: 'included' }])], EV), true)
})

test('os_types adds host.os.type to the item', () => {
  const user = { type: 'match', field: 'user.name', operator: 'included', value: 'Alice' } as const
  assert.equal(matches([item([user], { osTypes: ['windows'] })], EV), true)
  assert.equal(matches([item([user], { osTypes: ['linux', 'macos'] })], EV), false)
})

test('expired items do not apply', () => {
  const user = { type: 'match', field: 'user.name', operator: 'included', value: 'Alice' } as const
  const nowMs = Date.parse('2026-11-01T00:00:00Z')
  assert.equal(matches([item([user], { expireTime: '2026-10-31T00:00:00Z' })], EV, { nowMs }), false)
  assert.equal(matches([item([user], { expireTime: '2026-12-31T00:00:00Z' })], EV, { nowMs }), true)
  const c = compileExceptions([item([user], { expireTime: '2026-10-31T00:00:00Z' })], { nowMs })
  assert.ok(c.ok)
  assert.equal(c.value.expired.length, 1)
})

test('value lists: ip_range with CIDR and dash ranges, keyword lists, IPv6, mapped IPv4', () => {
  const lists = new Map<string, ValueList>([
    ['admins', { id: 'admins', type: 'ip_range', values: ['192.168.0.0/16', '10.10.50.20-10.10.50.29', 'fd00::/8'] }],
    ['names', { id: 'names', type: 'keyword', values: ['Alice', 'bob'] }],
  ])
  const inList = (field: string, id: string): ExceptionEntry => ({ type: 'list', field, operator: 'included', list: { id, type: 'ip_range' } })
  assert.equal(matches([item([inList('source.ip', 'admins')])], EV, { valueLists: lists }), true)
  assert.equal(matches([item([inList('source.ip', 'admins')])], { source: { ip: '10.10.50.30' } }, { valueLists: lists }), false)
  assert.equal(matches([item([inList('source.ip', 'admins')])], { source: { ip: 'fd00::1' } }, { valueLists: lists }), true)
  assert.equal(matches([item([inList('source.ip', 'admins')])], { source: { ip: '::ffff:192.168.1.1' } }, { valueLists: lists }), true)
  assert.equal(matches([item([inList('user.name', 'names')])], EV, { valueLists: lists }), true)
  const missing = compileExceptions([item([inList('source.ip', 'nope')])])
  assert.equal(missing.ok, false)
  if (!missing.ok) assert.match(missing.errors[0]?.message ?? '', /value list nope is not loaded/)
})

test('rule scoping: items naming rule ids apply to those rules only', () => {
  const user = { type: 'match', field: 'user.name', operator: 'included', value: 'Alice' } as const
  const c = compileExceptions([item([user], { ruleIds: ['r1'] })])
  assert.ok(c.ok)
  assert.notEqual(c.value.match(EV, 'r1'), null)
  assert.equal(c.value.match(EV, 'r2'), null)
  assert.equal(c.value.match(EV), null)
})

test('__proto__ in an event is data, not a prototype', () => {
  const ev = JSON.parse('{"__proto__": {"polluted": "yes"}, "user": {"name": "x"}}') as EcsEvent
  assert.equal(matches([item([{ type: 'match', field: '__proto__.polluted', operator: 'included', value: 'yes' }])], ev), true)
  assert.equal(({} as { polluted?: unknown }).polluted, undefined)
})

const KIBANA_EXPORT = [
  '{"_version":"WzEsMV0=","created_at":"2026-11-01T10:00:00.000Z","description":"Admins","list_id":"winrm-admins","name":"WinRM admins","namespace_type":"single","os_types":[],"tags":[],"type":"detection"}',
  '{"comments":[{"comment":"PAW subnet","created_at":"2026-11-01T10:00:00.000Z","created_by":"elastic","id":"c1"}],"created_at":"2026-11-01T10:00:00.000Z","description":"","entries":[{"field":"source.ip","operator":"included","type":"match","value":"10.10.50.0/24"}],"item_id":"paw","list_id":"winrm-admins","name":"PAW subnet","namespace_type":"single","os_types":["windows"],"tags":[],"type":"simple","expire_time":"2027-01-01T00:00:00.000Z"}',
  '{"comments":[],"description":"","entries":[{"field":"user.name","operator":"included","type":"match_any","value":["svc_ansible","svc_salt"]},{"entries":[{"field":"trusted","operator":"included","type":"match","value":"true"}],"field":"process.code_signature","type":"nested"}],"item_id":"cm","list_id":"winrm-admins","name":"Config mgmt","namespace_type":"single","type":"simple"}',
  '{"exported_exception_list_count":1,"exported_exception_list_item_count":2,"missing_exception_list_item_count":0,"missing_exception_list_items":[],"missing_exception_lists":[],"missing_exception_lists_count":0}',
].join('\n')

test('Kibana NDJSON export: container and summary skipped, items read with their line', () => {
  const r = parseKibanaExport(KIBANA_EXPORT, 'export.ndjson')
  assert.ok(r.ok, JSON.stringify(r))
  assert.deepEqual(r.items.map((i) => [i.itemId, i.listId, i.source.line, i.entries.length]), [['paw', 'winrm-admins', 2, 1], ['cm', 'winrm-admins', 3, 2]])
  assert.deepEqual(r.items[0]?.comments, ['PAW subnet'])
  assert.deepEqual(r.items[0]?.osTypes, ['windows'])
  const c = compileExceptions(r.items, { nowMs: Date.parse('2026-11-15T00:00:00Z') })
  assert.ok(c.ok)
  assert.notEqual(c.value.match(EV), null)
})

test('Kibana export errors name the line and field', () => {
  const bad = [
    '{"entries":[{"field":"user.name","operator":"maybe","type":"match","value":"x"}],"list_id":"l","name":"n"}',
    'not json',
    '{"entries":[{"field":"user.name","operator":"included","type":"match_any","value":[]}],"list_id":"l","name":"n"}',
  ].join('\n')
  const r = parseKibanaExport(bad, 'e.ndjson')
  assert.equal(r.ok, false)
  if (r.ok) return
  const text = r.errors.map(renderRuleError).join('\n')
  assert.match(text, /^e\.ndjson:1: entries\[0\]/m)
  assert.match(text, /^e\.ndjson:2: not JSON/m)
  assert.match(text, /^e\.ndjson:3: entries\[0\]/m)
})

test('vigil allowlist: users, domains, hosts, subnets, paths; AND inside, OR across', () => {
  const text = `
[[allow]]
name = "admins from the PAW subnet"
users = ["alice", "bob"]
source_subnets = ["10.10.50.0/24"]

[[allow]]
name = "build servers"
hosts = ["build*.corp.example"]
process_paths = ["?:\\\\Tools\\\\*.exe"]
`
  const r = parseExceptionToml(text, 'allow.toml')
  assert.ok(r.ok, JSON.stringify(r))
  const c = compileExceptions(r.items)
  assert.ok(c.ok)
  assert.equal(c.value.match(EV)?.name, 'admins from the PAW subnet')
  assert.equal(c.value.match({ ...EV, source: { ip: '10.10.51.1' } }), null)
  assert.equal(c.value.match({ host: { name: 'BUILD7.corp.example' }, process: { executable: 'D:\\Tools\\x.exe' } })?.name, 'build servers')
  assert.equal(c.value.match({ host: { name: 'build7.corp.example' }, process: { executable: 'D:\\Other\\x.exe' } }), null)
})

test('vigil allowlist errors name line and field', () => {
  const cases: readonly (readonly [string, RegExp])[] = [
    ['[[allow]]\nname = "x"\nsource_subnets = ["10.0.0.0/33"]\n', /a\.toml:3: allow\[0\]\.source_subnets\[0\]: "10\.0\.0\.0\/33" is not an address/],
    ['[[allow]]\nname = "x"\n', /a\.toml:1: allow\[0\]: an allowlist item needs at least one of/],
    ['[[allow]]\nname = "x"\nuser = ["a"]\n', /a\.toml:1: allow\[0\]: Unrecognized key: "user"/],
    ['[[allow]]\nname = "x"\nusers = "a"\n', /a\.toml:3: allow\[0\]\.users: Invalid input: expected array/],
    ['[[allow]\n', /a\.toml:1:\d+: /],
  ]
  for (const [text, expected] of cases) {
    const r = parseExceptionToml(text, 'a.toml')
    assert.equal(r.ok, false, text)
    if (!r.ok) assert.match(r.errors.map(renderRuleError).join('\n'), expected)
  }
})

test('detection-rules exceptions-as-code TOML: items scoped to the metadata rule ids', () => {
  const text = `
[metadata]
creation_date = "2026/11/01"
list_name = "WinRM admins"
rule_ids = ["r1"]
rule_names = ["WinRM"]
updated_date = "2026/11/01"

[[exceptions]]
[exceptions.container]
list_id = "winrm-admins"
name = "WinRM admins"
namespace_type = "single"
type = "detection"

[[exceptions.items]]
name = "PAW"
description = "admin workstations"
type = "simple"
entries = [{ field = "source.ip", operator = "included", type = "match", value = "10.10.50.0/24" }]
`
  const r = parseExceptionText(text, 'winrm.toml')
  assert.ok(r.ok, JSON.stringify(r))
  assert.equal(r.items[0]?.listId, 'winrm-admins')
  assert.deepEqual(r.items[0]?.ruleIds, ['r1'])
})

test('the example allowlist parses and covers the seeds\' false positives', async () => {
  const { readFileSync } = await import('node:fs')
  const r = parseExceptionText(readFileSync('rules/windows/allowlist.example.toml', 'utf8'), 'rules/windows/allowlist.example.toml')
  assert.ok(r.ok, JSON.stringify(r))
  const c = compileExceptions(r.items, { nowMs: Date.parse('2026-11-29T00:00:00Z') })
  assert.ok(c.ok)
  assert.equal(c.value.expired.length, 1)
  const winrm = '5b7c1c6e-3f0a-4d2b-9a63-0d8e4c1f7a21'
  assert.notEqual(c.value.match({ source: { ip: '10.10.50.9' } }, winrm), null)
  assert.equal(c.value.match({ source: { ip: '10.10.50.9' } }, 'another-rule'), null)
  assert.notEqual(c.value.match({ user: { name: 'SVC_ANSIBLE', domain: 'corp' } }, winrm), null)
  assert.equal(c.value.match({ source: { ip: '10.0.30.21' } }, winrm), null, 'the expired red-team item no longer applies')
})

test('loadExceptionFiles reads several files and reports unreadable ones', async () => {
  const { loadExceptionFiles } = await import('./exception-files.js')
  const r = loadExceptionFiles(['rules/windows/allowlist.example.toml', '/nonexistent/allow.toml'])
  assert.equal(r.items.length, 4)
  assert.deepEqual(r.errors.map((e) => [e.code, e.file]), [['io', '/nonexistent/allow.toml']])
})

test('value lists declared in an allowlist resolve "is in list" entries of a Kibana export', async () => {
  const { loadExceptionFiles } = await import('./exception-files.js')
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  const dir = mkdtempSync(join(tmpdir(), 'vigil-lists-'))
  try {
    writeFileSync(join(dir, 'admin-subnets.txt'), '# PAWs\n10.10.50.0/24\n10.10.60.1-10.10.60.9\n')
    writeFileSync(join(dir, 'lists.toml'), '[[value_list]]\nid = "admin-subnets"\ntype = "ip_range"\nfile = "admin-subnets.txt"\n\n[[value_list]]\nid = "admins"\ntype = "keyword"\nvalues = ["alice"]\n')
    writeFileSync(join(dir, 'export.ndjson'), '{"entries":[{"field":"source.ip","operator":"included","type":"list","list":{"id":"admin-subnets","type":"ip_range"}}],"item_id":"paw","list_id":"l","name":"PAW"}\n')
    const r = loadExceptionFiles([join(dir, 'lists.toml'), join(dir, 'export.ndjson')])
    assert.deepEqual(r.errors, [])
    assert.deepEqual([...r.valueLists.keys()], ['admin-subnets', 'admins'])
    assert.deepEqual(r.valueLists.get('admin-subnets')?.values, ['10.10.50.0/24', '10.10.60.1-10.10.60.9'])
    const c = compileExceptions(r.items, { valueLists: r.valueLists })
    assert.ok(c.ok)
    assert.notEqual(c.value.match({ source: { ip: '10.10.60.5' } }), null)
    assert.equal(c.value.match({ source: { ip: '10.10.60.10' } }), null)
    const missing = loadExceptionFiles([join(dir, 'export.ndjson')])
    assert.equal(compileExceptions(missing.items, { valueLists: missing.valueLists }).ok, false, 'an unresolved list is an error')
    writeFileSync(join(dir, 'bad.toml'), '[[value_list]]\nid = "x"\ntype = "ip_range"\nfile = "nope.txt"\n')
    assert.match(loadExceptionFiles([join(dir, 'bad.toml')]).errors.map(renderRuleError).join(), /bad\.toml:4: value_list\[0\]\.file: nope\.txt: ENOENT/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('allowlist raw entries: Kibana shapes, plus case_insensitive', () => {
  const text = `[[allow]]
name = "raw"
entries = [
  { field = "process.name", operator = "included", type = "match", value = "CMD.EXE", case_insensitive = true },
  { field = "process.args", operator = "excluded", type = "wildcard", value = "*whoami*" },
  { field = "file.Ext.code_signature", type = "nested", entries = [{ field = "trusted", operator = "included", type = "match", value = "false" }] },
]
`
  const r = parseExceptionToml(text, 'raw.toml')
  assert.ok(r.ok, JSON.stringify(r))
  const c = compileExceptions(r.items)
  assert.ok(c.ok)
  assert.equal(c.value.match({ ...EV, process: { name: 'cmd.exe', args: ['cmd.exe', '/c', 'dir'] } })?.name, 'raw')
  assert.equal(c.value.match(EV), null, 'args contain whoami: the excluded wildcard fails')
})

test('CIDR and ranges agree with integer arithmetic on random IPv4 addresses', async () => {
  const fc = (await import('fast-check')).default
  const { parseIpRange } = await import('./exceptions.js')
  const ip = (n: number): string => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.')
  fc.assert(fc.property(fc.nat(0xffffffff), fc.nat(0xffffffff), fc.integer({ min: 0, max: 32 }), (net, addr, bits) => {
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0
    const base = (net & mask) >>> 0
    const inCidr = parseIpRange(`${ip(base)}/${bits}`)?.(ip(addr))
    const lo = Math.min(net, addr), hi = Math.max(net, addr)
    const inRange = parseIpRange(`${ip(lo)}-${ip(hi)}`)?.(ip(addr))
    return inCidr === (((addr & mask) >>> 0) === base) && inRange === true
      && parseIpRange(`${ip(lo)}-${ip(hi)}`)?.(ip(hi === 0xffffffff ? lo : hi + 1)) === (hi === 0xffffffff)
  }), { numRuns: 2000 })
})

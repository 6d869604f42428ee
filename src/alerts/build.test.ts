import { test } from 'node:test'
import assert from 'node:assert/strict'
import { buildEventAlert, buildSequenceAlerts, eventIdentity, canonicalJson, type AlertRule, type AlertDecision } from './build.js'
import { alertField } from './types.js'
import type { EcsEvent } from '../eql/index.js'

const RULE: AlertRule = {
  ruleId: '5b7c1c6e-3f0a-4d2b-9a63-0d8e4c1f7a21', name: 'Incoming Execution via WinRM Remote Shell', version: 1,
  type: 'eql', description: 'd', severity: 'medium', riskScore: 47, tags: ['OS: Windows'],
  threat: [{ framework: 'MITRE ATT&CK', tactic: { id: 'TA0008', name: 'Lateral Movement', reference: 'https://attack.mitre.org/tactics/TA0008/' } }],
}
const DEFAULT: AlertDecision = { severity: 'medium', riskScore: 47, name: RULE.name, overrides: [] }
const HIGH: AlertDecision = { severity: 'high', riskScore: 73, name: RULE.name, overrides: [{ kind: 'severity', field: 'process.name', value: 'cmd.exe', stage: 1 }] }
const now = (): Date => new Date('2026-11-29T12:00:00.000Z')

const net: EcsEvent = {
  '@timestamp': '2026-11-03T09:15:00.000Z',
  event: { kind: 'event', category: ['network'], type: ['start'], action: 'connection_accepted', id: 'net-1' },
  host: { id: 'h1', name: 'srv01' }, process: { pid: 4, name: 'System' },
  source: { ip: '10.0.30.21', port: 50963 }, destination: { ip: '10.0.20.11', port: 5985 },
}
const proc: EcsEvent = {
  '@timestamp': '2026-11-03T09:15:02.000Z',
  event: { kind: 'event', category: ['process'], type: ['start'], action: 'start', id: 'proc-1' },
  host: { id: 'h1', name: 'srv01' }, user: { name: 'mallory' },
  process: { pid: 5120, name: 'cmd.exe', parent: { name: 'winrshost.exe' } },
}

test('single-event alert: ECS fields kept, event.kind signal, original event, kibana.alert.* fields', () => {
  const a = buildEventAlert(RULE, { event: proc, source: { file: 'x.ndjson', line: 3 } }, HIGH, { now })
  assert.equal(a['@timestamp'], '2026-11-29T12:00:00.000Z')
  assert.equal(a['kibana.alert.original_time'], '2026-11-03T09:15:02.000Z')
  assert.equal(alertField(a, 'process.name'), 'cmd.exe')
  assert.equal(alertField(a, 'event.kind'), 'signal')
  assert.deepEqual(a['kibana.alert.original_event'], proc['event'])
  assert.equal(a['kibana.alert.severity'], 'high')
  assert.equal(a['kibana.alert.risk_score'], 73)
  assert.equal(a['kibana.alert.rule.severity'], 'medium')
  assert.equal(a['kibana.alert.rule.risk_score'], 47)
  assert.equal(a['kibana.alert.rule.rule_id'], RULE.ruleId)
  assert.equal(a['kibana.alert.rule.uuid'], RULE.ruleId)
  assert.equal(a['kibana.alert.rule.version'], 1)
  assert.equal(a['kibana.alert.status'], 'active')
  assert.equal(a['kibana.alert.workflow_status'], 'open')
  assert.equal(a['kibana.alert.depth'], 1)
  assert.deepEqual(a['kibana.alert.ancestors'], [{ id: 'event.id:proc-1', type: 'event', index: 'x.ndjson', depth: 0 }])
  assert.deepEqual(a['vigil.alert.sources'], [{ file: 'x.ndjson', line: 3 }])
  assert.deepEqual(a['vigil.alert.overrides'], HIGH.overrides)
  assert.equal(a['kibana.alert.building_block_type'], undefined)
  assert.equal(a['kibana.alert.reason'],
    'process event with process cmd.exe, parent process winrshost.exe, by mallory on srv01 created high alert Incoming Execution via WinRM Remote Shell.')
  assert.match(a['kibana.alert.uuid'], /^[0-9a-f]{64}$/)
  assert.equal(proc['event'] && (proc['event'] as { kind: string }).kind, 'event', 'the source event is not mutated')
})

test('deterministic ids: same input twice, different order of keys, another file → same id; other version → other id', () => {
  const a = buildEventAlert(RULE, { event: proc, source: { file: 'a.ndjson' } }, DEFAULT)
  const b = buildEventAlert(RULE, { event: JSON.parse(JSON.stringify(proc)) as EcsEvent, source: { file: 'b.ndjson' } }, DEFAULT)
  assert.equal(a['kibana.alert.uuid'], b['kibana.alert.uuid'])
  const c = buildEventAlert({ ...RULE, version: 2 }, { event: proc }, DEFAULT)
  assert.notEqual(a['kibana.alert.uuid'], c['kibana.alert.uuid'])
  const d = buildEventAlert({ ...RULE, ruleId: 'other' }, { event: proc }, DEFAULT)
  assert.notEqual(a['kibana.alert.uuid'], d['kibana.alert.uuid'])
})

test('event identity: event.id, else the Windows record, else a canonical hash independent of key order', () => {
  assert.equal(eventIdentity({ event: { id: 'abc' } }), 'event.id:abc')
  assert.equal(eventIdentity({ winlog: { record_id: '42', channel: 'Security', computer_name: 'srv01' } }), 'winlog:srv01:Security:42')
  const x = eventIdentity({ a: 1, b: { c: [1, 2], d: 'x' } })
  assert.equal(x, eventIdentity({ b: { d: 'x', c: [1, 2] }, a: 1 }))
  assert.notEqual(x, eventIdentity({ a: 1, b: { c: [2, 1], d: 'x' } }))
  assert.equal(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }] }), '{"a":[{"c":2,"d":1}],"b":1}')
})

test('sequence: one shell + one building block per member, shared group id, overrides only on the shell', () => {
  const alerts = buildSequenceAlerts(RULE, [{ event: net }, { event: proc }], HIGH, { now })
  assert.equal(alerts.length, 3)
  const [shell, b0, b1] = alerts
  assert.ok(shell && b0 && b1)
  const group = shell['kibana.alert.uuid']
  assert.equal(shell['kibana.alert.group.id'], group)
  assert.equal(shell['kibana.alert.group.index'], undefined)
  assert.equal(shell['kibana.alert.building_block_type'], undefined)
  assert.equal(shell['kibana.alert.severity'], 'high')
  assert.equal(shell['kibana.alert.original_time'], '2026-11-03T09:15:00.000Z')
  assert.deepEqual(shell['kibana.alert.ancestors'].map((x) => x.id), ['event.id:net-1', 'event.id:proc-1'])
  // The shell holds only what every member shares.
  assert.equal(alertField(shell, 'host.id'), 'h1')
  assert.deepEqual(alertField(shell, 'event.type'), ['start'])
  assert.equal(alertField(shell, 'process.name'), undefined)
  assert.equal(alertField(shell, 'source.ip'), undefined)
  assert.match(shell['kibana.alert.reason'], /^sequence of 2 events: \[1\] network event with process System, source 10\.0\.30\.21:50963, destination 10\.0\.20\.11:5985 on srv01; \[2\] process event with process cmd\.exe/)
  for (const [i, b] of [b0, b1].entries()) {
    assert.equal(b['kibana.alert.group.id'], group)
    assert.equal(b['kibana.alert.group.index'], i)
    assert.equal(b['kibana.alert.building_block_type'], 'default')
    assert.equal(b['kibana.alert.severity'], 'medium')
    assert.equal(b['vigil.alert.overrides'], undefined)
  }
  assert.equal(alertField(b1, 'process.name'), 'cmd.exe')
  const again = buildSequenceAlerts(RULE, [{ event: net }, { event: proc }], HIGH, { now })
  assert.deepEqual(again.map((a) => a['kibana.alert.uuid']), alerts.map((a) => a['kibana.alert.uuid']))
  assert.equal(new Set(alerts.map((a) => a['kibana.alert.uuid'])).size, 3)
  const swapped = buildSequenceAlerts(RULE, [{ event: proc }, { event: net }], HIGH, { now })
  assert.notEqual(swapped[0]?.['kibana.alert.uuid'], group, 'member order is part of the identity')
})

test('sequence with a missing-event stage: no block for it, still deterministic', () => {
  const alerts = buildSequenceAlerts(RULE, [{ event: net }, null], DEFAULT, { now })
  assert.equal(alerts.length, 2)
  assert.equal(alerts[1]?.['kibana.alert.group.index'], 0)
})

test('building-block rules mark their alerts; alerts used as input become signal ancestors', () => {
  const bbr = buildEventAlert({ ...RULE, buildingBlockType: 'default' }, { event: proc }, DEFAULT)
  assert.equal(bbr['kibana.alert.building_block_type'], 'default')
  assert.equal(bbr['kibana.alert.rule.building_block_type'], 'default')
  const onAlert = buildEventAlert(RULE, { event: bbr as unknown as EcsEvent }, DEFAULT)
  assert.deepEqual(onAlert['kibana.alert.ancestors'][0], { id: bbr['kibana.alert.uuid'], type: 'signal', index: '', depth: 1, rule: RULE.ruleId })
  assert.equal(onAlert['kibana.alert.depth'], 2)
})

test('dotted-key events: event.kind rewritten in place, original event collected', () => {
  const a = buildEventAlert(RULE, { event: { 'event.kind': 'event', 'event.category': 'process', 'process.name': 'x.exe' } }, DEFAULT)
  assert.equal(a['event.kind'], 'signal')
  assert.deepEqual(a['kibana.alert.original_event'], { kind: 'event', category: 'process' })
  assert.equal(alertField(a, 'process.name'), 'x.exe')
})

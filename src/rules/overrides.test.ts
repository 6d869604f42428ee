import { test } from 'node:test'
import assert from 'node:assert/strict'
import { compileOverrides } from './overrides.js'
import type { RuleData } from './schema.js'
import type { EcsEvent } from '../eql/index.js'

const base = {
  name: 'Rule', author: ['t'], description: 'd', rule_id: '0f0e0d0c-0b0a-4909-8807-060504030201',
  risk_score: 47, severity: 'medium', type: 'eql', language: 'eql', query: 'x',
} as const satisfies Partial<RuleData>
const rule = (extra: Partial<RuleData>): RuleData => ({ ...base, ...extra }) as RuleData

test('single event: severity_mapping equals, highest match wins, arrays match any element', () => {
  const o = compileOverrides(rule({
    severity_mapping: [
      { field: 'process.name', operator: 'equals', value: 'cmd.exe', severity: 'high' },
      { field: 'process.args', operator: 'equals', value: '/c', severity: 'low' },
      { field: 'process.args', operator: 'equals', value: 'mimikatz', severity: 'critical' },
    ],
  }), null)
  const ev: EcsEvent = { process: { name: 'cmd.exe', args: ['cmd.exe', '/c', 'whoami'] } }
  const r = o([ev])
  assert.equal(r.severity, 'high')
  assert.equal(r.riskScore, 47, 'severity mapping alone leaves the risk score')
  assert.deepEqual(r.overrides, [{ kind: 'severity', field: 'process.name', value: 'cmd.exe' }])
  assert.equal(o([{ process: { name: 'CMD.EXE' } }]).severity, 'medium', 'Elastic equals is case-sensitive')
  assert.equal(o([{ process: { args: ['x', 'mimikatz'] } }]).severity, 'critical')
})

test('event.severity compares as integers', () => {
  const o = compileOverrides(rule({ severity_mapping: [{ field: 'event.severity', operator: 'equals', value: '73', severity: 'high' }] }), null)
  assert.equal(o([{ event: { severity: 73 } }]).severity, 'high')
  assert.equal(o([{ event: { severity: '073' } }]).severity, 'high')
  assert.equal(o([{ event: { severity: 72 } }]).severity, 'medium')
})

test('risk_score_mapping: numeric values in [0, 100], maximum wins, else the default', () => {
  const o = compileOverrides(rule({ risk_score_mapping: [{ field: 'event.risk_score', operator: 'equals', value: '' }] }), null)
  assert.equal(o([{ event: { risk_score: [12, '88', 150, 'x'] } }]).riskScore, 88)
  assert.equal(o([{ event: { risk_score: 'abc' } }]).riskScore, 47)
  assert.equal(o([{}]).riskScore, 47)
})

test('rule_name_override takes the field value', () => {
  const o = compileOverrides(rule({ rule_name_override: 'rule.name' }), null)
  const r = o([{ rule: { name: 'Sysmon: suspicious thing' } }])
  assert.equal(r.name, 'Sysmon: suspicious thing')
  assert.deepEqual(r.overrides, [{ kind: 'rule_name', field: 'rule.name', value: 'Sysmon: suspicious thing' }])
  assert.equal(o([{}]).name, 'Rule')
})

// sequence by host.id [network …] [process …]: escalation evaluated on the second stage only
const winrm = rule({
  vigil: {
    severity_mapping: ['cmd.exe', 'powershell.exe', 'mimikatz.exe'].map((value) =>
      ({ stage: 2, field: 'process.name', operator: 'matches' as const, value, severity: 'high' as const, risk_score: 73 })),
  },
})
const network: EcsEvent = { event: { category: ['network'] }, process: { pid: 4, name: 'cmd.exe' } }
const child = (name: string): EcsEvent => ({ event: { category: ['process'] }, process: { name } })

test('sequence: vigil mapping on stage 2 escalates severity and risk together', () => {
  const o = compileOverrides(winrm, [0, 1])
  const high = o([network, child('CMD.exe')])
  assert.equal(high.severity, 'high')
  assert.equal(high.riskScore, 73)
  assert.deepEqual(high.overrides, [
    { kind: 'severity', field: 'process.name', value: 'CMD.exe', stage: 1 },
    { kind: 'risk_score', field: 'process.name', value: 'CMD.exe', stage: 1 },
  ])
  const medium = o([{ ...network, process: { pid: 4, name: 'System' } }, child('ipconfig.exe')])
  assert.deepEqual([medium.severity, medium.riskScore, medium.overrides], ['medium', 47, []])
})

test('sequence: a named stage ignores the other members (cmd.exe on stage 1 does not count)', () => {
  const o = compileOverrides(winrm, [0, 1])
  const r = o([network, child('hostname.exe')])
  assert.equal(r.severity, 'medium')
})

test('sequence: stage "any" and Elastic keys read every member; runs map members to their term', () => {
  const anyStage = compileOverrides(rule({ vigil: { severity_mapping: [{ stage: 'any', field: 'process.name', operator: 'equals', value: 'cmd.exe', severity: 'critical' }] } }), [0, 1])
  assert.equal(anyStage([network, child('x.exe')]).severity, 'critical')
  const elastic = compileOverrides(rule({ severity_mapping: [{ field: 'process.name', operator: 'equals', value: 'cmd.exe', severity: 'high' }] }), [0, 1])
  const r = elastic([network, child('x.exe')])
  assert.deepEqual([r.severity, r.overrides[0]?.stage], ['high', 0])
  // [a] with runs=2, then [b]: stage 2 is member 2
  const runs = compileOverrides(winrm, [0, 0, 1])
  assert.equal(runs([child('cmd.exe'), child('cmd.exe'), child('x.exe')]).severity, 'medium')
  assert.equal(runs([child('x.exe'), child('x.exe'), child('powershell.exe')]).severity, 'high')
})

test('sequence: missing-event members (null) are skipped', () => {
  const o = compileOverrides(winrm, [0, 1])
  assert.equal(o([network, null]).severity, 'medium')
})

test('matches operator takes wildcards; stage-scoped rule name override', () => {
  const o = compileOverrides(rule({
    vigil: {
      severity_mapping: [{ stage: 1, field: 'source.ip', operator: 'matches', value: '203.0.113.*', severity: 'critical', risk_score: 99 }],
      rule_name_override: { stage: 2, field: 'process.name' },
    },
  }), [0, 1])
  const r = o([{ source: { ip: '203.0.113.9' }, process: { name: 'System' } }, child('whoami.exe')])
  assert.deepEqual([r.severity, r.riskScore, r.name], ['critical', 99, 'whoami.exe'])
})

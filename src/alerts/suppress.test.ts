import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createSuppressor, type SuppressionConfig } from './suppress.js'
import { buildEventAlert, type AlertRule } from './build.js'
import type { Alert } from './types.js'

const RULE: AlertRule = { ruleId: 'r', name: 'R', version: 1, type: 'eql', description: 'd', severity: 'low', riskScore: 21 }
const T0 = Date.parse('2026-11-03T09:00:00Z')
const alertAt = (sec: number, user: string | null, host = 'h1'): Alert => buildEventAlert(RULE, {
  event: { '@timestamp': new Date(T0 + sec * 1000).toISOString(), event: { id: `e${sec}-${user}` }, host: { name: host }, ...(user ? { user: { name: user } } : {}) },
}, { severity: 'low', riskScore: 21, name: 'R', overrides: [] })

function run(config: SuppressionConfig, offers: readonly (readonly [number, string | null])[]): Alert[] {
  const out: Alert[] = []
  const s = createSuppressor(RULE, config, (alerts) => out.push(...alerts))
  for (const [sec, user] of offers) s.offer([alertAt(sec, user)], T0 + sec * 1000)
  s.flush()
  return out
}

test('with a duration: one alert per group per window; the window opens at the group\'s first alert', () => {
  // user:  alice@0 alice@30 bob@40 alice@60(edge, inclusive) alice@61(new window) alice@90
  const out = run({ groupBy: ['user.name'], durationMs: 60_000, missingFieldsStrategy: 'suppress' },
    [[0, 'alice'], [30, 'alice'], [40, 'bob'], [60, 'alice'], [61, 'alice'], [90, 'alice']])
  assert.deepEqual(out.map((a) => [a['kibana.alert.suppression.terms'], a['kibana.alert.suppression.docs_count'],
    a['kibana.alert.suppression.start'], a['kibana.alert.suppression.end']]), [
    [[{ field: 'user.name', value: 'alice' }], 2, '2026-11-03T09:00:00.000Z', '2026-11-03T09:01:00.000Z'],
    [[{ field: 'user.name', value: 'bob' }], 0, '2026-11-03T09:00:40.000Z', '2026-11-03T09:00:40.000Z'],
    [[{ field: 'user.name', value: 'alice' }], 1, '2026-11-03T09:01:01.000Z', '2026-11-03T09:01:30.000Z'],
  ])
  assert.equal(out[0]?.['kibana.alert.instance.id'], out[2]?.['kibana.alert.instance.id'], 'same group, same instance id')
  assert.notEqual(out[0]?.['kibana.alert.instance.id'], out[1]?.['kibana.alert.instance.id'])
  assert.equal(out[0]?.['kibana.alert.uuid'], alertAt(0, 'alice')['kibana.alert.uuid'], 'the kept alert is the first one')
})

test('a closed window is emitted as soon as event time passes it', () => {
  const out: Alert[] = []
  const s = createSuppressor(RULE, { groupBy: ['user.name'], durationMs: 10_000, missingFieldsStrategy: 'suppress' }, (a) => out.push(...a))
  s.offer([alertAt(0, 'alice')], T0)
  s.advance(T0 + 10_000)
  assert.equal(out.length, 0)
  s.advance(T0 + 10_001)
  assert.equal(out.length, 1)
  assert.deepEqual(s.stats(), { suppressed: 0, held: 0 })
})

test('without a duration: one alert per group for the whole run', () => {
  const out = run({ groupBy: ['user.name', 'host.name'], durationMs: null, missingFieldsStrategy: 'suppress' },
    [[0, 'alice'], [3600, 'alice'], [7200, 'bob']])
  assert.deepEqual(out.map((a) => a['kibana.alert.suppression.docs_count']), [1, 0])
})

test('missing fields: suppress groups them under null; doNotSuppress emits each', () => {
  const offers = [[0, null], [1, null], [2, 'alice']] as const
  const grouped = run({ groupBy: ['user.name'], durationMs: null, missingFieldsStrategy: 'suppress' }, offers)
  assert.deepEqual(grouped.map((a) => [a['kibana.alert.suppression.terms'], a['kibana.alert.suppression.docs_count']]),
    [[[{ field: 'user.name', value: null }], 1], [[{ field: 'user.name', value: 'alice' }], 0]])
  const each = run({ groupBy: ['user.name'], durationMs: null, missingFieldsStrategy: 'doNotSuppress' }, offers)
  assert.equal(each.length, 3)
  assert.equal(each[0]?.['kibana.alert.suppression.docs_count'], undefined)
})

test('sequences: suppressed matches drop their building blocks; the kept one keeps them', () => {
  const out: Alert[] = []
  const s = createSuppressor(RULE, { groupBy: ['host.name'], durationMs: null, missingFieldsStrategy: 'suppress' }, (a) => out.push(...a))
  s.offer([alertAt(0, 'a'), alertAt(0, 'b')], T0)
  s.offer([alertAt(5, 'c'), alertAt(5, 'd')], T0 + 5000)
  s.flush()
  assert.equal(out.length, 2)
  assert.equal(out[0]?.['kibana.alert.suppression.docs_count'], 1)
  assert.equal(out[1]?.['kibana.alert.suppression.docs_count'], undefined)
})

test('arrays must be identical in the same order to share a group', () => {
  const out: Alert[] = []
  const s = createSuppressor(RULE, { groupBy: ['process.args'], durationMs: null, missingFieldsStrategy: 'suppress' }, (a) => out.push(...a))
  const withArgs = (args: string[]): Alert => buildEventAlert(RULE, { event: { process: { args } } }, { severity: 'low', riskScore: 21, name: 'R', overrides: [] })
  s.offer([withArgs(['a', 'b'])], T0)
  s.offer([withArgs(['a', 'b'])], T0)
  s.offer([withArgs(['b', 'a'])], T0)
  s.flush()
  assert.deepEqual(out.map((a) => a['kibana.alert.suppression.docs_count']), [1, 0])
})

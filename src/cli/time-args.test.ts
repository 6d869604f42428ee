import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseDurationMs, parseTimeBound } from './time-args.js'

test('durations', () => {
  const cases: [string, number][] = [['0', 0], ['250ms', 250], ['30s', 30_000], ['5m', 300_000], ['2h', 7_200_000], ['1d', 86_400_000], ['1w', 604_800_000], ['1.5s', 1500]]
  for (const [text, ms] of cases) assert.equal(parseDurationMs(text, '--lateness'), ms, text)
  for (const bad of ['', '5', '-5m', '5 minutes', 'm', '5y']) assert.throws(() => parseDurationMs(bad, '--lateness'), /--lateness: expected a duration/, bad)
})

test('time bounds: ISO (UTC when no offset) and relative', () => {
  const now = Date.UTC(2026, 10, 29, 12, 0, 0)
  const cases: [string, number][] = [
    ['2026-11-03', Date.UTC(2026, 10, 3)],
    ['2026-11-03T10:15:00Z', Date.UTC(2026, 10, 3, 10, 15)],
    ['2026-11-03T10:15:00', Date.UTC(2026, 10, 3, 10, 15)],
    ['2026-11-03 10:15', Date.UTC(2026, 10, 3, 10, 15)],
    ['2026-11-03T12:15:00+02:00', Date.UTC(2026, 10, 3, 10, 15)],
    ['7d', now - 7 * 86_400_000],
    ['12h', now - 12 * 3_600_000],
  ]
  for (const [text, ms] of cases) assert.equal(parseTimeBound(text, '--from', now), ms, text)
  for (const bad of ['yesterday', '2026-13-45', 'x7d', '']) assert.throws(() => parseTimeBound(bad, '--from', now), /--from: /, bad)
})

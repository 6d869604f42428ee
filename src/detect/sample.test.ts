import { test } from 'node:test'
import assert from 'node:assert/strict'
import { runQuery, createRunner, restoreRunner } from './index.js'
import { sampleQuery, records, ids, joinKeys, tiny } from './testing.js'
import { pickSamples } from './sample.js'
import type { EventRecord, QueryResult } from './types.js'

const events = tiny([
  [1, null, 'a', { h: 'doom', os: 'win' }],
  [2, null, 'b', { h: 'doom', os: 'win' }],
  [3, null, 'a', { h: 'GTA' }],
  [4, null, 'b', { h: 'GTA' }],
  [5, null, 'a', { h: 'doom', os: 'win' }],
  [6, null, 'b', { h: 'farcry', os: 'mac' }],
  [7, null, 'b', { h: 'doom', os: 'win' }],
])

test('sample: keys present in every filter, in ascending key order (uppercase first, null first)', () => {
  const q = sampleQuery({ by: ['h', '?os'], stages: [{ cat: 'a' }, { cat: 'b' }] })
  const r = runQuery(q, records(events))
  assert.deepEqual(ids(r), [3, 4, 1, 2])
  assert.deepEqual(joinKeys(r), ['GTA', null, 'doom', 'win'])
})

test('sample: a null non-optional key drops the event', () => {
  const q = sampleQuery({ by: ['h', 'os'], stages: [{ cat: 'a' }, { cat: 'b' }] })
  assert.deepEqual(ids(runQuery(q, records(events))), [1, 2])
})

test('sample: max_samples_per_key and size', () => {
  const q = sampleQuery({ by: ['h'], stages: [{ cat: 'a' }, { cat: 'b' }] })
  assert.deepEqual(ids(runQuery(q, records(events), { maxSamplesPerKey: 3 })), [3, 4, 1, 2, 1, 7, 5, 2])
  assert.deepEqual(ids(runQuery(q, records(events), { maxSamplesPerKey: 3, size: 2 })), [3, 4, 1, 2])
  assert.deepEqual(ids(runQuery(q, records(events), { size: 0 })), [])
})

test('sample: one event cannot fill two filters of the same sample', () => {
  const q = sampleQuery({ by: ['h'], stages: [{ cat: 'a' }, { cat: 'a' }] })
  assert.deepEqual(ids(runQuery(q, records(events))), [1, 5])
})

test('sample: depth-first choice of distinct events', () => {
  const r = (n: number): EventRecord => ({ event: { id: n }, ordinal: n, timestampMs: null })
  const [d1, d2, d3, d4, d5] = [1, 2, 3, 4, 5].map(r)
  const pick = (h: EventRecord[][], n: number) => pickSamples(h, n).map((s) => s.map((x) => x.ordinal))
  assert.deepEqual(pick([[d1, d2, d3], [d4, d5], [d4, d5, d3]], 1), [[1, 4, 5]])
  assert.deepEqual(pick([[d1, d1], [d1], [d1, d3]], 1), [])
  assert.deepEqual(pick([[d1, d2], [d3]], 5), [[1, 3], [2, 3]])
})

test('sample: snapshot/restore keeps the collected events', () => {
  const q = sampleQuery({ by: ['h'], stages: [{ cat: 'a' }, { cat: 'b' }] })
  const expected = ids(runQuery(q, records(events)))
  const recs = records(events)
  for (let cut = 0; cut <= recs.length; cut++) {
    const out: QueryResult[] = []
    const a = createRunner(q, { onResult: (x) => out.push(x) })
    recs.slice(0, cut).forEach((x) => a.push(x))
    const b = restoreRunner(q, JSON.parse(JSON.stringify(a.snapshot())), { onResult: (x) => out.push(x) })
    recs.slice(cut).forEach((x) => b.push(x))
    b.end()
    assert.deepEqual(ids(out), expected)
  }
})

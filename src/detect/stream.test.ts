import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { createStreamDetector, restoreStreamDetector, runQuery } from './index.js'
import { sequenceQuery, records, ids, tiny, type TinyEvent } from './testing.js'
import type { QueryResult } from './types.js'

const q = sequenceQuery({ by: ['k'], maxspanMs: 10, stages: [{ cat: 'a' }, { cat: 'm', isMissing: true }, { cat: 'b' }, { cat: 'm', isMissing: true }] })

test('stream: unordered arrival within lateness gives the offline result', () => {
  const evs = tiny([[1, 0, 'a', { k: 1 }], [2, 3, 'b', { k: 1 }], [3, 2, 'm', { k: 1 }], [4, 5, 'a', { k: 2 }], [5, 6, 'b', { k: 2 }], [6, 30, 'a', { k: 3 }]])
  const out: QueryResult[] = []
  const d = createStreamDetector(q, { latenessMs: 5, onResult: (r) => out.push(r) })
  for (const r of records(evs)) d.push(r)
  // (1,3) has m@2 between its members; (4,5) is confirmed once the watermark passes 5 + 10.
  assert.deepEqual(ids(out), [4, -1, 5, -1])
  d.end()
  assert.deepEqual(ids(out), ids(runQuery(q, records(evs))))
})

test('property: stream snapshot/restore at any point (buffer included) changes nothing', () => {
  const evArb = fc.array(fc.record({ ts: fc.nat(40), cat: fc.constantFrom('a', 'b', 'm', 'x'), k: fc.constantFrom(1, 2) }), { maxLength: 30 })
  fc.assert(fc.property(evArb, fc.nat(30), fc.constantFrom(0, 3, 8, Infinity), (rows, c, latenessMs) => {
    const evs: TinyEvent[] = rows.map((r, id) => ({ id, ...r }))
    const recs = records(evs)
    const run = (cut: number | null): number[] => {
      const out: QueryResult[] = []
      const onResult = (r: QueryResult): void => { out.push(r) }
      let d = createStreamDetector(q, { latenessMs, onResult })
      recs.forEach((r, i) => {
        if (i === cut) d = restoreStreamDetector(q, JSON.parse(JSON.stringify(d.snapshot())), { latenessMs, onResult })
        d.push(r)
      })
      d.end()
      return ids(out)
    }
    assert.deepEqual(run(Math.min(c, recs.length)), run(null))
  }), { numRuns: 500 })
})

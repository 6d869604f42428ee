import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { createReorderBuffer } from './reorder.js'
import type { EventRecord } from './types.js'

const rec = (ordinal: number, ts: number | null, extra: Record<string, unknown> = {}): EventRecord =>
  ({ event: { id: ordinal, ...extra }, ordinal, timestampMs: ts })

function collect(opts: Partial<Parameters<typeof createReorderBuffer>[0]> = {}) {
  const out: number[] = []
  const marks: number[] = []
  const buf = createReorderBuffer({ ...opts, onRelease: (r) => out.push(r.ordinal), onWatermark: (ms) => marks.push(ms) })
  return { buf, out, marks }
}

test('reorder: out-of-order events within the lateness window come out sorted', () => {
  const { buf, out } = collect({ latenessMs: 10 })
  for (const [o, ts] of [[0, 5], [1, 3], [2, 8], [3, 4], [4, 30], [5, 25]] as const) buf.push(rec(o, ts))
  assert.deepEqual(out, [1, 3, 0, 2]) // released once the watermark (30 - 10 = 20) passed them
  buf.flush()
  assert.deepEqual(out, [1, 3, 0, 2, 5, 4])
  assert.equal(buf.stats().late, 0)
})

test('reorder: the watermark is announced and events before it are late', () => {
  const { buf, out, marks } = collect({ latenessMs: 5 })
  buf.push(rec(0, 0))
  buf.push(rec(1, 10)) // watermark 5: releases ts 0
  assert.deepEqual(marks, [5])
  buf.push(rec(2, 3)) // before the announced watermark: late, processed at once by default
  assert.deepEqual(out, [0, 2])
  assert.equal(buf.stats().late, 1)
})

test('reorder: drop policy discards late events', () => {
  const { buf, out } = collect({ latenessMs: 0, latePolicy: 'drop' })
  buf.push(rec(0, 10))
  buf.push(rec(1, 20))
  buf.push(rec(2, 5))
  buf.flush()
  assert.deepEqual(out, [0, 1])
  assert.deepEqual({ late: buf.stats().late, dropped: buf.stats().dropped }, { late: 1, dropped: 1 })
})

test('reorder: events without a timestamp are released on arrival', () => {
  const { buf, out } = collect({ latenessMs: 100 })
  buf.push(rec(0, 5))
  buf.push(rec(1, null))
  assert.deepEqual(out, [1])
  assert.equal(buf.stats().untimed, 1)
})

test('reorder: a full buffer force-releases its earliest event', () => {
  const { buf, out } = collect({ latenessMs: Infinity, maxBuffered: 2 })
  for (const [o, ts] of [[0, 5], [1, 3], [2, 8]] as const) buf.push(rec(o, ts))
  assert.deepEqual(out, [1])
  assert.equal(buf.stats().forced, 1)
  buf.push(rec(3, 1)) // before the force-released event: late
  assert.equal(buf.stats().late, 1)
})

test('reorder: equal timestamps order by tiebreaker (missing last), then input order', () => {
  const { buf, out } = collect({ latenessMs: Infinity, tiebreakerOf: (r) => (r.event.tb as number | undefined) ?? null })
  buf.push(rec(0, 1, { tb: 9 }))
  buf.push(rec(1, 1))
  buf.push(rec(2, 1, { tb: 2 }))
  buf.push(rec(3, 1))
  buf.push(rec(4, 0))
  buf.flush()
  assert.deepEqual(out, [4, 2, 0, 1, 3])
})

test('reorder: infinite lateness holds everything until flush', () => {
  const { buf, out } = collect({ latenessMs: Infinity })
  for (let i = 0; i < 5; i++) buf.push(rec(i, 100 - i))
  assert.deepEqual(out, [])
  buf.flush()
  assert.deepEqual(out, [4, 3, 2, 1, 0])
})

test('property: any arrival order within lateness releases exactly the sorted order', () => {
  fc.assert(fc.property(
    fc.array(fc.record({ ts: fc.nat(50), delay: fc.nat(10) }), { maxLength: 60 }),
    fc.integer({ min: 1, max: 1000 }),
    (rows, maxBuffered) => {
      const recs = rows.map((r, i) => rec(i, r.ts))
      const arrival = rows.map((r, i) => ({ i, at: r.ts + r.delay })).sort((a, b) => a.at - b.at || a.i - b.i)
      const { buf, out } = collect({ latenessMs: 10, maxBuffered: Math.max(maxBuffered, rows.length) })
      for (const a of arrival) buf.push(recs[a.i])
      buf.flush()
      const sorted = [...recs].sort((a, b) => (a.timestampMs as number) - (b.timestampMs as number) || a.ordinal - b.ordinal).map((r) => r.ordinal)
      assert.deepEqual(out, sorted)
      assert.equal(buf.stats().late, 0)
    },
  ), { numRuns: 500 })
})

test('reorder: observed time moves the watermark like a pushed event, without buffering anything', () => {
  const { buf, out, marks } = collect({ latenessMs: 10 })
  buf.push(rec(0, 5))
  buf.push(rec(1, 12))
  buf.observe(14) // watermark 4: nothing before it yet
  assert.deepEqual(out, [])
  buf.observe(null) // untimed: no effect
  buf.observe(3) // older than what was seen: no effect
  buf.observe(20) // watermark 10: releases ts 5
  assert.deepEqual(out, [0])
  assert.deepEqual(marks, [10])
  assert.equal(buf.stats().buffered, 1)
  buf.push(rec(2, 9)) // before the announced watermark: late
  assert.equal(buf.stats().late, 1)
  buf.flush()
  assert.deepEqual(out, [0, 2, 1])
})

import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import fc from 'fast-check'
import { sortEventRecords, type EventRecord } from '../detect/index.js'
import type { EcsEvent, Value } from '../eql/index.js'
import { createSpillSorter } from './spill.js'

const tiebreakerOf = (e: EcsEvent): Value => (e['seq'] as Value | undefined) ?? null

/** Records with colliding timestamps and tiebreakers, some without either, half of them carrying their text. */
const records = fc.array(fc.record({
  t: fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }),
  seq: fc.option(fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom('a', 'B', '😀')), { nil: undefined }),
  hasText: fc.boolean(),
}), { maxLength: 200 }).map((xs) => xs.map(({ t, seq, hasText }, ordinal): EventRecord => {
  const event: EcsEvent = { n: ordinal, ...(seq !== undefined ? { seq } : {}) }
  return { event, ordinal, timestampMs: t, source: { file: 'x.ndjson', line: ordinal + 1 }, ...(hasText ? { text: JSON.stringify(event) } : {}) }
}))

async function drain(budget: number, input: readonly EventRecord[], tmpDir: string): Promise<{ out: EventRecord[]; runs: number }> {
  const sorter = createSpillSorter({ budget, tiebreakerOf, tmpDir })
  try {
    for (const rec of input) if (sorter.add(rec)) await sorter.spill()
    const out: EventRecord[] = []
    for await (const rec of sorter.sorted()) out.push(rec)
    return { out, runs: sorter.runs }
  } finally {
    sorter.close()
  }
}

test('spilled runs merge into exactly the in-memory order, records intact', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'vigil-spill-test-'))
  try {
    await fc.assert(fc.asyncProperty(records, fc.constantFrom(1, 40, 300, 1 << 30), async (input, budget) => {
      const { out } = await drain(budget, input, tmp)
      const expected = sortEventRecords(input, tiebreakerOf)
      assert.deepEqual(out.map((r) => r.ordinal), expected.map((r) => r.ordinal))
      for (const r of out) {
        const original = input[r.ordinal]!
        assert.deepEqual(r.event, original.event)
        assert.equal(r.text, original.text)
        assert.equal(r.timestampMs, original.timestampMs)
        assert.deepEqual(r.source, original.source)
      }
    }), { numRuns: 150 })
    assert.deepEqual(readdirSync(tmp), [], 'every temporary directory is removed')
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
})

test('more runs than the merge fan-in are merged in passes; __proto__ stays plain data', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'vigil-spill-test-'))
  try {
    const input: EventRecord[] = Array.from({ length: 500 }, (_, i) => {
      const event = JSON.parse(`{"__proto__":{"polluted":${i}},"i":${i}}`) as EcsEvent
      return { event, ordinal: i, timestampMs: (i * 7919) % 97 }
    })
    const { out, runs } = await drain(1, input, tmp)
    assert.ok(runs > 500, `${runs} runs`)
    assert.deepEqual(out.map((r) => r.ordinal), sortEventRecords(input, null).map((r) => r.ordinal))
    assert.ok(Object.hasOwn(out[0]!.event, '__proto__'))
    assert.equal(({} as { polluted?: number }).polluted, undefined)
    assert.equal(existsSync(tmp) && readdirSync(tmp).length, 0)
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
})

test('stopping the merge early (a head pipe) closes every run file', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'vigil-spill-test-'))
  const fdCount = (): number => readdirSync('/proc/self/fd').length
  try {
    const before = fdCount()
    const sorter = createSpillSorter({ budget: 1, tmpDir: tmp })
    for (let i = 0; i < 50; i++) if (sorter.add({ event: { i }, ordinal: i, timestampMs: 50 - i })) await sorter.spill()
    for await (const rec of sorter.sorted()) {
      assert.equal(rec.ordinal, 49)
      break
    }
    sorter.close()
    // Descriptors close asynchronously: poll to a deadline (a leak never drops back).
    const deadline = Date.now() + 5000
    while (fdCount() > before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25))
    assert.equal(fdCount(), before)
    assert.deepEqual(readdirSync(tmp), [])
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
})

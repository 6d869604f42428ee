// Samples against a brute-force statement of ES's rules: for every join key present in all filters (keys
// in ascending order), take the first `filters + max_samples_per_key − 1` events of each filter, list
// every combination of distinct events (one per filter), and keep the first `max_samples_per_key`
// combinations in lexicographic order of their positions in those lists.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { runQuery } from './index.js'
import { sampleQuery, records, type TinyEvent } from './testing.js'
import type { QueryResult } from './types.js'

type K = string | number | boolean | null

const rank = (v: K): number => (v === null ? 0 : typeof v === 'boolean' ? 1 : typeof v === 'number' ? 2 : 3)
const cmp = (a: K, b: K): number => rank(a) - rank(b) || (a === b ? 0 : (a as never) < (b as never) ? -1 : 1)

function reference(events: readonly TinyEvent[], cats: readonly string[], optional: boolean, perKey: number): Array<{ key: K; ids: number[] }> {
  const keysOf = (e: TinyEvent): K[] => {
    const raw = e.k as unknown
    const vals = Array.isArray(raw) ? [...new Set(raw.filter((x) => x !== null))] : raw === undefined || raw === null ? [] : [raw]
    return (vals.length === 0 ? (optional ? [null] : []) : vals) as K[]
  }
  const cap = cats.length + perKey - 1
  const allKeys: K[] = []
  for (const e of events) for (const k of keysOf(e)) if (!allKeys.some((x) => x === k)) allKeys.push(k)
  allKeys.sort(cmp)
  const out: Array<{ key: K; ids: number[] }> = []
  for (const key of allKeys) {
    const lists = cats.map((c) => events.filter((e) => e.cat === c && keysOf(e).some((x) => x === key)).slice(0, cap))
    if (lists.some((l) => l.length === 0)) continue
    let combos: number[][] = [[]]
    for (const l of lists) combos = combos.flatMap((c) => l.map((_, i) => [...c, i]))
    const distinct = combos.filter((c) => new Set(c.map((i, s) => lists[s][i])).size === c.length)
    distinct.sort((a, b) => { for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i]; return 0 })
    for (const c of distinct.slice(0, perKey)) out.push({ key, ids: c.map((i, s) => lists[s][i].id) })
  }
  return out
}

test('property: samples agree with the brute-force ES reference', () => {
  const evArb = fc.array(fc.record({ cat: fc.constantFrom('a', 'b', 'c'), k: fc.constantFrom<unknown>('x', 'Y', 1, true, null, undefined, ['x', 1], [null]) }), { maxLength: 14 })
  fc.assert(fc.property(
    evArb, fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 3 }), fc.boolean(), fc.integer({ min: 1, max: 3 }),
    (rows, cats, optional, perKey) => {
      const events: TinyEvent[] = rows.map((r, id) => {
        const e: Record<string, unknown> = { id, ts: null, cat: r.cat }
        if (r.k !== undefined) e.k = r.k
        return e as unknown as TinyEvent
      })
      const q = sampleQuery({ by: [optional ? '?k' : 'k'], stages: cats.map((cat) => ({ cat })) })
      const actual = runQuery(q, records(events), { maxSamplesPerKey: perKey }).map((r: QueryResult) => {
        if (r.kind === 'event') throw new Error('unexpected')
        return { key: r.joinKeys[0] as K, ids: r.members.map((m) => (m!.event as TinyEvent).id) }
      })
      assert.deepEqual(actual, reference(events, cats, optional, perKey))
    },
  ), { numRuns: 2000 })
})

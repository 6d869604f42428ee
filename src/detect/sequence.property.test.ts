// Differential and invariance properties of the sequence engine over random small streams.
//
// The reference below is written from the ES rules, not from the engine: instead of keeping state as
// events stream by, it asks of each event "which partial did this event place into the next stage's
// slot?", looking *backwards* over the whole input:
//   - stage 0: the event itself (if it matches and has the key);
//   - stage i: take the latest earlier event x that placed a partial into slot i for this key; the slot
//     still holds it only if no event strictly between x and this one matched stage i for the key (that
//     event would have taken it, even to reject it) and no until event of the key lies in [x, this);
//     then maxspan (inclusive, from the first member) decides.
// Completed tuples are then judged for `![…]` stages with full knowledge of the input (ES's missing-event
// queries: middle = strictly between neighbours, leading/trailing = latest before / earliest after, vs
// maxspan). Results come in completing-event order, then the key order of that event.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { runQuery, createRunner, restoreRunner, createReorderBuffer } from './index.js'
import { sequenceQuery, records, type StageSpec, type TinyEvent } from './testing.js'
import type { QueryResult } from './types.js'

type Key = string
interface Spec {
  readonly stages: ReadonlyArray<{ cat: string; isMissing: boolean }>
  readonly keyMode: 'none' | 'k' | '?k' | 'k,?j'
  readonly maxspanMs: number | null
  readonly until: string | null
}

const CATS = ['a', 'b', 'c', 'm']

const specArb: fc.Arbitrary<Spec> = fc
  .record({
    positives: fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 3 }),
    missing: fc.array(fc.record({ at: fc.nat(3), cat: fc.constantFrom('m', 'a', 'c') }), { maxLength: 2 }),
    keyMode: fc.constantFrom('none' as const, 'k' as const, '?k' as const, 'k,?j' as const),
    maxspanMs: fc.constantFrom(null, 0, 1, 3, 6),
    until: fc.constantFrom(null, null, 'u', 'b'),
  })
  .map(({ positives, missing, keyMode, maxspanMs, until }) => {
    const stages: Array<{ cat: string; isMissing: boolean }> = positives.map((cat) => ({ cat, isMissing: false }))
    for (const m of missing) stages.splice(Math.min(m.at, stages.length), 0, { cat: m.cat, isMissing: true })
    // ES requires maxspan with a missing-event stage.
    const needsSpan = missing.length > 0 && maxspanMs === null
    return { stages, keyMode, maxspanMs: needsSpan ? 3 : maxspanMs, until }
  })

const keyValueArb = fc.constantFrom<unknown>(1, 2, null, undefined, [1, 2], [null], [2, 2, 1])

const eventsArb: fc.Arbitrary<TinyEvent[]> = fc
  .array(fc.record({ dt: fc.constantFrom(0, 0, 1, 1, 2, 4), cat: fc.constantFrom(...CATS, 'u'), k: keyValueArb, j: fc.constantFrom<unknown>('1', 1, undefined, ['1', 1]) }), { maxLength: 24 })
  .map((rows) => {
    let ts = 0
    return rows.map((r, id) => {
      ts += r.dt
      const e: Record<string, unknown> = { id, ts, cat: r.cat }
      if (r.k !== undefined) e.k = r.k
      if (r.j !== undefined) e.j = r.j
      return e as unknown as TinyEvent
    })
  })

function toQuery(spec: Spec) {
  const by = spec.keyMode === 'none' ? [] : spec.keyMode.split(',')
  return sequenceQuery({
    by,
    maxspanMs: spec.maxspanMs,
    stages: spec.stages.map((s): StageSpec => ({ cat: s.cat, isMissing: s.isMissing })),
    until: spec.until ? { cat: spec.until } : undefined,
  })
}

/** Distinct non-null values of a field, or [] (ES null / multi-value rules, written independently). */
function fieldValues(raw: unknown): unknown[] {
  return Array.isArray(raw) ? [...new Set(raw.filter((x) => x !== null))] : raw === undefined || raw === null ? [] : [raw]
}

/** The composite keys of an event under the spec, as JSON strings of the value tuples. */
function keysOf(spec: Spec, e: TinyEvent): Key[] {
  if (spec.keyMode === 'none') return ['[]']
  const fields = spec.keyMode.split(',')
  let tuples: unknown[][] = [[]]
  for (const f of fields) {
    const isOptional = f.startsWith('?')
    let values = fieldValues(e[isOptional ? f.slice(1) : f])
    if (values.length === 0) {
      if (!isOptional) return []
      values = [null]
    }
    tuples = tuples.flatMap((t) => values.map((v) => [...t, v]))
  }
  return tuples.map((t) => JSON.stringify(t))
}

interface RefResult { readonly ids: number[]; readonly key: Key }

function reference(spec: Spec, events: readonly TinyEvent[]): RefResult[] {
  const st = spec.stages
  const pos = st.map((s, i) => (s.isMissing ? -1 : i)).filter((i) => i >= 0)
  const span = spec.maxspanMs ?? Infinity
  const matches = (e: TinyEvent, cat: string): boolean => e.cat === cat && e.ts !== null
  const hasKey = (e: TinyEvent, k: Key): boolean => keysOf(spec, e).some((x) => x === k)
  const memo = new Map<string, number[] | null>()

  // placed(p, j, k): the tuple (event indexes of positive stages 0..p) event j put into the next slot.
  const placed = (p: number, j: number, k: Key): number[] | null => {
    const id = `${p}:${j}:${String(k)}`
    if (memo.has(id)) return memo.get(id)!
    let out: number[] | null = null
    const e = events[j]
    if (matches(e, st[pos[p]].cat) && hasKey(e, k)) {
      if (p === 0) out = [j]
      else {
        let x = -1
        for (let i = j - 1; i >= 0; i--) if (placed(p - 1, i, k) !== null) { x = i; break }
        if (x >= 0) {
          let isTaken = false
          for (let y = x + 1; y < j && !isTaken; y++) if (matches(events[y], st[pos[p]].cat) && hasKey(events[y], k)) isTaken = true
          let isKilled = false
          if (spec.until) for (let u = x; u < j && !isKilled; u++) if (matches(events[u], spec.until) && hasKey(events[u], k)) isKilled = true
          const t = placed(p - 1, x, k)!
          if (!isTaken && !isKilled && (events[j].ts as number) - (events[t[0]].ts as number) <= span) out = [...t, j]
        }
      }
    }
    memo.set(id, out)
    return out
  }

  const ts = (i: number): number => events[i].ts as number
  const missingHit = (stageIdx: number, k: Key, inRange: (t: number) => boolean): number[] =>
    events.filter((e) => matches(e, st[stageIdx].cat) && hasKey(e, k) && inRange(e.ts as number)).map((e) => e.ts as number)

  const accept = (t: number[], k: Key): boolean => {
    const first = ts(t[0])
    const last = ts(t[t.length - 1])
    let lastLeading: number | null = null
    let firstTrailing: number | null = null
    for (let s = 0; s < st.length; s++) {
      if (!st[s].isMissing) continue
      if (s < pos[0]) {
        for (const h of missingHit(s, k, (x) => x < first)) if (lastLeading === null || h > lastLeading) lastLeading = h
      } else if (s > pos[pos.length - 1]) {
        for (const h of missingHit(s, k, (x) => x > last)) if (firstTrailing === null || h < firstTrailing) firstTrailing = h
      } else {
        const before = pos.filter((p) => p < s).length - 1
        const lo = ts(t[before])
        const hi = ts(t[before + 1])
        if (missingHit(s, k, (x) => x > lo && x < hi).length > 0) return false
      }
    }
    const leadingStage = st[0].isMissing
    const trailingStage = st[st.length - 1].isMissing
    const bigger = (from: number | null, to: number | null): boolean => from === null || to === null || to - from > span
    return (firstTrailing === null && lastLeading === null)
      || (lastLeading === null && leadingStage)
      || (firstTrailing === null && trailingStage)
      || (leadingStage && trailingStage && bigger(lastLeading, firstTrailing))
      || (leadingStage && !trailingStage && bigger(lastLeading, last))
      || (!leadingStage && trailingStage && bigger(first, firstTrailing))
  }

  const out: RefResult[] = []
  const lastP = pos.length - 1
  for (let j = 0; j < events.length; j++) {
    for (const k of keysOf(spec, events[j])) {
      const t = placed(lastP, j, k)
      if (t === null || !accept(t, k)) continue
      const ids: number[] = st.map(() => -1)
      pos.forEach((p, i) => { ids[p] = (events[t[i]] as TinyEvent).id })
      out.push({ ids, key: k })
    }
  }
  return out
}

function flat(results: readonly QueryResult[]): RefResult[] {
  return results.map((r) => {
    if (r.kind === 'event') throw new Error('unexpected event result')
    return { ids: r.members.map((m) => (m === null ? -1 : (m.event as TinyEvent).id)), key: JSON.stringify(r.joinKeys) }
  })
}

test('property: the engine agrees with the brute-force ES reference', () => {
  fc.assert(
    fc.property(specArb, eventsArb, (spec, events) => {
      const actual = flat(runQuery(toQuery(spec), records(events)))
      assert.deepEqual(actual, reference(spec, events))
    }),
    { numRuns: Number(process.env.PROP_RUNS ?? 3000) },
  )
})

/** Runs with optional snapshot/restore after `cut` events; streaming input (no sort). */
function stream(spec: Spec, events: readonly TinyEvent[], cut: number | null): RefResult[] {
  const q = toQuery(spec)
  const out: QueryResult[] = []
  const onResult = (r: QueryResult): void => { out.push(r) }
  let runner = createRunner(q, { onResult })
  records(events).forEach((rec, i) => {
    if (i === cut) runner = restoreRunner(q, JSON.parse(JSON.stringify(runner.snapshot())), { onResult })
    runner.push(rec)
  })
  if (cut === events.length) runner = restoreRunner(q, JSON.parse(JSON.stringify(runner.snapshot())), { onResult })
  runner.end()
  return flat(out)
}

test('property: results are identical after a snapshot/restore at any point', () => {
  fc.assert(
    fc.property(specArb, eventsArb, fc.nat(30), (spec, events, c) => {
      const cut = Math.min(c, events.length)
      assert.deepEqual(stream(spec, events, cut), stream(spec, events, null))
    }),
    { numRuns: 1000 },
  )
})

test('property: shuffled arrival through the reorder buffer gives the same results', () => {
  const shuffled = eventsArb.chain((events) =>
    fc.tuple(fc.constant(events), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: events.length, maxLength: events.length })))
  fc.assert(
    fc.property(specArb, shuffled, fc.constantFrom(4, Infinity), (spec, [events, jitter], latenessMs) => {
      // Each event arrives up to 3 ms of its own time late (within the lateness window), in that order.
      const recs = records(events)
      const arrival = recs.map((r, i) => ({ r, at: (r.timestampMs as number) + jitter[i], i }))
      arrival.sort((a, b) => a.at - b.at || a.i - b.i)
      const q = toQuery(spec)
      const out: QueryResult[] = []
      const runner = createRunner(q, { onResult: (r) => out.push(r) })
      const buffer = createReorderBuffer({ latenessMs, onRelease: (r) => runner.push(r), onWatermark: (ms) => runner.advanceTo(ms) })
      for (const a of arrival) buffer.push(a.r)
      buffer.flush()
      runner.end()
      assert.equal(buffer.stats().late, 0)
      assert.deepEqual(flat(out), reference(spec, events))
    }),
    { numRuns: 1000 },
  )
})

test('property: advancing time between events never changes the results', () => {
  fc.assert(
    fc.property(specArb, eventsArb, (spec, events) => {
      const q = toQuery(spec)
      const out: QueryResult[] = []
      const runner = createRunner(q, { onResult: (r) => out.push(r) })
      for (const rec of records(events)) {
        runner.advanceTo(rec.timestampMs as number)
        runner.push(rec)
      }
      runner.end()
      assert.deepEqual(flat(out), reference(spec, events))
    }),
    { numRuns: 500 },
  )
})

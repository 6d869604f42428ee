// Samples (`sample by k [q1] [q2] …`), as Elasticsearch's SampleIterator computes them: the join keys
// present in every filter, in ascending key order (null first, as composite aggregations with a missing
// bucket sort); for each key, the first `stages + max_samples_per_key − 1` events of each filter in event
// order; then up to `max_samples_per_key` combinations of distinct events, one per filter, picked by
// depth-first search. Samples need the whole input, so they are emitted at end().
import type { CompiledQuery } from '../eql/index.js'
import type { Scalar } from '../eql/index.js'
import type { EventRecord } from './types.js'
import { compileKeys, createKeyMap, joinKeyOf, type KeyFunction } from './keys.js'
import { compareScalars } from './order.js'
import type { Emit, Engine, EngineStats } from './engine.js'
import type { RecordReader, RecordWriter } from './snapshot-codec.js'

type SampleQuery = Extract<CompiledQuery, { kind: 'sample' }>

export interface SampleSnapshot {
  readonly kind: 'sample'
  /** Number of filters: the state only fits a sample with the same count. */
  readonly stages: number
  /** Per key: its values and, per stage, the kept events. */
  readonly keys: ReadonlyArray<{ readonly k: readonly Scalar[]; readonly h: ReadonlyArray<readonly number[]> }>
  readonly stats: EngineStats
}

interface KeyHits {
  readonly values: readonly Scalar[]
  readonly hits: EventRecord[][]
}

export function createSampleEngine(
  q: SampleQuery,
  emit: Emit,
  maxSamplesPerKey: number,
  restore?: { snap: SampleSnapshot; reader: RecordReader },
  retain: (rec: EventRecord) => EventRecord = (rec) => rec,
): Engine {
  const stages = q.stages
  const n = stages.length
  const perKey = Math.max(1, Math.floor(maxSamplesPerKey))
  const cap = n + perKey - 1
  const keyFns: KeyFunction[] = stages.map((s) => compileKeys(s.keys))
  const byKey = createKeyMap<KeyHits>()
  const stats: EngineStats = { events: 0, untimed: 0, late: 0, partials: 0, expired: 0 }
  let ended = false

  if (restore) {
    if (restore.snap.stages !== n) throw new Error(`snapshot is for a sample with ${String(restore.snap.stages)} filters, not ${n}`)
    for (const k of restore.snap.keys) {
      byKey.set(joinKeyOf(k.k), { values: k.k, hits: k.h.map((l) => l.map((i) => restore.reader.rec(i))) })
    }
    Object.assign(stats, restore.snap.stats)
  }

  const push = (rec: EventRecord): void => {
    stats.events++
    const ev = rec.event
    // One retained copy per event, so the distinct-event test of pickSamples holds across filters.
    let kept: EventRecord | undefined
    for (let i = 0; i < n; i++) {
      if (!stages[i].match(ev)) continue
      for (const key of keyFns[i](ev)) {
        let kh = byKey.get(key)
        if (kh === undefined) {
          kh = { values: key.values, hits: Array.from({ length: n }, () => []) }
          byKey.set(key, kh)
        }
        const list = kh.hits[i]
        if (list.length < cap) list.push(kept ??= retain(rec))
      }
    }
  }

  const end = (): void => {
    if (ended) return
    ended = true
    const complete: KeyHits[] = []
    for (const kh of byKey.values()) if (kh.hits.every((l) => l.length > 0)) complete.push(kh)
    complete.sort((a, b) => compareKeys(a.values, b.values))
    for (const kh of complete) {
      for (const members of pickSamples(kh.hits, perKey)) emit({ kind: 'sample', joinKeys: kh.values, members })
    }
  }

  return {
    push,
    advanceTo: () => {},
    end,
    stats: () => ({ ...stats, pending: byKey.size }),
    snapshot: (w: RecordWriter): SampleSnapshot => ({
      kind: 'sample',
      stages: n,
      keys: [...byKey.values()].map((kh) => ({ k: kh.values, h: kh.hits.map((l) => l.map((r) => w.ref(r))) })),
      stats: { ...stats },
    }),
  }
}

function compareKeys(a: readonly Scalar[], b: readonly Scalar[]): number {
  for (let i = 0; i < a.length && i < b.length; i++) {
    const c = compareScalars(a[i], b[i])
    if (c !== 0) return c
  }
  return a.length - b.length
}

/** Depth-first choice of distinct events, one per stage, in hit order; at most `limit` combinations. */
export function pickSamples(hits: readonly (readonly EventRecord[])[], limit: number): EventRecord[][] {
  const out: EventRecord[][] = []
  const partial: EventRecord[] = []
  const visit = (stage: number): boolean => {
    for (const rec of hits[stage]) {
      if (partial.includes(rec)) continue
      partial.push(rec)
      if (stage === hits.length - 1) out.push([...partial])
      else if (visit(stage + 1)) return true
      partial.pop()
      if (out.length >= limit) return true
    }
    return false
  }
  visit(0)
  return out
}

// A bounded reorder buffer with a watermark: events arrive in any order (several files, hosts, senders)
// and leave in (timestamp, tiebreaker, input ordinal) order, as Elasticsearch sorts them.
//
// watermark = max timestamp seen − latenessMs. Buffered events strictly before the watermark are
// released and the watermark is announced (onWatermark → Runner.advanceTo); an event that arrives
// before the announced watermark, or ordered before an event already released, is *late*:
//   - 'process' (default): released at once, out of order, and counted — sequences it would have
//     completed may be missed or mis-ordered;
//   - 'drop': counted and discarded.
// Events without a timestamp have no place in time order: they are released on arrival (events
// queries still see them; sequences ignore them).
// At most `maxBuffered` events wait; past that the earliest is force-released (counted), which moves
// the effective watermark forward — memory stays bounded whatever the input.
//
// Sorted input pays almost nothing: an event not earlier than the newest buffered one is appended to a
// sorted run (O(1)); only out-of-order events go through a binary heap.
import type { Scalar, Value } from '../eql/index.js'
import type { EventRecord } from './types.js'
import { compareOrdered, heapPop, heapPush, tiebreakerScalar, type OrderedRecord } from './order.js'
import { createRecordReader, createRecordWriter, type RecordJson } from './snapshot-codec.js'

export interface ReorderOptions {
  /** Allowed lateness in ms (default 5000). `Infinity` holds everything until end(): a full sort. */
  readonly latenessMs?: number
  readonly maxBuffered?: number
  readonly latePolicy?: 'process' | 'drop'
  /** The tiebreaker field's value of an event (CompiledQuery.time.tiebreaker), if one is configured. */
  readonly tiebreakerOf?: ((rec: EventRecord) => Value) | null
  /** Receives events in order. */
  readonly onRelease: (rec: EventRecord) => void
  /** Called after releases with the new watermark (ms), so the runner can expire state by time. */
  readonly onWatermark?: (ms: number) => void
  /** State from `snapshot()` to continue from. */
  readonly restore?: ReorderSnapshot
}

export interface ReorderStats {
  readonly buffered: number
  readonly released: number
  readonly late: number
  readonly dropped: number
  readonly forced: number
  readonly untimed: number
}

export interface ReorderBuffer {
  push(rec: EventRecord): void
  /**
   * Time seen on an event that needs no ordering (and is not buffered): the watermark moves on as if it had
   * been pushed, so buffered events are released, and state expires, on the stream's time.
   */
  observe(ms: number | null): void
  /** Releases every buffered event (end of input). */
  flush(): void
  readonly watermarkMs: number
  stats(): ReorderStats
  /** Buffered events and watermark state as plain JSON (restore with `restore` in the options). */
  snapshot(): ReorderSnapshot
}

export interface ReorderSnapshot {
  readonly v: 1
  readonly records: readonly RecordJson[]
  readonly maxSeenMs: number | null
  readonly announcedMs: number | null
  /** Index into `records` of the last released event (kept for ordering late arrivals), or -1. */
  readonly last: number
  readonly lastTiebreaker: Scalar
  readonly counters: Omit<ReorderStats, 'buffered'>
}

export const DEFAULT_LATENESS_MS = 5000
export const DEFAULT_MAX_BUFFERED = 1_000_000

export function createReorderBuffer(opts: ReorderOptions): ReorderBuffer {
  const lateness = opts.latenessMs ?? DEFAULT_LATENESS_MS
  const maxBuffered = opts.maxBuffered ?? DEFAULT_MAX_BUFFERED
  const dropLate = opts.latePolicy === 'drop'
  const tiebreakerOf = opts.tiebreakerOf ?? null
  const onRelease = opts.onRelease
  const onWatermark = opts.onWatermark

  // Sorted run (deque) for in-order arrivals, heap for the rest; the next event out is the smaller head.
  let run: OrderedRecord[] = []
  let runHead = 0
  const heap: OrderedRecord[] = []
  let maxSeen = -Infinity
  let lastReleased: OrderedRecord | null = null
  // The watermark announced to the runner: events before it are late even if nothing at their
  // place in the order was released, because the runner may already have expired state up to it.
  let announced = -Infinity
  let released = 0, late = 0, dropped = 0, forced = 0, untimed = 0

  const size = (): number => run.length - runHead + heap.length

  if (opts.restore) {
    const snap = opts.restore
    if (snap.v !== 1) throw new Error(`unsupported reorder snapshot version ${String(snap.v)}`)
    const reader = createRecordReader(snap.records)
    const buffered: OrderedRecord[] = []
    snap.records.forEach((_, i) => {
      if (i === snap.last) return
      const record = reader.rec(i)
      buffered.push({ record, tiebreaker: tiebreakerOf ? tiebreakerScalar(tiebreakerOf(record)) : null })
    })
    run = buffered.sort(compareOrdered)
    maxSeen = snap.maxSeenMs ?? -Infinity
    announced = snap.announcedMs ?? -Infinity
    lastReleased = snap.last >= 0 ? { record: reader.rec(snap.last), tiebreaker: snap.lastTiebreaker } : null
    ;({ released, late, dropped, forced, untimed } = snap.counters)
  }

  const peek = (): OrderedRecord | undefined => {
    const a = runHead < run.length ? run[runHead] : undefined
    const b = heap.length > 0 ? heap[0] : undefined
    if (a === undefined) return b
    if (b === undefined) return a
    return compareOrdered(a, b) <= 0 ? a : b
  }

  const pop = (): OrderedRecord => {
    const a = runHead < run.length ? run[runHead] : undefined
    const b = heap.length > 0 ? heap[0] : undefined
    if (a !== undefined && (b === undefined || compareOrdered(a, b) <= 0)) {
      run[runHead++] = undefined as unknown as OrderedRecord
      if (runHead === run.length) { run = []; runHead = 0 }
      else if (runHead > 4096 && runHead * 2 > run.length) { run = run.slice(runHead); runHead = 0 }
      return a
    }
    return heapPop(heap)
  }

  const release = (o: OrderedRecord): void => {
    lastReleased = o
    released++
    onRelease(o.record)
  }

  const drain = (): void => {
    const watermark = maxSeen - lateness
    let any = false
    for (let o = peek(); o !== undefined && (o.record.timestampMs as number) < watermark; o = peek()) {
      release(pop())
      any = true
    }
    let mark = watermark
    while (size() > maxBuffered) {
      const o = pop()
      release(o)
      forced++
      any = true
      if ((o.record.timestampMs as number) > mark) mark = o.record.timestampMs as number
    }
    if (any && Number.isFinite(mark) && mark > announced) {
      announced = mark
      onWatermark?.(mark)
    }
  }

  return {
    push: (rec) => {
      const ts = rec.timestampMs
      if (ts === null || !Number.isFinite(ts)) { untimed++; released++; onRelease(rec); return }
      const o: OrderedRecord = { record: rec, tiebreaker: tiebreakerOf ? tiebreakerScalar(tiebreakerOf(rec)) : null as Scalar }
      if (ts < announced || (lastReleased !== null && compareOrdered(o, lastReleased) < 0)) {
        late++
        if (dropLate) { dropped++; return }
        released++
        onRelease(rec)
        return
      }
      const tail = run.length > runHead ? run[run.length - 1] : undefined
      if (tail === undefined ? heap.length === 0 || compareOrdered(o, heap[0]) >= 0 : compareOrdered(o, tail) >= 0) run.push(o)
      else heapPush(heap, o)
      if (ts > maxSeen) maxSeen = ts
      drain()
    },
    observe: (ms) => {
      if (ms === null || !Number.isFinite(ms) || ms <= maxSeen) return
      maxSeen = ms
      drain()
    },
    flush: () => {
      while (size() > 0) release(pop())
      if (Number.isFinite(maxSeen) && maxSeen > announced) {
        announced = maxSeen
        onWatermark?.(maxSeen)
      }
    },
    get watermarkMs() { return maxSeen - lateness },
    stats: () => ({ buffered: size(), released, late, dropped, forced, untimed }),
    snapshot: () => {
      const w = createRecordWriter()
      const items = [...run.slice(runHead), ...heap]
      for (const o of items) w.ref(o.record)
      const last = lastReleased ? w.ref(lastReleased.record) : -1
      const finite = (x: number): number | null => (Number.isFinite(x) ? x : null)
      return {
        v: 1, records: w.records, maxSeenMs: finite(maxSeen), announcedMs: finite(announced), last,
        lastTiebreaker: lastReleased ? lastReleased.tiebreaker : null,
        counters: { released, late, dropped, forced, untimed },
      }
    },
  }
}

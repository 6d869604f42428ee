// Completed sequences that end in `![…]` stages wait here until time shows no trailing event came.
// Results leave in completion order (= order of their last event, as ES sorts them), so a result
// confirmed early waits behind an earlier one still undecided; the wait is bounded by maxspan.
import type { QueryResult } from './types.js'
import type { Emit } from './engine.js'
import type { RecordReader, RecordWriter, ResultJson } from './snapshot-codec.js'
import { createKeyMap, joinKeyOf, type JoinKey } from './keys.js'
import type { Scalar } from '../eql/index.js'

interface Candidate {
  readonly key: JoinKey
  readonly result: QueryResult
  readonly lastTs: number
  /** Latest timestamp at which a trailing event still rejects this candidate. */
  readonly deadline: number
  state: 'waiting' | 'accepted' | 'rejected'
}

export type TrailingSnapshot = ReadonlyArray<{ readonly k: readonly Scalar[]; readonly r: ResultJson; readonly l: number; readonly d: number | null; readonly s: Candidate['state'] }>

export interface TrailingQueue {
  enqueue(key: JoinKey, result: QueryResult, lastTs: number, deadline: number): void
  /** A trailing-stage event of this key at `ts`. */
  reject(key: JoinKey, ts: number): void
  /** Every event from now on is at or after `ms`: candidates whose window closed before it are accepted. */
  resolveBefore(ms: number): void
  resolveAll(): void
  /** Emits decided candidates from the front of the queue. */
  flush(): void
  readonly size: number
  snapshot(w: RecordWriter): TrailingSnapshot
  restore(snap: TrailingSnapshot, reader: RecordReader): void
}

export function createTrailingQueue(emit: Emit): TrailingQueue {
  let queue: Candidate[] = []
  let head = 0
  const byKey = createKeyMap<Candidate[]>()
  // Deadlines are not monotone in queue order, so time-based acceptance happens lazily: a waiting
  // candidate whose deadline is before `nowMs` counts as accepted when it reaches the front.
  let nowMs = -Infinity

  const add = (c: Candidate): void => {
    queue.push(c)
    let list = byKey.get(c.key)
    if (list === undefined) { list = []; byKey.set(c.key, list) }
    list.push(c)
  }

  return {
    enqueue: (key, result, lastTs, deadline) => {
      add({ key, result, lastTs, deadline, state: deadline <= lastTs ? 'accepted' : 'waiting' })
    },
    reject: (key, ts) => {
      const list = byKey.get(key)
      if (list === undefined) return
      for (const c of list) {
        // ES: the first trailing event strictly after the last member decides; within the window it rejects.
        if (c.state === 'waiting' && ts > c.lastTs && ts <= c.deadline) c.state = 'rejected'
      }
    },
    resolveBefore: (ms) => { if (ms > nowMs) nowMs = ms },
    resolveAll: () => { nowMs = Infinity },
    flush: () => {
      while (head < queue.length) {
        const c = queue[head]
        if (c.state === 'waiting') {
          if (c.deadline < nowMs || nowMs === Infinity) c.state = 'accepted'
          else break
        }
        head++
        const list = byKey.get(c.key)!
        list.shift()
        if (list.length === 0) byKey.delete(c.key)
        if (c.state === 'accepted') emit(c.result)
      }
      if (head > 1024 && head * 2 > queue.length) { queue = queue.slice(head); head = 0 }
    },
    get size() { return queue.length - head },
    snapshot: (w) => queue.slice(head).map((c) => ({ k: c.key.values, r: w.result(c.result), l: c.lastTs, d: Number.isFinite(c.deadline) ? c.deadline : null, s: c.state })),
    restore: (snap, reader) => {
      for (const c of snap) add({ key: joinKeyOf(c.k), result: reader.result(c.r), lastTs: c.l, deadline: c.d ?? (c.s === 'waiting' ? Infinity : -Infinity), state: c.s })
    },
  }
}

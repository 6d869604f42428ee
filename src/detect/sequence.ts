// The keyed sequence state machine, as Elasticsearch EQL runs it (SequenceMatcher / TumblingWindow):
// per join key, one slot per stage holding at most one pending partial (newer overwrites older);
// stages tried last to first; maxspan inclusive; `until` drops the key's pending partials; missing-event
// stages `![…]` are checked around the positive events exactly as ES's missing-event phase does.
import type { CompiledQuery } from '../eql/compiled.js'
import type { Scalar } from '../eql/value.js'
import type { EventRecord } from './types.js'
import { compileKeys, compositeId, type JoinKey, type KeyFunction } from './keys.js'
import type { Emit, Engine, EngineStats } from './engine.js'
import type { RecordReader, RecordWriter } from './snapshot-codec.js'
import { createTrailingQueue, type TrailingQueue, type TrailingSnapshot } from './sequence-trailing.js'

type SequenceQuery = Extract<CompiledQuery, { kind: 'sequence' }>

/** A partial sequence waiting for stage `waitStage`. Only the member records are kept. */
export interface PartialSequence {
  readonly key: JoinKey
  /** One entry per stage; null for missing-event stages and stages not reached yet. */
  readonly members: (EventRecord | null)[]
  readonly firstTs: number
  lastTs: number
  waitStage: number
  /** Timestamp of the first missing-stage event seen after `lastTs` in the current gap (NaN: none). */
  gapHitTs: number
  /** A middle `![…]` stage matched between two positive members: ES discards it once complete. */
  isDoomed: boolean
  /** Latest leading `![…]` event before the first member (NaN: none). */
  readonly lastLeadingTs: number
}

interface KeyState {
  readonly slots: (PartialSequence | undefined)[]
  pending: number
}

/** Latest leading missing-stage event of a key, and the latest one at an earlier timestamp. */
interface LeadingMark { readonly values: readonly Scalar[]; latest: number; previous: number }

export interface SequenceSnapshot {
  readonly kind: 'sequence'
  readonly partials: readonly PartialJson[]
  readonly leading: ReadonlyArray<readonly [readonly Scalar[], number, number | null]>
  readonly trailing: TrailingSnapshot
  readonly nowMs: number | null
  readonly stats: EngineStats
}

export interface PartialJson {
  readonly k: readonly Scalar[]
  readonly w: number
  readonly m: readonly number[]
  readonly f: number
  readonly l: number
  readonly g: number | null
  readonly d: boolean
  readonly L: number | null
}

const nanToNull = (x: number): number | null => (Number.isNaN(x) ? null : x)
const nullToNan = (x: number | null | undefined): number => (x === null || x === undefined ? NaN : x)

export function createSequenceEngine(
  q: SequenceQuery,
  emit: Emit,
  restore?: { snap: SequenceSnapshot; reader: RecordReader },
): Engine {
  const stages = q.stages
  const n = stages.length
  const maxspan = q.maxspanMs ?? Infinity
  const keyFns: KeyFunction[] = stages.map((s) => compileKeys(s.keys))
  const untilKeys = q.until ? compileKeys(q.until.keys) : null
  const untilMatch = q.until ? q.until.match : null

  const positives: number[] = []
  for (let i = 0; i < n; i++) if (!stages[i].isMissing) positives.push(i)
  if (positives.length === 0) throw new Error('a sequence needs at least one positive stage')
  const firstPos = positives[0]
  const lastPos = positives[positives.length - 1]
  const nextPos: number[] = new Array(n).fill(-1)
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (!stages[j].isMissing) { nextPos[i] = j; break }
  const hasGapBefore: boolean[] = stages.map((s, i) => !s.isMissing && i > firstPos && i - 1 >= 0 && stages[i - 1].isMissing)
  const positivesDesc = [...positives].reverse()
  const leadingStages: number[] = []
  const middleStages: number[] = []
  const trailingStages: number[] = []
  for (let i = 0; i < n; i++) {
    if (!stages[i].isMissing) continue
    if (i < firstPos) leadingStages.push(i)
    else if (i > lastPos) trailingStages.push(i)
    else middleStages.push(i)
  }
  const hasLeading = leadingStages.length > 0
  const hasTrailing = trailingStages.length > 0

  const keyStates = new Map<string, KeyState>()
  // Partials in creation order = first-timestamp order, so expiry pops from the front (lazy deletion:
  // an entry whose partial was overwritten, advanced to completion or dropped is skipped).
  let fifo: PartialSequence[] = []
  let fifoHead = 0
  const leading = new Map<string, LeadingMark>()
  let leadingFifo: Array<{ id: string; ts: number }> = []
  let leadingHead = 0
  let nowMs = -Infinity
  let pending = 0
  const stats: EngineStats = { events: 0, untimed: 0, late: 0, partials: 0, expired: 0 }

  const trailing: TrailingQueue | null = hasTrailing ? createTrailingQueue(emit) : null

  const stateOf = (key: JoinKey): KeyState => {
    let ks = keyStates.get(key.id)
    if (ks === undefined) {
      ks = { slots: new Array(n).fill(undefined), pending: 0 }
      keyStates.set(key.id, ks)
    }
    return ks
  }

  const place = (ks: KeyState, p: PartialSequence, stage: number): void => {
    const old = ks.slots[stage]
    if (old === undefined) { ks.pending++; pending++ }
    ks.slots[stage] = p
    p.waitStage = stage
  }

  const take = (ks: KeyState, keyId: string, stage: number): PartialSequence | undefined => {
    const p = ks.slots[stage]
    if (p === undefined) return undefined
    ks.slots[stage] = undefined
    ks.pending--
    pending--
    if (ks.pending === 0) keyStates.delete(keyId)
    return p
  }

  const complete = (p: PartialSequence): void => {
    if (p.isDoomed) return
    const result = { kind: 'sequence' as const, joinKeys: p.key.values, members: p.members }
    if (hasLeading && !Number.isNaN(p.lastLeadingTs) && !hasTrailing) {
      // ES: accepted only when the latest leading event is more than maxspan before the last member.
      if (!(p.lastTs - p.lastLeadingTs > maxspan)) return
    }
    if (trailing === null) {
      emit(result)
      return
    }
    if (hasLeading && Number.isNaN(p.lastLeadingTs)) {
      trailing.enqueue(p.key.id, result, p.lastTs, -Infinity)
      return
    }
    // A trailing event rejects the sequence when it lies after the last member and within maxspan of the
    // first member (or, with a leading stage too, of the latest leading event).
    const deadline = (hasLeading ? p.lastLeadingTs : p.firstTs) + maxspan
    trailing.enqueue(p.key.id, result, p.lastTs, deadline)
  }

  const lastLeadingBefore = (keyId: string, ts: number): number => {
    const mark = leading.get(keyId)
    if (mark === undefined) return NaN
    return mark.latest < ts ? mark.latest : mark.previous
  }

  const start = (rec: EventRecord, ts: number, key: JoinKey): void => {
    const members: (EventRecord | null)[] = new Array(n).fill(null)
    members[firstPos] = rec
    const p: PartialSequence = {
      key, members, firstTs: ts, lastTs: ts, waitStage: firstPos,
      gapHitTs: NaN, isDoomed: false,
      lastLeadingTs: hasLeading ? lastLeadingBefore(key.id, ts) : NaN,
    }
    stats.partials++
    if (firstPos === lastPos) { complete(p); return }
    place(stateOf(key), p, nextPos[firstPos])
    fifo.push(p)
  }

  const advance = (rec: EventRecord, ts: number, stage: number, key: JoinKey): void => {
    const ks = keyStates.get(key.id)
    if (ks === undefined) return
    const p = take(ks, key.id, stage)
    if (p === undefined) return
    // maxspan is inclusive: ES rejects only when the span exceeds it.
    if (ts - p.firstTs > maxspan) { stats.expired++; return }
    if (hasGapBefore[stage] && p.gapHitTs < ts) p.isDoomed = true
    p.members[stage] = rec
    p.lastTs = ts
    p.gapHitTs = NaN
    if (stage === lastPos) { complete(p); return }
    place(ks.pending === 0 ? stateOf(key) : ks, p, nextPos[stage])
  }

  const expire = (now: number): void => {
    const limit = now - maxspan
    while (fifoHead < fifo.length && fifo[fifoHead].firstTs < limit) {
      const p = fifo[fifoHead++]
      const ks = keyStates.get(p.key.id)
      if (ks !== undefined && ks.slots[p.waitStage] === p) { take(ks, p.key.id, p.waitStage); stats.expired++ }
    }
    if (fifoHead > 1024 && fifoHead * 2 > fifo.length) { fifo = fifo.slice(fifoHead); fifoHead = 0 }
    while (leadingHead < leadingFifo.length && leadingFifo[leadingHead].ts < limit) {
      const { id, ts } = leadingFifo[leadingHead++]
      const mark = leading.get(id)
      if (mark !== undefined && mark.latest === ts) leading.delete(id)
    }
    if (leadingHead > 1024 && leadingHead * 2 > leadingFifo.length) { leadingFifo = leadingFifo.slice(leadingHead); leadingHead = 0 }
  }

  const advanceTime = (ms: number): void => {
    if (!(ms > nowMs)) return
    nowMs = ms
    if (maxspan !== Infinity) expire(ms)
    trailing?.resolveBefore(ms)
  }

  const markMissing = (stage: number, ts: number, keys: readonly JoinKey[]): void => {
    if (stage < firstPos) {
      for (const key of keys) {
        const mark = leading.get(key.id)
        if (mark === undefined) leading.set(key.id, { values: key.values, latest: ts, previous: NaN })
        else if (mark.latest !== ts) { mark.previous = mark.latest; mark.latest = ts }
        leadingFifo.push({ id: key.id, ts })
      }
    } else if (stage > lastPos) {
      for (const key of keys) trailing!.reject(key.id, ts)
    } else {
      const waiting = nextPos[stage]
      for (const key of keys) {
        const p = keyStates.get(key.id)?.slots[waiting]
        // ES looks for missing events strictly between the neighbouring positive members.
        if (p !== undefined && Number.isNaN(p.gapHitTs) && ts > p.lastTs) p.gapHitTs = ts
      }
    }
  }

  const push = (rec: EventRecord): void => {
    stats.events++
    const ts = rec.timestampMs
    // A sequence orders and spans by time; an event without a timestamp cannot take part.
    if (ts === null || !Number.isFinite(ts)) { stats.untimed++; return }
    if (ts < nowMs) stats.late++
    advanceTime(ts)
    const ev = rec.event
    for (const i of positivesDesc) {
      if (!stages[i].match(ev)) continue
      const keys = keyFns[i](ev)
      if (i === firstPos) for (const key of keys) start(rec, ts, key)
      else for (const key of keys) advance(rec, ts, i, key)
    }
    for (const i of leadingStages) if (stages[i].match(ev)) markMissing(i, ts, keyFns[i](ev))
    for (const i of middleStages) if (stages[i].match(ev)) markMissing(i, ts, keyFns[i](ev))
    for (const i of trailingStages) if (stages[i].match(ev)) markMissing(i, ts, keyFns[i](ev))
    // `until` (ES): a partial is rejected when an until event lies at or after its last member and
    // before the next candidate, so every pending partial of the key is dead from now on. The event
    // itself may already have completed a sequence above: the completing event wins.
    if (untilMatch !== null && untilMatch(ev)) {
      for (const key of untilKeys!(ev)) {
        const ks = keyStates.get(key.id)
        if (ks === undefined) continue
        for (let s = 0; s < n; s++) if (ks.slots[s] !== undefined) take(ks, key.id, s)
      }
    }
    trailing?.flush()
  }

  if (restore) {
    const { snap, reader } = restore
    for (const pj of snap.partials) {
      const key: JoinKey = { values: pj.k, id: compositeId(pj.k) }
      const p: PartialSequence = {
        key, members: pj.m.map((i) => (i < 0 ? null : reader.rec(i))), firstTs: pj.f, lastTs: pj.l,
        waitStage: pj.w, gapHitTs: nullToNan(pj.g), isDoomed: pj.d, lastLeadingTs: nullToNan(pj.L),
      }
      place(stateOf(key), p, pj.w)
      fifo.push(p)
    }
    for (const [values, latest, previous] of snap.leading) {
      const id = compositeId(values)
      leading.set(id, { values, latest, previous: nullToNan(previous) })
      leadingFifo.push({ id, ts: latest })
    }
    leadingFifo.sort((a, b) => a.ts - b.ts)
    trailing?.restore(snap.trailing, reader)
    nowMs = snap.nowMs ?? -Infinity
    trailing?.resolveBefore(nowMs)
    Object.assign(stats, snap.stats)
  }

  return {
    push,
    advanceTo: (ms) => { advanceTime(ms); trailing?.flush() },
    end: () => { trailing?.resolveAll(); trailing?.flush() },
    stats: () => ({ ...stats, pending: pending + (trailing?.size ?? 0) }),
    snapshot: (w: RecordWriter): SequenceSnapshot => {
      const partials: PartialJson[] = []
      for (let i = fifoHead; i < fifo.length; i++) {
        const p = fifo[i]
        if (keyStates.get(p.key.id)?.slots[p.waitStage] !== p) continue
        partials.push({
          k: p.key.values, w: p.waitStage, m: p.members.map((m) => (m === null ? -1 : w.ref(m))),
          f: p.firstTs, l: p.lastTs, g: nanToNull(p.gapHitTs), d: p.isDoomed, L: nanToNull(p.lastLeadingTs),
        })
      }
      const leadingJson: Array<readonly [readonly Scalar[], number, number | null]> = []
      for (const mark of leading.values()) leadingJson.push([mark.values, mark.latest, nanToNull(mark.previous)])
      return {
        kind: 'sequence', partials, leading: leadingJson,
        trailing: trailing ? trailing.snapshot(w) : [],
        nowMs: Number.isFinite(nowMs) ? nowMs : null, stats: { ...stats },
      }
    },
  }
}

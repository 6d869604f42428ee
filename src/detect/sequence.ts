// The keyed sequence state machine, as Elasticsearch EQL runs it (SequenceMatcher / TumblingWindow):
// per join key, one slot per stage holding at most one pending partial (newer overwrites older);
// stages tried last to first; maxspan inclusive; `until` drops the key's pending partials; missing-event
// stages `![…]` are checked around the positive events exactly as ES's missing-event phase does.
import type { CompiledQuery } from '../eql/index.js'
import type { Scalar } from '../eql/index.js'
import type { EventRecord } from './types.js'
import { compileKeys, createKeyMap, joinKeyOf, type JoinKey, type KeyFunction } from './keys.js'
import type { Emit, Engine, EngineStats } from './engine.js'
import type { RecordReader, RecordWriter } from './snapshot-codec.js'
import { createTrailingQueue, type TrailingQueue, type TrailingSnapshot } from './sequence-trailing.js'

type SequenceQuery = Extract<CompiledQuery, { kind: 'sequence' }>

/**
 * A partial sequence waiting for stage `waitStage` of its key's slots. Only the member records are
 * kept; the missing-event bookkeeping exists only for queries with `![…]` stages.
 */
export interface PartialSequence {
  readonly ks: KeyState
  /** One entry per stage; null for missing-event stages and stages not reached yet. */
  readonly members: (EventRecord | null)[]
  readonly firstTs: number
  lastTs: number
  waitStage: number
  readonly missing: MissingMarks | null
}

interface MissingMarks {
  /** Timestamp of the first missing-stage event seen after `lastTs` in the current gap (NaN: none). */
  gapHitTs: number
  /** A middle `![…]` stage matched between two positive members: ES discards the sequence once complete. */
  isDoomed: boolean
  /** Latest leading `![…]` event before the first member (NaN: none). */
  readonly lastLeadingTs: number
}

/**
 * Per join key: one slot per stage (slot i holds the partial waiting for stage i). It carries its key's
 * id itself (it is its own KeyMap key) and, except for a plain string key (the id is the value), the
 * key's values — a million pending keys cost no JoinKey objects.
 */
interface KeyState {
  readonly id: string
  readonly isPlain: boolean
  readonly values: readonly Scalar[] | null
  readonly slots: (PartialSequence | undefined)[]
  pending: number
}

const keyValues = (ks: KeyState): readonly Scalar[] => ks.values ?? [ks.id]
const keyOfState = (ks: KeyState): JoinKey => ({ values: keyValues(ks), id: ks.id, isPlain: ks.isPlain })

/** Latest leading missing-stage event of a key, and the latest one at an earlier timestamp. */
interface LeadingMark { readonly key: JoinKey; latest: number; previous: number }

export interface SequenceSnapshot {
  readonly kind: 'sequence'
  /** Stage count (with `runs` expanded) and which stages are `![…]`: the state only fits the same shape. */
  readonly shape: string
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
  retain: (rec: EventRecord) => EventRecord = (rec) => rec,
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

  const hasMissing = hasLeading || hasTrailing || middleStages.length > 0
  const keyStates = createKeyMap<KeyState>()
  // With a maxspan, partials are also queued in creation order = first-timestamp order, so expiry pops
  // from the front (lazy deletion: an entry whose partial was overwritten, completed or dropped is
  // skipped). Without a maxspan nothing expires and there is no queue.
  const hasExpiry = maxspan !== Infinity
  let fifo: PartialSequence[] = []
  let fifoHead = 0
  const leading = createKeyMap<LeadingMark>()
  let leadingFifo: Array<{ key: JoinKey; ts: number }> = []
  let leadingHead = 0
  let nowMs = -Infinity
  let pending = 0
  const stats: EngineStats = { events: 0, untimed: 0, late: 0, partials: 0, expired: 0 }

  const trailing: TrailingQueue | null = hasTrailing ? createTrailingQueue(emit) : null

  const stateOf = (key: JoinKey): KeyState => {
    let ks = keyStates.get(key)
    if (ks === undefined) {
      ks = { id: key.id, isPlain: key.isPlain, values: key.isPlain ? null : key.values, slots: new Array(n).fill(undefined), pending: 0 }
      keyStates.set(ks, ks)
    }
    return ks
  }

  /** Puts `p` into a slot of its key, overwriting (dropping) the partial that waited there. */
  const place = (p: PartialSequence, stage: number): void => {
    const ks = p.ks
    if (ks.slots[stage] === undefined) { ks.pending++; pending++ }
    ks.slots[stage] = p
    p.waitStage = stage
  }

  /** Empties a slot; the key's state goes once no slot is used. */
  const clear = (ks: KeyState, stage: number): void => {
    if (ks.slots[stage] === undefined) return
    ks.slots[stage] = undefined
    ks.pending--
    pending--
    if (ks.pending === 0) keyStates.delete(ks)
  }

  // A key's state leaves the map only when its last slot empties, so slot identity is enough.
  const isAlive = (p: PartialSequence): boolean => p.ks.slots[p.waitStage] === p

  const complete = (p: PartialSequence): void => {
    const result = { kind: 'sequence' as const, joinKeys: keyValues(p.ks), members: p.members }
    const m = p.missing
    if (m === null) { emit(result); return }
    if (m.isDoomed) return
    if (hasLeading && !hasTrailing && !Number.isNaN(m.lastLeadingTs)) {
      // ES: accepted only when the latest leading event is more than maxspan before the last member.
      if (!(p.lastTs - m.lastLeadingTs > maxspan)) return
    }
    if (trailing === null) { emit(result); return }
    // ES accepts at once when a leading stage exists and found nothing. Otherwise a trailing event
    // rejects the sequence when it lies after the last member and within maxspan of the first member
    // (or, with a leading stage too, of the latest leading event).
    const deadline = hasLeading
      ? (Number.isNaN(m.lastLeadingTs) ? -Infinity : m.lastLeadingTs + maxspan)
      : p.firstTs + maxspan
    trailing.enqueue(keyOfState(p.ks), result, p.lastTs, deadline)
  }

  const lastLeadingBefore = (key: JoinKey, ts: number): number => {
    const mark = leading.get(key)
    if (mark === undefined) return NaN
    return mark.latest < ts ? mark.latest : mark.previous
  }

  const start = (rec: EventRecord, ts: number, key: JoinKey): void => {
    const members: (EventRecord | null)[] = new Array(n).fill(null)
    members[firstPos] = rec
    const missing: MissingMarks | null = hasMissing
      ? { gapHitTs: NaN, isDoomed: false, lastLeadingTs: hasLeading ? lastLeadingBefore(key, ts) : NaN }
      : null
    stats.partials++
    if (firstPos === lastPos) {
      complete({ ks: { id: key.id, isPlain: key.isPlain, values: key.values, slots: [], pending: 0 }, members, firstTs: ts, lastTs: ts, waitStage: firstPos, missing })
      return
    }
    const p: PartialSequence = { ks: stateOf(key), members, firstTs: ts, lastTs: ts, waitStage: firstPos, missing }
    place(p, nextPos[firstPos])
    if (hasExpiry) fifo.push(p)
  }

  const advance = (rec: EventRecord, ts: number, stage: number, key: JoinKey): void => {
    const ks = keyStates.get(key)
    if (ks === undefined) return
    const p = ks.slots[stage]
    if (p === undefined) return
    // maxspan is inclusive: ES rejects only when the span exceeds it. Either way the slot is emptied.
    if (ts - p.firstTs > maxspan) { clear(ks, stage); stats.expired++; return }
    const m = p.missing
    if (m !== null) {
      if (hasGapBefore[stage] && m.gapHitTs < ts) m.isDoomed = true
      m.gapHitTs = NaN
    }
    p.members[stage] = rec
    p.lastTs = ts
    if (stage === lastPos) { clear(ks, stage); complete(p); return }
    // Move to the next slot first (the key's state must not be dropped in between).
    place(p, nextPos[stage])
    clear(ks, stage)
  }

  const expire = (now: number): void => {
    const limit = now - maxspan
    while (fifoHead < fifo.length && fifo[fifoHead].firstTs < limit) {
      const p = fifo[fifoHead++]
      if (isAlive(p)) { clear(p.ks, p.waitStage); stats.expired++ }
    }
    if (fifoHead > 1024 && fifoHead * 2 > fifo.length) { fifo = fifo.slice(fifoHead); fifoHead = 0 }
    while (leadingHead < leadingFifo.length && leadingFifo[leadingHead].ts < limit) {
      const { key, ts } = leadingFifo[leadingHead++]
      const mark = leading.get(key)
      if (mark !== undefined && mark.latest === ts) leading.delete(key)
    }
    if (leadingHead > 1024 && leadingHead * 2 > leadingFifo.length) { leadingFifo = leadingFifo.slice(leadingHead); leadingHead = 0 }
  }

  const advanceTime = (ms: number): void => {
    if (!(ms > nowMs)) return
    nowMs = ms
    if (hasExpiry) expire(ms)
    trailing?.resolveBefore(ms)
  }

  const markMissing = (stage: number, ts: number, keys: readonly JoinKey[]): void => {
    if (stage < firstPos) {
      for (const key of keys) {
        const mark = leading.get(key)
        if (mark === undefined) leading.set(key, { key, latest: ts, previous: NaN })
        else if (mark.latest !== ts) { mark.previous = mark.latest; mark.latest = ts }
        if (hasExpiry) leadingFifo.push({ key, ts })
      }
    } else if (stage > lastPos) {
      for (const key of keys) trailing!.reject(key, ts)
    } else {
      const waiting = nextPos[stage]
      for (const key of keys) {
        const p = keyStates.get(key)?.slots[waiting]
        // ES looks for missing events strictly between the neighbouring positive members.
        if (p?.missing && Number.isNaN(p.missing.gapHitTs) && ts > p.lastTs) p.missing.gapHitTs = ts
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
    // What partials keep of this event (retained once, however many partials it joins).
    let kept: EventRecord | undefined
    for (const i of positivesDesc) {
      if (!stages[i].match(ev)) continue
      const keys = keyFns[i](ev)
      if (keys.length === 0) continue
      kept ??= retain(rec)
      if (i === firstPos) for (const key of keys) start(kept, ts, key)
      else for (const key of keys) advance(kept, ts, i, key)
    }
    if (hasMissing) {
      for (const i of leadingStages) if (stages[i].match(ev)) markMissing(i, ts, keyFns[i](ev))
      for (const i of middleStages) if (stages[i].match(ev)) markMissing(i, ts, keyFns[i](ev))
      for (const i of trailingStages) if (stages[i].match(ev)) markMissing(i, ts, keyFns[i](ev))
    }
    // `until` (ES): a partial is rejected when an until event lies at or after its last member and
    // before the next candidate, so every pending partial of the key is dead from now on. The event
    // itself may already have completed a sequence above: the completing event wins.
    if (untilMatch !== null && untilMatch(ev)) {
      for (const key of untilKeys!(ev)) {
        const ks = keyStates.get(key)
        if (ks === undefined) continue
        for (let s = 0; s < n && ks.pending > 0; s++) clear(ks, s)
      }
    }
    trailing?.flush()
  }

  const shape = stages.map((st) => (st.isMissing ? '!' : '+')).join('') + (q.until ? 'u' : '')
  if (restore) {
    const { snap, reader } = restore
    if (snap.shape !== shape) throw new Error(`snapshot is for a sequence shaped ${String(snap.shape)}, not ${shape}`)
    // Partials are rebuilt in first-timestamp order, which is the expiry order.
    const partials = [...snap.partials].sort((a, b) => a.f - b.f)
    for (const pj of partials) {
      const missing: MissingMarks | null = hasMissing ? { gapHitTs: nullToNan(pj.g), isDoomed: pj.d, lastLeadingTs: nullToNan(pj.L) } : null
      const p: PartialSequence = {
        ks: stateOf(joinKeyOf(pj.k)), members: pj.m.map((i) => (i < 0 ? null : reader.rec(i))),
        firstTs: pj.f, lastTs: pj.l, waitStage: pj.w, missing,
      }
      place(p, pj.w)
      if (hasExpiry) fifo.push(p)
    }
    for (const [values, latest, previous] of snap.leading) {
      const key = joinKeyOf(values)
      leading.set(key, { key, latest, previous: nullToNan(previous) })
      if (hasExpiry) leadingFifo.push({ key, ts: latest })
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
      for (const ks of keyStates.values()) {
        for (const p of ks.slots) {
          if (p === undefined) continue
          const m = p.missing
          partials.push({
            k: keyValues(ks), w: p.waitStage, m: p.members.map((x) => (x === null ? -1 : w.ref(x))), f: p.firstTs, l: p.lastTs,
            g: m ? nanToNull(m.gapHitTs) : null, d: m ? m.isDoomed : false, L: m ? nanToNull(m.lastLeadingTs) : null,
          })
        }
      }
      const leadingJson: Array<readonly [readonly Scalar[], number, number | null]> = []
      for (const mark of leading.values()) leadingJson.push([mark.key.values, mark.latest, nanToNull(mark.previous)])
      return {
        kind: 'sequence', shape, partials, leading: leadingJson,
        trailing: trailing ? trailing.snapshot(w) : [],
        nowMs: Number.isFinite(nowMs) ? nowMs : null, stats: { ...stats },
      }
    },
  }
}

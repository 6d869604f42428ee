// The runner: one compiled query over a stream of events already in (timestamp, tiebreaker, input) order.
// Results are handed to `onResult` as soon as they are final; head pipes and `size` stop it early.
import type { CompiledQuery, EcsEvent } from '../eql/index.js'
import type { EventRecord, QueryResult } from './types.js'
import type { Engine, EngineStats } from './engine.js'
import { createEventQueryEngine, type EventQuerySnapshot } from './event-query.js'
import { createSequenceEngine, type SequenceSnapshot } from './sequence.js'
import { createSampleEngine, type SampleSnapshot } from './sample.js'
import { createPipeline, type PipelineSnapshot } from './pipes.js'
import { createRecordReader, createRecordWriter, type RecordJson } from './snapshot-codec.js'

export interface RunnerOptions {
  readonly onResult: (r: QueryResult) => void
  /** Elasticsearch `max_samples_per_key` (samples only); default 1. */
  readonly maxSamplesPerKey?: number
  /** Elasticsearch `size`: at most this many results (after the pipes); default unlimited. */
  readonly size?: number
  /**
   * What a pending partial (or sample) keeps of each member event; default: the record as pushed.
   * A service short of memory can keep a reference (`source`, `ordinal`, `timestampMs`) and re-read the
   * event when a result is emitted. Result members are the retained records.
   */
  readonly retain?: (rec: EventRecord) => EventRecord
}

export interface RunnerStats extends EngineStats {
  /** Pending partial sequences (plus sequences waiting on a trailing `![…]` window), or sample keys. */
  readonly pending: number
  readonly results: number
  /** Events pushed after the result limit was reached (ignored). */
  readonly ignored: number
}

export interface Runner {
  /** Feeds the next event; events must arrive in order (see createReorderBuffer). */
  push(rec: EventRecord): void
  /** Declares that no event before `ms` will come (watermark): expires partials, confirms trailing `![…]`. */
  advanceTo(ms: number): void
  /** End of input: emits what waited for it (samples, tail pipes, trailing missing events). */
  end(): void
  /** True once no further result can be produced (head/size reached, or ended). */
  readonly isDone: boolean
  stats(): RunnerStats
  /** The full matching state as plain JSON, including the member events it holds. */
  snapshot(): RunnerSnapshot
}

export interface RunnerSnapshot {
  readonly v: 1
  readonly kind: CompiledQuery['kind']
  readonly records: readonly RecordJson[]
  readonly engine: EventQuerySnapshot | SequenceSnapshot | SampleSnapshot
  readonly pipeline: PipelineSnapshot
  readonly results: number
  readonly ignored: number
  readonly ended: boolean
}

/**
 * Whether an event matches some stage of the query (or its `until`): only such an event can change a
 * runner's state or results, so only these need to reach it (in order).
 */
export function stageTest(q: CompiledQuery): (event: EcsEvent) => boolean {
  if (q.kind === 'event') return q.match
  const matchers = (q.kind === 'sequence' && q.until ? [...q.stages, q.until] : q.stages).map((st) => st.match)
  return (event) => {
    for (const m of matchers) if (m(event)) return true
    return false
  }
}

/** Creates a runner for a compiled event, sequence or sample query. */
export function createRunner(q: CompiledQuery, opts: RunnerOptions): Runner {
  return build(q, opts, undefined)
}

/** Recreates a runner from `snapshot()` output; it then behaves exactly as the original would have. */
export function restoreRunner(q: CompiledQuery, snap: RunnerSnapshot, opts: RunnerOptions): Runner {
  if (snap === null || typeof snap !== 'object' || snap.v !== 1) throw new Error(`unsupported runner snapshot version ${String((snap as { v?: unknown } | null)?.v)}`)
  if (snap.kind !== q.kind) throw new Error(`snapshot is for a ${snap.kind} query, not a ${q.kind} query`)
  return build(q, opts, snap)
}

function build(q: CompiledQuery, opts: RunnerOptions, snap: RunnerSnapshot | undefined): Runner {
  const reader = snap ? createRecordReader(snap.records) : undefined
  let results = snap?.results ?? 0
  let ignored = snap?.ignored ?? 0
  let ended = snap?.ended ?? false
  const pipeline = createPipeline(q.pipes, opts.size, (r) => { results++; opts.onResult(r) },
    snap && reader ? { snap: snap.pipeline, reader } : undefined)
  // Cached so the per-event path does not ask the pipeline: set once no further result can pass.
  let isFull = pipeline.isDone
  const emit = (r: QueryResult): void => { if (!pipeline.push(r)) isFull = true }

  let engine: Engine
  switch (q.kind) {
    case 'event':
      engine = createEventQueryEngine(q, emit, snap ? { snap: snap.engine as EventQuerySnapshot } : undefined)
      break
    case 'sequence':
      engine = createSequenceEngine(q, emit, snap && reader ? { snap: snap.engine as SequenceSnapshot, reader } : undefined, opts.retain)
      break
    case 'sample':
      engine = createSampleEngine(q, emit, opts.maxSamplesPerKey ?? 1, snap && reader ? { snap: snap.engine as SampleSnapshot, reader } : undefined, opts.retain)
      break
    default:
      throw new Error(`unknown query kind ${(q as { kind: string }).kind}`)
  }

  return {
    push: (rec) => {
      if (ended || isFull) { ignored++; return }
      engine.push(rec)
    },
    advanceTo: (ms) => { if (!ended && !isFull) engine.advanceTo(ms) },
    end: () => {
      if (ended) return
      if (!isFull) engine.end()
      pipeline.end()
      ended = true
    },
    get isDone() { return ended || isFull },
    stats: () => ({ ...engine.stats(), results, ignored }),
    snapshot: () => {
      const w = createRecordWriter()
      const engineSnap = engine.snapshot(w) as RunnerSnapshot['engine']
      const pipelineSnap = pipeline.snapshot(w)
      return { v: 1, kind: q.kind, records: w.records, engine: engineSnap, pipeline: pipelineSnap, results, ignored, ended }
    },
  }
}

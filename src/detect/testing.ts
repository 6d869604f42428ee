// Test support (not shipped logic): hand-written compiled queries over tiny plain events, so the engine
// is tested without the EQL front end. Events look like `{ id, ts, cat, k, … }`.
import type { CompiledKey, CompiledPipe, CompiledQuery, CompiledStage } from '../eql/index.js'
import type { EcsEvent, Value } from '../eql/index.js'
import type { EventRecord, QueryResult } from './types.js'

export interface TinyEvent { readonly id: number; readonly ts: number | null; readonly cat: string; readonly [k: string]: unknown }

export interface StageSpec {
  readonly cat: string
  /** Extra condition over the tiny event. */
  readonly where?: (e: TinyEvent) => boolean
  /** Key fields (after the top-level ones); a leading `?` marks an optional key. */
  readonly by?: readonly string[]
  readonly isMissing?: boolean
}

export function key(field: string): CompiledKey {
  const isOptional = field.startsWith('?')
  const name = isOptional ? field.slice(1) : field
  return { eval: (e: EcsEvent) => (e[name] === undefined ? null : (e[name] as Value)), isOptional, text: field }
}

export function stage(spec: StageSpec, topBy: readonly string[] = []): CompiledStage {
  const where = spec.where
  return {
    match: (e) => e.cat === spec.cat && (where === undefined || where(e as TinyEvent)),
    keys: [...topBy, ...(spec.by ?? [])].map(key),
    isMissing: spec.isMissing ?? false,
    span: { start: 0, end: 0 },
  }
}

const time = { timestampMs: (e: EcsEvent) => (typeof e.ts === 'number' ? e.ts : null), tiebreaker: null }

export function sequenceQuery(spec: {
  by?: readonly string[]
  maxspanMs?: number | null
  stages: readonly StageSpec[]
  until?: StageSpec
  pipes?: readonly CompiledPipe[]
}): CompiledQuery {
  const top = spec.by ?? []
  return {
    kind: 'sequence',
    stages: spec.stages.map((s) => stage(s, top)),
    until: spec.until ? stage(spec.until, top) : null,
    maxspanMs: spec.maxspanMs ?? null,
    pipes: spec.pipes ?? [],
    time,
  }
}

export function sampleQuery(spec: { by?: readonly string[]; stages: readonly StageSpec[]; pipes?: readonly CompiledPipe[] }): CompiledQuery {
  const top = spec.by ?? []
  return { kind: 'sample', stages: spec.stages.map((s) => stage(s, top)), pipes: spec.pipes ?? [], time }
}

export function eventQuery(cat: string, pipes: readonly CompiledPipe[] = []): CompiledQuery {
  return { kind: 'event', match: (e) => e.cat === cat, pipes, time }
}

/** Records in the given order, ordinals = position. */
export function records(events: readonly TinyEvent[]): EventRecord[] {
  return events.map((event, ordinal) => ({ event, ordinal, timestampMs: event.ts }))
}

/** Flattened ids, -1 for a missing-event placeholder — the conformance suites' notation. */
export function ids(results: readonly QueryResult[]): number[] {
  const out: number[] = []
  for (const r of results) {
    if (r.kind === 'event') out.push((r.record.event as TinyEvent).id)
    else for (const m of r.members) out.push(m === null ? -1 : (m.event as TinyEvent).id)
  }
  return out
}

export function joinKeys(results: readonly QueryResult[]): unknown[] {
  return results.flatMap((r) => (r.kind === 'event' ? [] : [...r.joinKeys]))
}

/** Builds tiny events from a compact list: [id, ts, cat, extra?]. */
export function tiny(rows: ReadonlyArray<readonly [number, number | null, string, Record<string, unknown>?]>): TinyEvent[] {
  return rows.map(([id, ts, cat, extra]) => ({ id, ts, cat, ...(extra ?? {}) }))
}

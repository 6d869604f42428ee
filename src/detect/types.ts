// Contracts of the detection engine: events in (already in time order), results out.
import type { EcsEvent, Value } from '../eql/index.js'
import type { SourceRef } from '../ingest/index.js'

/** An event as the engine sees it: the ECS document plus its position in the input. */
export interface EventRecord {
  readonly event: EcsEvent
  /** Input order across all files of a run; the final tiebreaker. */
  readonly ordinal: number
  /** Epoch ms of the timestamp field, or null when the event has none (event queries still run). */
  readonly timestampMs: number | null
  readonly source?: SourceRef
  /** The original JSON text when the event was read as one line and passed through untouched. */
  readonly text?: string
}

export type QueryResult =
  | { readonly kind: 'event'; readonly record: EventRecord }
  | {
      readonly kind: 'sequence' | 'sample'
      /** The composite join key, top-level keys first (null allowed only for `?optional` keys). */
      readonly joinKeys: readonly Value[]
      /** One entry per stage in stage order; null marks a missing-event stage (`![ … ]`). */
      readonly members: readonly (EventRecord | null)[]
    }

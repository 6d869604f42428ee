// What the compiler hands to the detection engine: closures only, no AST walking per event.
// The detection engine (src/detect) depends on these shapes and nothing else from the EQL front end.
import type { Span } from './ast.js'
import type { Eval, Matcher, Value, EcsEvent } from './value.js'

/** One join-key expression of a stage: `host.id`, or `?user.name` (null kept as a valid key). */
export interface CompiledKey {
  readonly eval: Eval
  readonly isOptional: boolean
  /** The expression as written, for result labels and error messages. */
  readonly text: string
  /** The mapping type of a field key (`date`, `ip`, …), so results can render it as Elasticsearch does. */
  readonly esType?: string
}

/** A sequence or sample stage: event category + condition, and the full key list (top-level keys first). */
export interface CompiledStage {
  /** Category test AND condition, as one closure. */
  readonly match: Matcher
  readonly keys: readonly CompiledKey[]
  /** `![ … ]` missing-event stage. */
  readonly isMissing: boolean
  readonly span: Span
}

export interface CompiledPipe { readonly kind: 'head' | 'tail'; readonly count: number }

export type CompiledQuery =
  | { readonly kind: 'event'; readonly match: Matcher; readonly pipes: readonly CompiledPipe[]; readonly time: EventTime }
  | {
      readonly kind: 'sequence'
      /** `with runs=N` already expanded into N consecutive stages. */
      readonly stages: readonly CompiledStage[]
      readonly until: CompiledStage | null
      readonly maxspanMs: number | null
      readonly pipes: readonly CompiledPipe[]
      readonly time: EventTime
    }
  | {
      readonly kind: 'sample'
      readonly stages: readonly CompiledStage[]
      readonly pipes: readonly CompiledPipe[]
      readonly time: EventTime
    }

/** How events are ordered: (timestamp, tiebreaker, input ordinal). */
export interface EventTime {
  /** Epoch milliseconds of the timestamp field (`@timestamp` by default), or null when absent/unparseable. */
  readonly timestampMs: (event: EcsEvent) => number | null
  /** The tiebreaker field's value (e.g. `serial_event_id`), or null when no tiebreaker is configured. */
  readonly tiebreaker: ((event: EcsEvent) => Value) | null
}

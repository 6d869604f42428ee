// What every query-kind engine (event, sequence, sample) offers the runner.
import type { QueryResult, EventRecord } from './types.js'
import type { RecordWriter } from './snapshot-codec.js'

export type Emit = (r: QueryResult) => void

export interface EngineStats {
  /** Events pushed. */
  events: number
  /** Events without a usable timestamp (they cannot take part in a sequence). */
  untimed: number
  /** Events older than one already processed (out of order despite the reorder buffer). */
  late: number
  /** Partial sequences started. */
  partials: number
  /** Partial sequences dropped because maxspan passed. */
  expired: number
}

export interface Engine {
  push(rec: EventRecord): void
  /** No event older than `ms` will come: expire state and confirm what waited on time. */
  advanceTo(ms: number): void
  /** Input is over: confirm everything still waiting. */
  end(): void
  stats(): EngineStats & { readonly pending: number }
  snapshot(w: RecordWriter): unknown
}

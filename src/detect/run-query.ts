// Offline convenience: all events are known up front, so ordering is a plain sort (the reorder buffer
// with infinite lateness would produce the same order), then one runner pass.
import type { CompiledQuery, EcsEvent, Value } from '../eql/index.js'
import type { EventRecord, QueryResult } from './types.js'
import { compareOrdered, tiebreakerScalar, type OrderedRecord } from './order.js'
import { createRunner } from './runner.js'

export interface RunQueryOptions {
  readonly size?: number
  readonly maxSamplesPerKey?: number
}

/** Sorts records into Elasticsearch order and runs the query over them; returns the results in order. */
export function runQuery(q: CompiledQuery, records: readonly EventRecord[], opts: RunQueryOptions = {}): QueryResult[] {
  const results: QueryResult[] = []
  const runner = createRunner(q, { onResult: (r) => results.push(r), size: opts.size, maxSamplesPerKey: opts.maxSamplesPerKey })
  for (const rec of sortEventRecords(records, q.time.tiebreaker)) {
    runner.push(rec)
    if (runner.isDone) break
  }
  runner.end()
  return results
}

/**
 * Records in (timestamp, tiebreaker, ordinal) order, given the tiebreaker field's reader (null when the query
 * has none); already-sorted input is returned as is.
 */
export function sortEventRecords(records: readonly EventRecord[], tb: ((event: EcsEvent) => Value) | null): readonly EventRecord[] {
  const ordered: OrderedRecord[] = records.map((record) => ({ record, tiebreaker: tb ? tiebreakerScalar(tb(record.event)) : null }))
  let isSorted = true
  for (let i = 1; i < ordered.length && isSorted; i++) if (compareOrdered(ordered[i - 1], ordered[i]) > 0) isSorted = false
  if (isSorted) return records
  ordered.sort(compareOrdered)
  return ordered.map((o) => o.record)
}

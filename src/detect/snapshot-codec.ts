// Plain-JSON encoding of what runner state holds: EventRecords (deduplicated into one table, so a record
// shared by several partials is written once) and QueryResults that reference them.
import type { Scalar } from '../eql/index.js'
import type { EventRecord, QueryResult } from './types.js'

/** A serialized EventRecord: EventRecord is plain data, so it is kept as is. */
export type RecordJson = EventRecord

export type ResultJson =
  | { readonly k: 'event'; readonly r: number }
  | { readonly k: 'sequence' | 'sample'; readonly j: readonly Scalar[]; readonly m: readonly number[] }

export interface RecordWriter {
  ref(rec: EventRecord): number
  result(r: QueryResult): ResultJson
  readonly records: RecordJson[]
}

export function createRecordWriter(): RecordWriter {
  const index = new Map<EventRecord, number>()
  const records: RecordJson[] = []
  const ref = (rec: EventRecord): number => {
    let i = index.get(rec)
    if (i === undefined) {
      i = records.length
      index.set(rec, i)
      records.push(plainRecord(rec))
    }
    return i
  }
  return {
    records,
    ref,
    result: (r) => r.kind === 'event'
      ? { k: 'event', r: ref(r.record) }
      : { k: r.kind, j: r.joinKeys as Scalar[], m: r.members.map((m) => (m === null ? -1 : ref(m))) },
  }
}

function plainRecord(rec: EventRecord): RecordJson {
  const out: { -readonly [K in keyof EventRecord]: EventRecord[K] } = { event: rec.event, ordinal: rec.ordinal, timestampMs: rec.timestampMs }
  if (rec.source !== undefined) out.source = rec.source
  if (rec.text !== undefined) out.text = rec.text
  return out
}

export interface RecordReader {
  rec(i: number): EventRecord
  result(r: ResultJson): QueryResult
}

export function createRecordReader(records: readonly RecordJson[]): RecordReader {
  const rec = (i: number): EventRecord => {
    const r = records[i]
    if (r === undefined) throw new Error(`snapshot: record #${i} is missing`)
    return r
  }
  return {
    rec,
    result: (r) => r.k === 'event'
      ? { kind: 'event', record: rec(r.r) }
      : { kind: r.k, joinKeys: r.j, members: r.m.map((i) => (i < 0 ? null : rec(i))) },
  }
}

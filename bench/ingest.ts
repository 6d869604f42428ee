// Ingest throughput: our NDJSON reader against the bare baseline every benchmark is a ratio to
// (shared/reference/stack.md §2.1: 1 MiB chunks → Buffer.indexOf(10) → toString → JSON.parse).
import { createReadStream } from 'node:fs'
import { readFile } from '../src/ingest/index.js'

export interface IngestFigure {
  readonly events: number
  readonly seconds: number
}

/** Our reader, full parse (format detection, positions, malformed handling), one record at a time. */
export async function benchNdjson(path: string): Promise<IngestFigure> {
  const t0 = process.hrtime.bigint()
  let events = 0
  for await (const r of readFile(path)) if (r.kind === 'record') events++
  return { events, seconds: Number(process.hrtime.bigint() - t0) / 1e9 }
}

/** The bare baseline: nothing but chunked reads, newline search and JSON.parse. */
export async function baselineNdjson(path: string): Promise<IngestFigure> {
  let sink: unknown
  const figure = await scanNdjson(path, (text) => { sink = JSON.parse(text) })
  void sink
  return figure
}

/**
 * The baseline's loop (1 MiB chunks → Buffer.indexOf(10) → toString), calling `onLine` for every non-empty
 * line. Benchmarks that add work per line (bench/ecs.ts) use the same loop, so the ratio measures the work.
 */
export async function scanNdjson(path: string, onLine: (text: string) => void): Promise<IngestFigure> {
  const t0 = process.hrtime.bigint()
  let events = 0
  let carry: Buffer | undefined
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    const buf = carry === undefined ? chunk : Buffer.concat([carry, chunk])
    let start = 0
    let nl: number
    while ((nl = buf.indexOf(10, start)) !== -1) {
      if (nl > start) {
        onLine(buf.toString('utf8', start, nl))
        events++
      }
      start = nl + 1
    }
    carry = start < buf.length ? buf.subarray(start) : undefined
  }
  if (carry !== undefined && carry.length > 0) {
    onLine(carry.toString('utf8'))
    events++
  }
  return { events, seconds: Number(process.hrtime.bigint() - t0) / 1e9 }
}

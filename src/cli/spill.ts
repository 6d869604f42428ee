// External sort of a query's candidate events into Elasticsearch order (timestamp, tiebreaker, input order).
// `vigil query` must see every candidate before it can emit the first result (the earliest event may be the
// last one read), but a broad query over a 10 GB export has more candidates than memory: past a budget the
// buffered candidates are sorted and written to a temporary run file, and at the end the runs are merged
// with a heap — memory holds one budget of events plus one event per run.
import { createReadStream, mkdtempSync, rmSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import type { EcsEvent, Scalar, Value } from '../eql/index.js'
import { heapPop, heapPush, sortEventRecords, tiebreakerScalar, type EventRecord } from '../detect/index.js'
import type { SourceRef } from '../ingest/index.js'

export interface SpillOptions {
  /** Buffered event text (in UTF-16 code units of JSON) before a run is written; default 128 Mi. */
  readonly budget?: number
  /** The query's tiebreaker field reader (CompiledQuery.time.tiebreaker), if it has one. */
  readonly tiebreakerOf?: ((event: EcsEvent) => Value) | null
  /** Where run files go (a fresh directory inside it, removed by close()); default the OS temp dir. */
  readonly tmpDir?: string
}

export interface SpillSorter {
  /** Adds a candidate; true when the buffer has reached its budget and `spill()` should be awaited. */
  add(rec: EventRecord): boolean
  /** Writes the buffered candidates to a sorted run file. */
  spill(): Promise<void>
  /** Every added record, in order (call once, after the last add). */
  sorted(): AsyncGenerator<EventRecord>
  /** Run files written so far (sorted runs and intermediate merges). */
  readonly runs: number
  /** Removes the temporary files (safe to call more than once). */
  close(): void
}

export const DEFAULT_SPILL_BUDGET = 128 * 1024 * 1024

/** Run files merged at once. */
const MAX_FAN_IN = 64

/** One record of a run file: ordering keys, where it came from, and its text (or its event as JSON). */
interface RunLine {
  readonly o: number
  readonly t: number | null
  readonly s?: SourceRef
  /** Original text of an ECS line, echoed byte for byte. */
  readonly x?: string
  /** The normalized event, for records read from other formats. */
  readonly e?: EcsEvent
}

/** A rough size of what a buffered record keeps alive (its text, or a typical normalized event). */
const sizeOf = (rec: EventRecord): number => (rec.text !== undefined ? rec.text.length : 2048)

export function createSpillSorter(opts: SpillOptions = {}): SpillSorter {
  const budget = opts.budget ?? DEFAULT_SPILL_BUDGET
  const tb = opts.tiebreakerOf ?? null
  let buffered: EventRecord[] = []
  let bufferedSize = 0
  let dir: string | null = null
  let runCount = 0
  const files: string[] = []

  const sortBuffer = (): readonly EventRecord[] => sortEventRecords(buffered, tb)

  // A run interrupted by Ctrl-C (main.ts turns signals into process.exit) must not leave gigabytes behind.
  const removeDir = (): void => {
    if (dir !== null) rmSync(dir, { recursive: true, force: true })
    dir = null
  }
  const newRunPath = (): string => {
    if (dir === null) {
      dir = mkdtempSync(join(opts.tmpDir ?? tmpdir(), 'vigil-query-'))
      process.once('exit', removeDir)
    }
    return join(dir, `run-${runCount++}.ndjson`)
  }
  const writeRun = async (): Promise<void> => {
    const sorted = sortBuffer()
    buffered = []
    bufferedSize = 0
    files.push(await writeRecords(newRunPath(), fromArray(sorted)))
  }

  return {
    add(rec) {
      buffered.push(rec)
      bufferedSize += sizeOf(rec)
      return bufferedSize >= budget
    },
    spill: writeRun,
    async *sorted() {
      const memory = sortBuffer()
      buffered = []
      if (files.length === 0) { yield* memory; return }
      // Merge at most MAX_FAN_IN files at once (each holds a descriptor and a read buffer): earlier runs
      // are merged into bigger ones first.
      while (files.length + 1 > MAX_FAN_IN) {
        const group = files.splice(0, MAX_FAN_IN)
        files.push(await writeRecords(newRunPath(), mergeRuns(group.map((f) => readRun(f)), tb)))
        for (const f of group) rmSync(f, { force: true })
      }
      yield* mergeRuns([...files.map((f) => readRun(f)), fromArray(memory)], tb)
    },
    get runs() { return runCount },
    close() {
      removeDir()
      process.removeListener('exit', removeDir)
    },
  }
}

/** Writes records (already in order) to a run file; returns its path. */
async function writeRecords(path: string, records: AsyncIterable<EventRecord>): Promise<string> {
  const fh = await open(path, 'w')
  try {
    let chunk = ''
    for await (const rec of records) {
      const line: RunLine = {
        o: rec.ordinal, t: rec.timestampMs,
        ...(rec.source !== undefined ? { s: rec.source } : {}),
        ...(rec.text !== undefined ? { x: rec.text } : { e: rec.event }),
      }
      chunk += JSON.stringify(line) + '\n'
      if (chunk.length >= 1 << 20) { await fh.write(chunk); chunk = '' }
    }
    if (chunk.length > 0) await fh.write(chunk)
  } finally {
    await fh.close()
  }
  return path
}

async function* fromArray(records: readonly EventRecord[]): AsyncGenerator<EventRecord> {
  yield* records
}

async function* readRun(path: string): AsyncGenerator<EventRecord> {
  const input = createReadStream(path, { encoding: 'utf8' })
  const lines = createInterface({ input, crlfDelay: Infinity })
  try {
    for await (const text of lines) {
      if (text.length === 0) continue
      const line = JSON.parse(text) as RunLine
      const rec: { -readonly [K in keyof EventRecord]: EventRecord[K] } = {
        event: line.x !== undefined ? (JSON.parse(line.x) as EcsEvent) : (line.e ?? {}),
        ordinal: line.o,
        timestampMs: line.t,
      }
      if (line.s !== undefined) rec.source = line.s
      if (line.x !== undefined) rec.text = line.x
      yield rec
    }
  } finally {
    // Also when the merge stops early (a head pipe): the descriptor goes now, not at garbage collection.
    lines.close()
    input.destroy()
  }
}

interface Head {
  readonly record: EventRecord
  readonly tiebreaker: Scalar
  readonly from: AsyncGenerator<EventRecord>
}

/** k-way merge of sorted runs with the engine's (timestamp, tiebreaker, ordinal) heap. */
async function* mergeRuns(runs: readonly AsyncGenerator<EventRecord>[], tb: ((event: EcsEvent) => Value) | null): AsyncGenerator<EventRecord> {
  const heap: Head[] = []
  const pull = async (from: AsyncGenerator<EventRecord>): Promise<void> => {
    const next = await from.next()
    if (next.done) return
    heapPush(heap, { record: next.value, tiebreaker: tb ? tiebreakerScalar(tb(next.value.event)) : null, from })
  }
  try {
    for (const run of runs) await pull(run)
    while (heap.length > 0) {
      const top = heapPop(heap)
      yield top.record
      await pull(top.from)
    }
  } finally {
    for (const run of runs) await run.return(undefined)
  }
}

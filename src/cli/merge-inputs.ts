// Every input of a hunt as one stream in time order, so a sequence whose events sit in different files
// (a host's Sysmon log and its Security log) is found as if the events had been logged in one file.
//
// Design: a k-way merge of per-file streams, each usually sorted (Windows logs are written in time order).
//   1. Each file is opened once and read up to its first timestamped event (its start time), then closed:
//      one block per file, not the whole file.
//   2. Files are sorted by start time. The merge opens a file only when the merged stream reaches that file's
//      start time, takes the earliest head among open files (ties: file order, then input order), and closes
//      a file at its end. So only files whose time ranges overlap are open together: memory is one read block
//      per overlapping file, whatever the number of files (rotated logs are read one after another).
//   3. Disorder inside a file (and a file whose first event is later than its earliest) is left to the
//      reorder buffer after the merge (watermark = max timestamp − lateness).
// Untimed events sort first among a file's heads (they have no place in time; event queries still see them).
// stdin (`-`) cannot be read twice: it is opened at once with no start time. Entries of one archive are one
// stream in archive order.
import { stat } from 'node:fs/promises'
import { listInputFiles } from '../ingest/index.js'
import type { EventRecord } from '../detect/index.js'
import { readEventBatches, type EventStreamOptions } from './events.js'
import { createSummary, countProblem } from './summary.js'

export interface MergeOptions extends Omit<EventStreamOptions, 'summary'> {
  readonly summary: EventStreamOptions['summary']
}

interface Source {
  readonly index: number
  readonly path: string
  readonly startMs: number
}

interface OpenSource {
  readonly index: number
  readonly it: AsyncIterator<EventRecord[]>
  batch: EventRecord[]
  pos: number
}

/**
 * Documentation next to logs (a README in a case folder, `samples/README.md`) is not telemetry: files found
 * under a directory with these names are skipped. A file named explicitly is always read.
 */
export const DOC_EXCLUDES: readonly string[] = ['*.md', '*.markdown', 'README', 'README.*', 'LICENSE*', 'COPYING*', 'NOTICE*', '.*']

/** The files behind the given paths (directories expanded with the include/exclude globs), in input order. */
export async function expandInputs(paths: readonly string[], opts: Pick<MergeOptions, 'include' | 'exclude' | 'summary'>): Promise<string[]> {
  const out: string[] = []
  for (const p of paths) {
    if (p === '-') { out.push(p); continue }
    let isDirectory = false
    try {
      isDirectory = (await stat(p)).isDirectory()
    } catch (e) {
      opts.summary.files++
      countProblem(opts.summary, { source: { file: p }, reason: `cannot read: ${(e as Error).message}` })
      continue
    }
    if (!isDirectory) { out.push(p); continue }
    const files = await listInputFiles([p], {
      ...(opts.include ? { include: [...opts.include] } : {}),
      exclude: [...DOC_EXCLUDES, ...(opts.exclude ?? [])],
    })
    for (const f of files) out.push(f.file)
  }
  return out
}

/** The time of a file's first timestamped event (reads one block), or -Infinity when it has none. */
async function startTime(path: string, opts: MergeOptions): Promise<number> {
  if (path === '-') return -Infinity
  const scratch = createSummary()
  const it = readEventBatches([path], { ...opts, summary: scratch, strict: false, onBytes: undefined })[Symbol.asyncIterator]()
  try {
    for (let blocks = 0; blocks < 4; blocks++) {
      const next = await it.next()
      if (next.done) break
      for (const r of next.value) if (r.timestampMs !== null) return r.timestampMs
    }
    return -Infinity
  } finally {
    await it.return?.(undefined)
  }
}

/** Merged batches of events in (timestamp, file, input order) order; ordinals renumbered in merged order. */
export async function* readMergedEvents(files: readonly string[], opts: MergeOptions): AsyncGenerator<EventRecord[]> {
  if (files.length === 0) return
  if (files.length === 1) {
    // One stream: already in its own order, nothing to merge.
    yield* readEventBatches(files, opts)
    return
  }
  const sources: Source[] = []
  for (let i = 0; i < files.length; i++) sources.push({ index: i, path: files[i], startMs: await startTime(files[i], opts) })
  sources.sort((a, b) => a.startMs - b.startMs || a.index - b.index)

  const open: OpenSource[] = []
  let next = 0
  let ordinal = 0
  const headTime = (s: OpenSource): number => s.batch[s.pos].timestampMs ?? -Infinity
  /** Fills a source's batch; false at its end (the source is closed). */
  const refill = async (s: OpenSource): Promise<boolean> => {
    for (;;) {
      const r = await s.it.next()
      if (r.done) return false
      if (r.value.length > 0) { s.batch = r.value; s.pos = 0; return true }
    }
  }
  const openNext = async (): Promise<void> => {
    const src = sources[next++]
    const it = readEventBatches([src.path], opts)[Symbol.asyncIterator]()
    const s: OpenSource = { index: src.index, it, batch: [], pos: 0 }
    if (await refill(s)) open.push(s)
  }

  let out: EventRecord[] = []
  for (;;) {
    // Open every file whose start is not after the earliest head (or any file, when none is open).
    for (;;) {
      if (next >= sources.length) break
      let min = Infinity
      for (const s of open) { const t = headTime(s); if (t < min) min = t }
      if (open.length > 0 && sources[next].startMs > min) break
      await openNext()
    }
    if (open.length === 0) break
    // Earliest head; ties by file order so the output does not depend on when files were opened.
    let best = open[0]
    let bestT = headTime(best)
    for (let k = 1; k < open.length; k++) {
      const s = open[k]
      const t = headTime(s)
      if (t < bestT || (t === bestT && s.index < best.index)) { best = s; bestT = t }
    }
    // Take a run from the best source while it stays earlier than every other head and the next start.
    let limit = Infinity
    for (const s of open) if (s !== best) { const t = headTime(s); if (t < limit) limit = t }
    if (next < sources.length && sources[next].startMs < limit) limit = sources[next].startMs
    do {
      const r = best.batch[best.pos++]
      out.push(r.ordinal === ordinal ? r : { ...r, ordinal })
      ordinal++
      if (best.pos === best.batch.length) {
        if (!(await refill(best))) { open.splice(open.indexOf(best), 1); break }
      }
      // A tie with another head goes back to the selection above, which breaks ties by file order.
    } while ((best.batch[best.pos].timestampMs ?? -Infinity) < limit)
    if (out.length >= 1024) { yield out; out = [] }
  }
  if (out.length > 0) yield out
}

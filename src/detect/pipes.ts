// `| head N` and `| tail N` over the ordered result list, then the request `size` (a final head).
// Head stages pass results through as they come and report when no more can pass, so the runner can
// stop early; tail stages must hold the last N results until the input ends.
import type { CompiledPipe } from '../eql/index.js'
import type { QueryResult } from './types.js'
import type { RecordReader, RecordWriter, ResultJson } from './snapshot-codec.js'

export interface Pipeline {
  /** Feeds one result in order; returns false once no further result can be emitted. */
  push(r: QueryResult): boolean
  /** Input ended: flushes tail buffers downstream. */
  end(): void
  readonly isDone: boolean
  snapshot(w: RecordWriter): PipelineSnapshot
}

export type PipelineSnapshot = ReadonlyArray<{ readonly n: number; readonly buf?: readonly ResultJson[] }>

interface Stage {
  readonly kind: 'head' | 'tail'
  readonly count: number
  passed: number
  buf: QueryResult[]
}

/** Builds the pipe chain; `size` (when given) is applied after the pipes, like a final `head`. */
export function createPipeline(
  pipes: readonly CompiledPipe[],
  size: number | undefined,
  onResult: (r: QueryResult) => void,
  restore?: { snap: PipelineSnapshot; reader: RecordReader },
): Pipeline {
  const all: CompiledPipe[] = [...pipes]
  if (size !== undefined && Number.isFinite(size)) all.push({ kind: 'head', count: Math.max(0, Math.floor(size)) })
  const stages: Stage[] = all.map((p, i) => {
    const s = restore?.snap[i]
    return {
      kind: p.kind,
      count: p.count,
      passed: s?.n ?? 0,
      buf: s?.buf ? s.buf.map((r) => restore!.reader.result(r)) : [],
    }
  })
  let ended = false

  // Sends a result into stage i and onwards; returns false when stage i can take no more.
  const feed = (i: number, r: QueryResult): boolean => {
    if (i === stages.length) {
      onResult(r)
      return true
    }
    const s = stages[i]
    if (s.kind === 'head') {
      if (s.passed >= s.count) return false
      s.passed++
      const ok = feed(i + 1, r)
      return ok && s.passed < s.count
    }
    if (s.count === 0) return true
    s.buf.push(r)
    // Amortized trim: keep at most 2N so a long stream costs O(1) per result.
    if (s.buf.length >= 2 * s.count) s.buf = s.buf.slice(s.buf.length - s.count)
    return true
  }

  const isDoneNow = (): boolean => {
    for (const s of stages) {
      if (s.kind === 'tail') return ended
      if (s.passed >= s.count) return true
    }
    return ended
  }

  return {
    push: (r) => {
      if (isDoneNow()) return false
      feed(0, r)
      return !isDoneNow()
    },
    end: () => {
      if (ended) return
      for (let i = 0; i < stages.length; i++) {
        const s = stages[i]
        if (s.kind !== 'tail') continue
        const out = s.buf.slice(Math.max(0, s.buf.length - s.count))
        s.buf = []
        // A later tail stage buffers what this one flushes; it is flushed in its own turn of the loop.
        for (const r of out) if (!feed(i + 1, r)) break
      }
      ended = true
    },
    get isDone() { return isDoneNow() },
    snapshot: (w) => stages.map((s) => (s.kind === 'head' ? { n: s.passed } : { n: s.passed, buf: s.buf.slice(Math.max(0, s.buf.length - s.count)).map((r) => w.result(r)) })),
  }
}

// A streaming detector for unordered input: the reorder buffer in front of a runner, wired so that the
// watermark drives expiry and the confirmation of trailing `![…]` stages. Snapshots cover both parts,
// so a process (or a partition moving to another worker) resumes exactly where it stopped.
import type { CompiledQuery } from '../eql/index.js'
import type { EventRecord } from './types.js'
import { createRunner, restoreRunner, type Runner, type RunnerOptions, type RunnerSnapshot, type RunnerStats } from './runner.js'
import { createReorderBuffer, type ReorderBuffer, type ReorderSnapshot, type ReorderStats } from './reorder.js'

export interface StreamOptions extends RunnerOptions {
  /** Allowed lateness (default 5000 ms). */
  readonly latenessMs?: number
  readonly maxBuffered?: number
  readonly latePolicy?: 'process' | 'drop'
}

export interface StreamSnapshot { readonly v: 1; readonly buffer: ReorderSnapshot; readonly runner: RunnerSnapshot }

export interface StreamDetector {
  /** Feeds an event in arrival order (any time order). */
  push(rec: EventRecord): void
  /** End of input: releases the buffer and emits everything still waiting. */
  end(): void
  readonly isDone: boolean
  stats(): { readonly buffer: ReorderStats; readonly runner: RunnerStats }
  snapshot(): StreamSnapshot
}

/** Creates a streaming detector for one compiled query. */
export function createStreamDetector(q: CompiledQuery, opts: StreamOptions): StreamDetector {
  return build(q, opts, undefined)
}

/** Continues from `snapshot()` output. */
export function restoreStreamDetector(q: CompiledQuery, snap: StreamSnapshot, opts: StreamOptions): StreamDetector {
  if (snap === null || typeof snap !== 'object' || snap.v !== 1) throw new Error(`unsupported stream snapshot version ${String((snap as { v?: unknown } | null)?.v)}`)
  return build(q, opts, snap)
}

function build(q: CompiledQuery, opts: StreamOptions, snap: StreamSnapshot | undefined): StreamDetector {
  const runner: Runner = snap ? restoreRunner(q, snap.runner, opts) : createRunner(q, opts)
  const tiebreaker = q.time.tiebreaker
  const buffer: ReorderBuffer = createReorderBuffer({
    latenessMs: opts.latenessMs,
    maxBuffered: opts.maxBuffered,
    latePolicy: opts.latePolicy,
    tiebreakerOf: tiebreaker ? (r) => tiebreaker(r.event) : null,
    onRelease: (r) => runner.push(r),
    onWatermark: (ms) => runner.advanceTo(ms),
    restore: snap?.buffer,
  })
  return {
    push: (rec) => { if (!runner.isDone) buffer.push(rec) },
    end: () => { buffer.flush(); runner.end() },
    get isDone() { return runner.isDone },
    stats: () => ({ buffer: buffer.stats(), runner: runner.stats() }),
    snapshot: () => ({ v: 1, buffer: buffer.snapshot(), runner: runner.snapshot() }),
  }
}

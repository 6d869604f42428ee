// The run summary every command prints on stderr: what was read, what could not be used, and where.
import type { SourceRef } from '../ingest/index.js'

export interface Problem { readonly source: SourceRef; readonly reason: string }

export interface RunSummary {
  files: number
  bytes: number
  events: number
  /** Events per `provider / event code` (ECS input counts under its event.provider or event.module). */
  readonly bySource: Map<string, number>
  unmapped: number
  malformed: number
  /** The first few malformed records, with their positions; the rest are only counted. */
  readonly problems: Problem[]
  late: number
  /** ECS lines that the query's raw-text prefilter proved could not match, so they were never parsed. */
  skipped: number
  startedAt: number
}

export const MAX_LISTED_PROBLEMS = 10

export function createSummary(): RunSummary {
  return { files: 0, bytes: 0, events: 0, bySource: new Map(), unmapped: 0, malformed: 0, problems: [], late: 0, skipped: 0, startedAt: performance.now() }
}

export function countProblem(s: RunSummary, p: Problem): void {
  s.malformed++
  if (s.problems.length < MAX_LISTED_PROBLEMS) s.problems.push(p)
}

export function countSource(s: RunSummary, key: string): void {
  s.bySource.set(key, (s.bySource.get(key) ?? 0) + 1)
}

export function formatSource(ref: SourceRef): string {
  if (ref.line !== undefined) return `${ref.file}:${ref.line}`
  if (ref.offset !== undefined) return `${ref.file}@${ref.offset}`
  return ref.file
}

/** Human-readable summary lines (for stderr). */
export function renderSummary(s: RunSummary, extra: readonly string[] = []): string {
  const secs = (performance.now() - s.startedAt) / 1000
  const rate = secs > 0 ? Math.round((s.events + s.skipped) / secs) : 0
  const lines = [`vigil: ${s.events + s.skipped} events from ${s.files} file(s) in ${secs.toFixed(2)}s (${rate} events/s)`]
  const sources = [...s.bySource.entries()].sort((a, b) => b[1] - a[1])
  for (const [k, n] of sources.slice(0, 20)) lines.push(`  ${String(n).padStart(9)}  ${k}`)
  if (sources.length > 20) lines.push(`  … ${sources.length - 20} more sources`)
  if (s.skipped > 0) lines.push(`  lines skipped unparsed (cannot match the query): ${s.skipped}`)
  if (s.unmapped > 0) lines.push(`  unmapped events (passed through under winlog.event_data): ${s.unmapped}`)
  if (s.late > 0) lines.push(`  late events (behind the reorder window): ${s.late}`)
  if (s.malformed > 0) {
    lines.push(`  malformed records skipped: ${s.malformed}`)
    for (const p of s.problems) lines.push(`    ${formatSource(p.source)}: ${p.reason}`)
    if (s.malformed > s.problems.length) lines.push(`    … ${s.malformed - s.problems.length} more`)
  }
  lines.push(...extra)
  return lines.join('\n')
}

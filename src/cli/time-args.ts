// Parsing of the hunt's time arguments: `--from/--to` (ISO 8601 or relative to now: `7d`, `12h`, `30m`),
// `--lateness` (a duration: `5m`, `30s`, `250ms`, `0`).
import { UsageError } from './errors.js'

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }

/** `5m` → 300000. Units ms, s, m, h, d, w; a bare `0` is zero. */
export function parseDurationMs(text: string, flag: string): number {
  const t = text.trim()
  if (t === '0') return 0
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/i.exec(t)
  if (m === null) throw new UsageError(`${flag}: expected a duration like 30s, 5m, 2h or 1d, got '${text}'`)
  return Math.round(Number(m[1]) * (UNIT_MS[m[2].toLowerCase()] ?? 1))
}

/** An instant: ISO 8601 (`2026-11-03`, `2026-11-03T10:00:00Z`) or a duration before `nowMs` (`7d` = 7 days ago). */
export function parseTimeBound(text: string, flag: string, nowMs: number): number {
  const t = text.trim()
  if (/^\d+(?:\.\d+)?(ms|s|m|h|d|w)$/i.test(t)) return nowMs - parseDurationMs(t, flag)
  // A date-time without an offset is read as UTC, as event timestamps are.
  const iso = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(t) ? `${t.replace(' ', 'T')}Z` : t
  if (!/^\d{4}-\d{2}-\d{2}/.test(iso)) throw new UsageError(`${flag}: expected an ISO 8601 time (2026-11-03T10:00:00Z) or a relative time (7d, 12h), got '${text}'`)
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) throw new UsageError(`${flag}: not a valid time: '${text}'`)
  return ms
}

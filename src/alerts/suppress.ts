// alert_suppression as Kibana applies it to EQL rules: alerts whose group-by values are equal are folded
// into the first one of their group. With a duration, one alert per group per window (the window opens at
// the group's first alert); without one, per run. The kept alert is emitted when its window closes (event
// time passes its end) or at flush, carrying `kibana.alert.suppression.*` and the suppressed count.
import { createHash } from 'node:crypto'
import type { Alert, SuppressionTerm } from './types.js'
import { alertField } from './types.js'
import { canonicalJson } from './build.js'

export interface SuppressionConfig {
  readonly groupBy: readonly string[]
  /** Window length; null suppresses for the whole run (Kibana: per rule execution). */
  readonly durationMs: number | null
  /** `suppress` (default) groups alerts missing a group-by field under a null value; `doNotSuppress` emits each. */
  readonly missingFieldsStrategy: 'suppress' | 'doNotSuppress'
}

export interface Suppressor {
  /** Offer one match: its alerts (a sequence's shell first, then its building blocks) and its event time. */
  offer(alerts: readonly Alert[], timeMs: number | null): void
  /** Event time has reached `timeMs`: emit groups whose window ended before it. */
  advance(timeMs: number): void
  /** Emit every held group (end of run). */
  flush(): void
  stats(): { readonly suppressed: number; readonly held: number }
}

interface Group {
  readonly key: string
  readonly alerts: readonly Alert[]
  readonly terms: readonly SuppressionTerm[]
  readonly startMs: number | null
  readonly endMs: number | null
  lastMs: number | null
  suppressed: number
}

/** Create a suppressor for one rule; `emit` receives each kept match's alerts once. */
export function createSuppressor(
  rule: { readonly ruleId: string; readonly version: number },
  config: SuppressionConfig,
  emit: (alerts: readonly Alert[]) => void,
): Suppressor {
  const groups = new Map<string, Group>()
  // Window ends in opening order; event time is non-decreasing, so this is also expiry order.
  const closing: { key: string; endMs: number }[] = []
  let closingHead = 0
  let suppressed = 0

  const release = (g: Group): void => {
    groups.delete(g.key)
    const [head, ...rest] = g.alerts
    if (!head) return
    const instanceId = createHash('sha256').update(JSON.stringify([rule.ruleId, rule.version, g.key])).digest('hex')
    const iso = (ms: number | null): string | undefined => (ms === null ? undefined : new Date(ms).toISOString())
    const start = iso(g.startMs)
    const end = iso(g.lastMs)
    emit([{
      ...head,
      'kibana.alert.instance.id': instanceId,
      'kibana.alert.suppression.terms': g.terms,
      ...(start !== undefined ? { 'kibana.alert.suppression.start': start } : {}),
      ...(end !== undefined ? { 'kibana.alert.suppression.end': end } : {}),
      'kibana.alert.suppression.docs_count': g.suppressed,
    }, ...rest])
  }

  const advance = (timeMs: number): void => {
    while (closingHead < closing.length) {
      const next = closing[closingHead]
      if (!next || next.endMs >= timeMs) break
      closingHead++
      const g = groups.get(next.key)
      if (g && g.endMs === next.endMs) release(g)
    }
    if (closingHead > 1024 && closingHead * 2 > closing.length) { closing.splice(0, closingHead); closingHead = 0 }
  }

  return {
    offer(alerts, timeMs) {
      const head = alerts[0]
      if (!head) return
      if (timeMs !== null) advance(timeMs)
      const terms = config.groupBy.map((field): SuppressionTerm => {
        const v = alertField(head, field)
        return { field, value: v === undefined ? null : v }
      })
      const isMissing = terms.some((t) => t.value === null)
      if (isMissing && config.missingFieldsStrategy === 'doNotSuppress') { emit(alerts); return }
      // Arrays must be identical (same values, same order) for EQL rules.
      const key = canonicalJson(terms.map((t) => t.value))
      const g = groups.get(key)
      if (g) {
        g.suppressed++
        suppressed++
        if (timeMs !== null) g.lastMs = Math.max(g.lastMs ?? timeMs, timeMs)
        return
      }
      const endMs = config.durationMs !== null && timeMs !== null ? timeMs + config.durationMs : null
      groups.set(key, { key, alerts, terms, startMs: timeMs, endMs, lastMs: timeMs, suppressed: 0 })
      if (endMs !== null) closing.push({ key, endMs })
    },
    advance,
    flush() {
      for (const g of [...groups.values()]) release(g)
      closing.length = 0
      closingHead = 0
    },
    stats: () => ({ suppressed, held: groups.size }),
  }
}

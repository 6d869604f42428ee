// The terminal view of a hunt: alerts grouped by severity and rule, one line per alert, cut to the
// terminal width. Colour only when asked (the caller decides: stdout is a TTY and NO_COLOR is unset).
import type { Severity } from '../alerts/index.js'
import type { AlertGroup, ReportInput } from './types.js'
import { SEVERITY_ORDER, severityRank } from './types.js'
import { alertTimeMs, compareGroups, groupAlerts, groupSummary, hostOf, userOf } from './group.js'

export interface TableOptions {
  readonly color: boolean
  /** Terminal columns; default 120. Lines never exceed it. */
  readonly width?: number
}

const SEVERITY_COLOR: Readonly<Record<Severity, string>> = {
  low: '\x1b[36m', medium: '\x1b[33m', high: '\x1b[31m', critical: '\x1b[1;35m',
}

export function renderTable(input: ReportInput, opts: TableOptions): string {
  const width = Math.max(60, opts.width ?? 120)
  const paint = (code: string, s: string) => (opts.color ? `${code}${s}\x1b[0m` : s)
  const groups = groupAlerts(input.alerts).sort(compareGroups)
  const lines: string[] = []
  if (groups.length === 0) {
    lines.push('No alerts.')
    return lines.join('\n') + '\n'
  }
  // Bucket by (severity, rule name): the order analysts triage in.
  const buckets = new Map<string, AlertGroup[]>()
  for (const g of groups) {
    const key = `${9 - severityRank(g.alert['kibana.alert.severity'])}\u0000${g.alert['kibana.alert.rule.name']}`
    let list = buckets.get(key)
    if (list === undefined) buckets.set(key, (list = []))
    list.push(g)
  }
  const keys = [...buckets.keys()].sort()
  const hostW = Math.min(28, Math.max(4, ...groups.map((g) => clean(hostOf(g)).length)))
  const userW = Math.min(22, Math.max(4, ...groups.map((g) => clean(userOf(g)).length)))
  const timeW = 19
  const fixed = 2 + timeW + 2 + hostW + 2 + userW + 2
  const detailW = Math.max(10, width - fixed)
  for (const key of keys) {
    const list = buckets.get(key) ?? []
    list.sort((a, b) => alertTimeMs(a.alert) - alertTimeMs(b.alert))
    const first = list[0].alert
    const sev = first['kibana.alert.severity']
    const title = `${sev.toUpperCase()}  ${clean(first['kibana.alert.rule.name'])}  (${list.length} alert${list.length === 1 ? '' : 's'})`
    lines.push(paint(SEVERITY_COLOR[sev], fit(title, width).trimEnd()))
    lines.push(paint('\x1b[2m', fit(`  ${'time (UTC)'.padEnd(timeW)}  ${'host'.padEnd(hostW)}  ${'user'.padEnd(userW)}  what`, width).trimEnd()))
    for (const g of list) {
      const line = `  ${fit(timeText(alertTimeMs(g.alert)), timeW)}  ${fit(hostOf(g), hostW)}  ${fit(userOf(g), userW)}  ${fit(groupSummary(g), detailW)}`
      lines.push(line.trimEnd())
    }
    lines.push('')
  }
  const counts = SEVERITY_ORDER.slice().reverse()
    .map((s) => [s, groups.filter((g) => g.alert['kibana.alert.severity'] === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => paint(SEVERITY_COLOR[s], `${s} ${n}`))
  lines.push(`${groups.length} alert${groups.length === 1 ? '' : 's'}: ${counts.join(', ')}`)
  return lines.join('\n') + '\n'
}

function timeText(ms: number): string {
  return ms === 0 ? '-' : new Date(ms).toISOString().slice(0, 19).replace('T', ' ')
}

/** Event data must never drive the terminal: control characters (C0, DEL, C1) become spaces. */
export function clean(s: string): string {
  return s.replace(/[\x00-\x1f\x7f-\x9f]/g, ' ')
}

/** Pads or cuts to exactly `w` code points, marking a cut with an ellipsis. */
function fit(s: string, w: number): string {
  const chars = [...clean(s)]
  if (chars.length > w) return chars.slice(0, Math.max(0, w - 1)).join('') + '…'
  return chars.join('') + ' '.repeat(w - chars.length)
}

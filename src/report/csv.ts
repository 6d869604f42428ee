// CSV for timeline tools and spreadsheets: RFC 4180 (CRLF, quoted when needed, quotes doubled), one row per
// alert (sequence members folded into the `what` column), and safe to open in Excel: a cell that starts
// with = + - @ (or tab / CR) is prefixed with ' so it is never evaluated as a formula (OWASP CSV injection).
import type { ReportInput } from './types.js'
import { fieldText, groupAlerts, groupSummary, hostOf, userOf } from './group.js'

export const CSV_COLUMNS = [
  'datetime', 'rule_name', 'severity', 'risk_score', 'host', 'user', 'what', 'reason',
  'tactics', 'techniques', 'rule_id', 'alert_id', 'group_id', 'members', 'sources',
] as const

export function renderCsv(input: ReportInput): string {
  const rows: string[] = [CSV_COLUMNS.map(csvCell).join(',')]
  for (const g of groupAlerts(input.alerts)) {
    const a = g.alert
    const threat = a['kibana.alert.rule.threat'] ?? []
    const sources = (a['vigil.alert.sources'] ?? [])
      .map((s) => (s.line !== undefined ? `${s.file}:${s.line}` : s.offset !== undefined ? `${s.file}@${s.offset}` : s.file))
    const row = [
      a['kibana.alert.original_time'] ?? a['@timestamp'],
      a['kibana.alert.rule.name'],
      a['kibana.alert.severity'],
      String(a['kibana.alert.risk_score']),
      hostOf(g),
      userOf(g),
      groupSummary(g),
      a['kibana.alert.reason'],
      unique(threat.map((t) => t.tactic.name)).join('; '),
      unique(threat.flatMap((t) => (t.technique ?? []).flatMap((x) => [x.id, ...(x.subtechnique ?? []).map((s) => s.id)]))).join('; '),
      a['kibana.alert.rule.rule_id'],
      a['kibana.alert.uuid'],
      fieldText(a, 'kibana.alert.group.id'),
      String(g.members.length),
      unique(sources).join('; '),
    ]
    rows.push(row.map(csvCell).join(','))
  }
  return rows.join('\r\n') + '\r\n'
}

/** One RFC 4180 field, neutralised against formula injection. */
export function csvCell(value: string): string {
  let v = value
  if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`
  return /[",\r\n]/.test(v) || v !== value ? `"${v.replace(/"/g, '""')}"` : v
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)]
}

// JSON: one document with the run, the counts by severity and rule, and every alert document (flat, as
// emitted: single-event alerts, sequence shells and their building blocks).
import type { ReportInput } from './types.js'
import { SEVERITY_ORDER } from './types.js'
import { groupAlerts } from './group.js'

export function renderJson(input: ReportInput): string {
  const groups = groupAlerts(input.alerts)
  const bySeverity: Record<string, number> = Object.create(null) as Record<string, number>
  for (const s of SEVERITY_ORDER) bySeverity[s] = 0
  const byRule = new Map<string, { rule_id: string; name: string; severity: Record<string, number>; count: number }>()
  for (const g of groups) {
    const a = g.alert
    const sev = a['kibana.alert.severity']
    bySeverity[sev]++
    const id = a['kibana.alert.rule.rule_id']
    let r = byRule.get(id)
    if (r === undefined) {
      r = { rule_id: id, name: a['kibana.alert.rule.name'], severity: Object.create(null) as Record<string, number>, count: 0 }
      byRule.set(id, r)
    }
    r.count++
    r.severity[sev] = (r.severity[sev] ?? 0) + 1
  }
  const doc = {
    generated_at: input.run.generatedAt,
    inputs: input.run.inputs,
    events: input.run.events,
    files: input.run.files,
    rules: input.run.rules,
    seconds: input.run.seconds,
    alerts_total: groups.length,
    by_severity: bySeverity,
    by_rule: [...byRule.values()].sort((x, y) => y.count - x.count || x.name.localeCompare(y.name)),
    alerts: input.alerts,
  }
  return JSON.stringify(doc, null, 2) + '\n'
}

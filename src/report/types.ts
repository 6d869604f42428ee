// What every report renderer receives: the alerts of a hunt, the rules that ran (for names, ATT&CK mappings
// and investigation guides) and a few facts about the run. Renderers are pure: data in, text out.
import type { Alert, AlertThreat, Severity } from '../alerts/index.js'

export type ReportFormat = 'table' | 'csv' | 'json' | 'ndjson' | 'navigator' | 'html'
export const REPORT_FORMATS: readonly ReportFormat[] = ['table', 'csv', 'json', 'ndjson', 'navigator', 'html']

/** The catalogue entry of a rule, as reports show it. */
export interface ReportRule {
  readonly id: string
  readonly name: string
  readonly severity: Severity
  readonly riskScore: number
  readonly type: string
  readonly description: string
  readonly threat: readonly AlertThreat[]
  readonly isBuildingBlock: boolean
  /** Investigation guide in Markdown (ADS sections, or the rule's `note`). */
  readonly guide?: string
}

/** Facts about the run shown in report headers (HTML, JSON, navigator description). */
export interface ReportRun {
  /** ISO time the report was generated. */
  readonly generatedAt: string
  readonly inputs: readonly string[]
  readonly events: number
  readonly files: number
  readonly rules: number
  readonly seconds: number
}

export interface ReportInput {
  /** Every alert document in emission order: single-event alerts, sequence shells and their building blocks. */
  readonly alerts: readonly Alert[]
  readonly rules: readonly ReportRule[]
  readonly run: ReportRun
}

/** A top-level alert (single-event or sequence shell) with its sequence members, in stage order. */
export interface AlertGroup {
  readonly alert: Alert
  readonly members: readonly Alert[]
}

export const SEVERITY_ORDER: readonly Severity[] = ['low', 'medium', 'high', 'critical']

export function severityRank(s: Severity): number {
  return SEVERITY_ORDER.indexOf(s)
}

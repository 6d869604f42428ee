// Reports of a hunt: table, CSV, JSON, NDJSON (Elastic alert documents), ATT&CK Navigator layer, HTML.
import type { Alert } from '../alerts/index.js'
import type { ReportFormat, ReportInput, ReportRule, ReportRun } from './types.js'
import { renderTable, type TableOptions } from './table.js'
import { renderCsv } from './csv.js'
import { renderJson } from './json.js'
import { alertLine, renderNdjson } from './ndjson.js'
import { renderNavigator } from './navigator.js'
import { renderHtml } from './html.js'

export type { ReportFormat, ReportInput, ReportRule, ReportRun, AlertGroup } from './types.js'
export { REPORT_FORMATS, SEVERITY_ORDER, severityRank } from './types.js'
export { renderTable, clean, type TableOptions } from './table.js'
export { renderCsv, csvCell, CSV_COLUMNS } from './csv.js'
export { renderJson } from './json.js'
export { renderNdjson, alertLine } from './ndjson.js'
export { renderNavigator, buildNavigatorLayer, tacticShortName, type NavigatorLayer } from './navigator.js'
export { renderHtml, jsonForScript } from './html.js'
export { renderMarkdown, renderInline, escapeHtml } from './markdown.js'
export { groupAlerts, isSequenceMember } from './group.js'

/** Where a report goes: stdout or a file (the CLI's line writer fits). */
export interface TextSink { write(text: string): Promise<void> }

export interface ReportWriterOptions {
  readonly table?: TableOptions
}

/**
 * Writes alerts as they are found. NDJSON streams each alert immediately (memory stays flat on noisy
 * hunts); the other formats need every alert (grouping, counts, layouts), so they are kept until `finish`.
 */
export interface ReportWriter {
  add(alert: Alert): Promise<void>
  finish(context: { readonly rules: readonly ReportRule[]; readonly run: ReportRun }): Promise<void>
}

export function createReportWriter(format: ReportFormat, sink: TextSink, opts: ReportWriterOptions = {}): ReportWriter {
  if (format === 'ndjson') {
    return {
      add: (alert) => sink.write(alertLine(alert)),
      finish: async () => {},
    }
  }
  const alerts: Alert[] = []
  return {
    add: async (alert) => { alerts.push(alert) },
    finish: (context) => sink.write(renderReport(format, { alerts, rules: context.rules, run: context.run }, opts)),
  }
}

/** Renders a whole report at once. */
export function renderReport(format: ReportFormat, input: ReportInput, opts: ReportWriterOptions = {}): string {
  switch (format) {
    case 'table': return renderTable(input, opts.table ?? { color: false })
    case 'csv': return renderCsv(input)
    case 'json': return renderJson(input)
    case 'ndjson': return renderNdjson(input.alerts)
    case 'navigator': return renderNavigator(input)
    case 'html': return renderHtml(input)
    default: return assertNever(format)
  }
}

function assertNever(x: never): never {
  throw new Error(`unknown report format ${String(x)}`)
}

// A terminal table of query results: one row per event, sequences grouped under their join key.
import type { QueryResult, EventRecord } from '../detect/index.js'
import { fieldAccessor, type Value } from '../eql/index.js'

const COLUMNS = ['@timestamp', 'event.category', 'host.name', 'process.name', 'process.command_line'] as const
const WIDTHS = [24, 10, 22, 18, 60]

export interface TableOptions { readonly color: boolean; readonly width?: number }

export function renderTable(results: readonly QueryResult[], opts: TableOptions): string {
  const get = COLUMNS.map((c) => fieldAccessor(c))
  const dim = (s: string) => (opts.color ? `\x1b[2m${s}\x1b[0m` : s)
  const bold = (s: string) => (opts.color ? `\x1b[1m${s}\x1b[0m` : s)
  const row = (rec: EventRecord | null) =>
    rec === null
      ? dim('  (missing event)')
      : '  ' + get.map((g, i) => fit(show(g(rec.event)), WIDTHS[i])).join('  ')
  const lines: string[] = [bold('  ' + COLUMNS.map((c, i) => fit(c, WIDTHS[i])).join('  '))]
  results.forEach((r, i) => {
    if (r.kind === 'event') lines.push(row(r.record))
    else {
      lines.push(bold(`${r.kind} ${i + 1}  join keys: ${JSON.stringify(r.joinKeys)}`))
      for (const m of r.members) lines.push(row(m))
    }
  })
  lines.push(dim(`${results.length} result(s)`))
  return lines.join('\n') + '\n'
}

function show(v: Value): string {
  if (v === null) return '-'
  if (Array.isArray(v)) return v.map(show).join(',')
  return String(v)
}

function fit(s: string, w: number): string {
  const clean = s.replace(/[\x00-\x1f\x7f]/g, ' ')
  return clean.length > w ? clean.slice(0, w - 1) + '…' : clean.padEnd(w)
}

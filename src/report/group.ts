// Shapes alert documents for people: sequence building blocks are folded under their shell alert, and each
// alert gets the few fields an analyst reads first (host, user, what ran, from where).
import { alertField, type Alert, type Severity } from '../alerts/index.js'
import type { AlertGroup } from './types.js'
import { severityRank } from './types.js'

/** True for a sequence member (building block with a position in its group). */
export function isSequenceMember(a: Alert): boolean {
  return typeof a['kibana.alert.group.index'] === 'number'
}

/**
 * Folds sequence members under their shell (Kibana's layout: N building blocks + 1 shell sharing
 * `kibana.alert.group.id`). Members whose shell is absent (filtered out) stay attached to nothing and are
 * dropped from the grouped view; they remain in the flat outputs (NDJSON, JSON).
 */
export function groupAlerts(alerts: readonly Alert[]): AlertGroup[] {
  const members = new Map<string, Alert[]>()
  for (const a of alerts) {
    if (!isSequenceMember(a)) continue
    const gid = a['kibana.alert.group.id']
    if (typeof gid !== 'string') continue
    let list = members.get(gid)
    if (list === undefined) members.set(gid, (list = []))
    list.push(a)
  }
  const groups: AlertGroup[] = []
  for (const a of alerts) {
    if (isSequenceMember(a)) continue
    const gid = a['kibana.alert.group.id']
    const list = typeof gid === 'string' ? members.get(gid) ?? [] : []
    list.sort((x, y) => (x['kibana.alert.group.index'] ?? 0) - (y['kibana.alert.group.index'] ?? 0))
    groups.push({ alert: a, members: list })
  }
  return groups
}

/** Time of the alert's source event (epoch ms), falling back to alert creation time. */
export function alertTimeMs(a: Alert): number {
  const t = a['kibana.alert.original_time'] ?? a['@timestamp']
  const ms = typeof t === 'string' ? Date.parse(t) : NaN
  return Number.isNaN(ms) ? 0 : ms
}

/** A field as display text: arrays joined with spaces, objects as JSON, absent as ''. */
export function fieldText(a: Alert, path: string): string {
  return valueText(alertField(a, path))
}

export function valueText(v: unknown): string {
  if (v === undefined || v === null) return ''
  if (Array.isArray(v)) return v.map(valueText).filter((s) => s !== '').join(' ')
  if (typeof v === 'object') return JSON.stringify(v)
  return String(v)
}

/** First non-empty value of `path` on the alert, then on its members in order. */
export function groupField(g: AlertGroup, path: string): string {
  const own = fieldText(g.alert, path)
  if (own !== '') return own
  for (const m of g.members) {
    const v = fieldText(m, path)
    if (v !== '') return v
  }
  return ''
}

/** Host label: host.name, else host.hostname, else host.id. */
export function hostOf(g: AlertGroup): string {
  return groupField(g, 'host.name') || groupField(g, 'host.hostname') || groupField(g, 'host.id')
}

/**
 * Who acted: the alert's own user, else the last member's that has one. In a sequence the last stage is
 * usually the process that ran the command (the WinRM child), whose user matters more than the
 * `SYSTEM` that accepted the connection.
 */
export function userOf(g: AlertGroup): string {
  const candidates = [g.alert, ...[...g.members].reverse()]
  for (const a of candidates) {
    const name = fieldText(a, 'user.name')
    if (name === '') continue
    const domain = fieldText(a, 'user.domain')
    return domain !== '' ? `${domain}\\${name}` : name
  }
  return ''
}

/** One line saying what an event did: the process that ran, or the connection that was made. */
export function eventSummary(a: Alert): string {
  const category = fieldText(a, 'event.category')
  const parts: string[] = []
  const cmd = fieldText(a, 'process.command_line')
  const pname = fieldText(a, 'process.name') || fieldText(a, 'process.executable')
  const srcIp = fieldText(a, 'source.ip')
  const dstPort = fieldText(a, 'destination.port')
  if (category.includes('network') || (srcIp !== '' && cmd === '')) {
    const src = srcIp + (fieldText(a, 'source.port') ? `:${fieldText(a, 'source.port')}` : '')
    const dst = fieldText(a, 'destination.ip') + (dstPort ? `:${dstPort}` : '')
    const dir = fieldText(a, 'network.direction')
    parts.push(`${dir ? dir + ' ' : ''}${src} → ${dst}`.trim())
    const who = pname || (fieldText(a, 'process.pid') ? `pid ${fieldText(a, 'process.pid')}` : '')
    if (who) parts.push(`(${who})`)
  } else {
    parts.push(cmd || pname)
    const parent = fieldText(a, 'process.parent.name')
    if (parent) parts.push(`← ${parent}`)
  }
  return parts.filter((s) => s !== '').join(' ')
}

/** What a top-level alert is about: its own summary, or its members' joined in stage order. */
export function groupSummary(g: AlertGroup): string {
  if (g.members.length === 0) return eventSummary(g.alert)
  return g.members.map((m) => eventSummary(m)).join(' ⇒ ')
}

/** Severity sort key: highest first, then time. */
export function compareGroups(x: AlertGroup, y: AlertGroup): number {
  const s = severityRank(y.alert['kibana.alert.severity']) - severityRank(x.alert['kibana.alert.severity'])
  return s !== 0 ? s : alertTimeMs(x.alert) - alertTimeMs(y.alert)
}

export function countBySeverity(groups: readonly AlertGroup[]): Map<Severity, number> {
  const m = new Map<Severity, number>()
  for (const g of groups) m.set(g.alert['kibana.alert.severity'], (m.get(g.alert['kibana.alert.severity']) ?? 0) + 1)
  return m
}

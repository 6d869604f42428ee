// Build alert documents from rule matches, as Kibana does: one alert per single-event match; for a sequence
// of N events, N building-block alerts plus one shell alert sharing `kibana.alert.group.id`. Ids are
// sha256 over (rule id, rule version, member event identities), so a replay yields the same ids.
import { createHash } from 'node:crypto'
import type { EcsEvent } from '../eql/index.js'
import { isDateMs } from '../eql/index.js'
import type { SourceRef } from '../ingest/index.js'
import type { Alert, AlertAncestor, AlertOverride, AlertThreat, Severity } from './types.js'
import { alertField } from './types.js'

/** What an alert records about its rule. */
export interface AlertRule {
  readonly ruleId: string
  /** Kibana's saved-object id; vigil uses the rule_id (stable across versions). */
  readonly uuid?: string
  readonly name: string
  readonly version: number
  readonly type: string
  readonly description: string
  readonly severity: Severity
  readonly riskScore: number
  readonly buildingBlockType?: 'default'
  readonly tags?: readonly string[]
  readonly threat?: readonly AlertThreat[]
  readonly references?: readonly string[]
  readonly falsePositives?: readonly string[]
}

/** One matched event: the ECS document and where it was read. EventRecord satisfies it. */
export interface AlertMember { readonly event: EcsEvent; readonly source?: SourceRef }

/** Severity, risk score and name after overrides (rules/overrides.ts), applied to the shell / single alert. */
export interface AlertDecision {
  readonly severity: Severity
  readonly riskScore: number
  readonly name: string
  readonly overrides: readonly AlertOverride[]
}

export interface BuildOptions {
  /** Alert creation time (`@timestamp`); default the wall clock. Pass a fixed clock for golden outputs. */
  readonly now?: () => Date
}

const sha256 = (parts: readonly unknown[]): string => createHash('sha256').update(JSON.stringify(parts)).digest('hex')

/**
 * The identity of a source event: `event.id` if present, else the Windows record (computer, channel,
 * record id), else a sha256 of the event's canonical JSON (keys sorted), so the same event always maps to
 * the same id whatever file or order it was read in.
 */
export function eventIdentity(event: EcsEvent): string {
  const id = readScalar(event, 'event.id')
  if (id !== undefined) return `event.id:${id}`
  const record = readScalar(event, 'winlog.record_id')
  if (record !== undefined) {
    const computer = readScalar(event, 'winlog.computer_name') ?? readScalar(event, 'host.name') ?? ''
    const channel = readScalar(event, 'winlog.channel') ?? ''
    return `winlog:${computer}:${channel}:${record}`
  }
  return `sha256:${createHash('sha256').update(canonicalJson(event)).digest('hex')}`
}

function readScalar(event: EcsEvent, path: string): string | undefined {
  const v = alertField(event as never, path)
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined
}

/** JSON with object keys sorted at every level. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const obj = value as { readonly [k: string]: unknown }
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort()
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`
}

/** Alert for a single-event rule match. */
export function buildEventAlert(rule: AlertRule, member: AlertMember, decision: AlertDecision, opts: BuildOptions = {}): Alert {
  const ancestor = ancestorOf(member)
  const id = sha256([rule.ruleId, rule.version, ancestor.id])
  return assemble(rule, member.event, {
    id,
    severity: decision.severity,
    riskScore: decision.riskScore,
    name: decision.name,
    overrides: decision.overrides,
    ancestors: [ancestor],
    originalTime: timestampOf(member.event),
    reason: reasonFor(member.event, decision.severity, decision.name),
    sources: [member.source],
  }, opts)
}

/**
 * Alerts for a sequence match: the shell first, then one building block per present member (a missing-event
 * stage has no event and no block). Overrides apply to the shell; blocks carry the rule defaults, as Kibana's.
 */
export function buildSequenceAlerts(
  rule: AlertRule,
  members: readonly (AlertMember | null)[],
  decision: AlertDecision,
  opts: BuildOptions = {},
): Alert[] {
  const present = members.flatMap((m, index) => (m === null ? [] : [{ m, index, ancestor: ancestorOf(m) }]))
  const identities = members.map((m, i) => (m === null ? `missing:${i}` : ancestorOf(m).id))
  const shellId = sha256([rule.ruleId, rule.version, ...identities])
  const merged = present.map((p) => p.m.event).reduce<unknown>((acc, e, i) => (i === 0 ? e : intersect(acc, e)), {}) ?? {}
  const first = present[0]
  const shell = assemble(rule, merged as EcsEvent, {
    id: shellId,
    severity: decision.severity,
    riskScore: decision.riskScore,
    name: decision.name,
    overrides: decision.overrides,
    ancestors: present.map((p) => p.ancestor),
    originalTime: first ? timestampOf(first.m.event) : null,
    reason: sequenceReason(present.map((p) => p.m.event), decision.severity, decision.name),
    sources: present.map((p) => p.m.source),
    groupId: shellId,
  }, opts)
  const blocks = present.map((p) => assemble(rule, p.m.event, {
    id: sha256([shellId, 'building_block', p.index]),
    severity: rule.severity,
    riskScore: rule.riskScore,
    name: rule.name,
    overrides: [],
    ancestors: [p.ancestor],
    originalTime: timestampOf(p.m.event),
    reason: reasonFor(p.m.event, rule.severity, rule.name),
    sources: [p.m.source],
    groupId: shellId,
    groupIndex: p.index,
    isBuildingBlock: true,
  }, opts))
  return [shell, ...blocks]
}

interface Parts {
  readonly id: string
  readonly severity: Severity
  readonly riskScore: number
  readonly name: string
  readonly overrides: readonly AlertOverride[]
  readonly ancestors: readonly AlertAncestor[]
  readonly originalTime: string | null
  readonly reason: string
  readonly sources: readonly (SourceRef | undefined)[]
  readonly groupId?: string
  readonly groupIndex?: number
  readonly isBuildingBlock?: boolean
}

function assemble(rule: AlertRule, event: EcsEvent, p: Parts, opts: BuildOptions): Alert {
  const { fields, originalEvent } = sourceFields(event)
  const isBuildingBlock = p.isBuildingBlock === true || rule.buildingBlockType === 'default'
  const sources = p.sources.filter((s): s is SourceRef => s !== undefined)
    .map((s) => ({ file: s.file, ...(s.line !== undefined ? { line: s.line } : {}), ...(s.offset !== undefined ? { offset: s.offset } : {}) }))
  return {
    ...fields,
    '@timestamp': (opts.now?.() ?? new Date()).toISOString(),
    'kibana.alert.uuid': p.id,
    'kibana.alert.status': 'active',
    'kibana.alert.workflow_status': 'open',
    'kibana.alert.severity': p.severity,
    'kibana.alert.risk_score': p.riskScore,
    'kibana.alert.reason': p.reason,
    'kibana.alert.original_time': p.originalTime,
    'kibana.alert.depth': Math.max(0, ...p.ancestors.map((a) => a.depth)) + 1,
    'kibana.alert.ancestors': p.ancestors,
    ...(isBuildingBlock ? { 'kibana.alert.building_block_type': 'default' as const } : {}),
    ...(p.groupId !== undefined ? { 'kibana.alert.group.id': p.groupId } : {}),
    ...(p.groupIndex !== undefined ? { 'kibana.alert.group.index': p.groupIndex } : {}),
    ...(originalEvent !== undefined ? { 'kibana.alert.original_event': originalEvent } : {}),
    'kibana.alert.rule.uuid': rule.uuid ?? rule.ruleId,
    'kibana.alert.rule.rule_id': rule.ruleId,
    'kibana.alert.rule.name': p.name,
    'kibana.alert.rule.version': rule.version,
    'kibana.alert.rule.type': rule.type,
    'kibana.alert.rule.description': rule.description,
    'kibana.alert.rule.severity': rule.severity,
    'kibana.alert.rule.risk_score': rule.riskScore,
    ...(rule.buildingBlockType ? { 'kibana.alert.rule.building_block_type': rule.buildingBlockType } : {}),
    'kibana.alert.rule.tags': rule.tags ?? [],
    'kibana.alert.rule.threat': rule.threat ?? [],
    'kibana.alert.rule.references': rule.references ?? [],
    'kibana.alert.rule.false_positives': rule.falsePositives ?? [],
    ...(p.overrides.length > 0 ? { 'vigil.alert.overrides': p.overrides } : {}),
    ...(sources.length > 0 ? { 'vigil.alert.sources': sources } : {}),
  }
}

/**
 * The source event's fields for the alert: `event.kind` becomes `signal` and the original `event.*` is kept
 * under `kibana.alert.original_event`. Source `kibana.*` fields (an alert used as input) are not copied.
 */
function sourceFields(event: EcsEvent): { fields: { [k: string]: unknown }; originalEvent?: { [k: string]: unknown } } {
  const entries = Object.entries(event).filter(([k]) => k !== 'kibana' && !k.startsWith('kibana.'))
  const fields = Object.fromEntries(entries) as { [k: string]: unknown }
  const nested = Object.hasOwn(event, 'event') ? event['event'] : undefined
  const dotted = entries.filter(([k]) => k.startsWith('event.'))
  const fromDotted = Object.fromEntries(dotted.map(([k, v]) => [k.slice('event.'.length), v]))
  if (isObject(nested)) {
    const originalEvent = { ...nested, ...fromDotted }
    const rest = Object.fromEntries(Object.entries(fields).filter(([k]) => k !== 'event.kind'))
    return { fields: { ...rest, event: { ...nested, kind: 'signal' } }, originalEvent }
  }
  return { fields: { ...fields, 'event.kind': 'signal' }, ...(dotted.length > 0 ? { originalEvent: fromDotted } : {}) }
}

function ancestorOf(member: AlertMember): AlertAncestor {
  const e = member.event
  const index = typeof e['_index'] === 'string' ? e['_index'] : member.source?.file ?? ''
  const alertId = alertField(e as never, 'kibana.alert.uuid')
  if (typeof alertId === 'string') {
    const depth = alertField(e as never, 'kibana.alert.depth')
    const rule = alertField(e as never, 'kibana.alert.rule.uuid')
    return { id: alertId, type: 'signal', index, depth: typeof depth === 'number' ? depth : 1, ...(typeof rule === 'string' ? { rule } : {}) }
  }
  return { id: eventIdentity(e), type: 'event', index, depth: 0 }
}

function timestampOf(event: EcsEvent): string | null {
  const t = alertField(event as never, '@timestamp')
  if (typeof t === 'string') return t
  // a raw numeric @timestamp outside the ECMAScript date range has no ISO form: keep the alert, drop the time
  return typeof t === 'number' && isDateMs(t) ? new Date(t).toISOString() : null
}

/** Kibana's recursive intersection: keys whose values are equal in both; arrays keep common elements. */
function intersect(a: unknown, b: unknown): unknown {
  if (Array.isArray(a) && Array.isArray(b)) {
    const bs = new Set(b.map(canonicalJson))
    const common = a.filter((x) => bs.has(canonicalJson(x)))
    return common.length > 0 ? common : undefined
  }
  if (isObject(a) && isObject(b)) {
    const out = Object.entries(a).flatMap(([k, v]) => {
      if (!Object.hasOwn(b, k)) return []
      const r = intersect(v, b[k])
      return r === undefined ? [] : [[k, r] as const]
    })
    return out.length > 0 ? Object.fromEntries(out) : undefined
  }
  return a === b ? a : undefined
}

const isObject = (x: unknown): x is { readonly [k: string]: unknown } => x !== null && typeof x === 'object' && !Array.isArray(x)

/** Kibana's reason sentence: each clause only when its fields are present. */
export function reasonFor(event: EcsEvent, severity: Severity, ruleName: string): string {
  return `${eventClauses(event)} created ${severity} alert ${ruleName}.`
}

function eventClauses(event: EcsEvent): string {
  const f = (path: string): string | undefined => {
    const v = alertField(event as never, path)
    const x = Array.isArray(v) ? v[0] : v
    return typeof x === 'string' || typeof x === 'number' ? String(x) : undefined
  }
  const category = f('event.category') ?? 'event'
  const clauses: string[] = []
  const processName = f('process.name')
  if (processName) clauses.push(`process ${processName}`)
  const parent = f('process.parent.name')
  if (parent) clauses.push(`parent process ${parent}`)
  const file = f('file.name')
  if (file) clauses.push(`file ${file}`)
  const src = f('source.ip')
  if (src) clauses.push(`source ${src}${f('source.port') ? `:${f('source.port')}` : ''}`)
  const dst = f('destination.ip')
  if (dst) clauses.push(`destination ${dst}${f('destination.port') ? `:${f('destination.port')}` : ''}`)
  let text = `${category} event${clauses.length > 0 ? ` with ${clauses.join(', ')}` : ''}`
  const user = f('user.name')
  if (user) text += `, by ${user}`
  const host = f('host.name')
  if (host) text += ` on ${host}`
  return text
}

/** A sequence reason names each member, since the shell's intersected fields say little. */
function sequenceReason(events: readonly EcsEvent[], severity: Severity, ruleName: string): string {
  const parts = events.map((e, i) => `[${i + 1}] ${eventClauses(e)}`)
  return `sequence of ${events.length} events: ${parts.join('; ')} created ${severity} alert ${ruleName}.`
}

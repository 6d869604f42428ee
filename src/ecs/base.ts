// The part of every normalized Windows event that does not depend on the provider: @timestamp,
// event.{kind,code,provider}, host.*, log.level and winlog.* (reference §8).
import { copyOwn, isObject, own, type Obj } from './obj.js'
import { epochToIso, toIsoMs } from './time.js'
import type { HostFields } from './host.js'
import type { NormalizerOptions, WindowsRecord } from './types.js'
import { rest, type EventData, type RestPlans } from './eventdata.js'

export const ECS_VERSION = '8.11.0'

export interface MapContext {
  readonly hostOf: (computer: string) => HostFields
  /** `winlog.user` for a SID, shared (frozen) between events: a handful of SIDs write most events. */
  readonly userOf: (sid: string) => Readonly<{ identifier: string }>
  /** `winlog.process` for System/Execution, shared (frozen) between events: one writer process per log. */
  readonly processOf: (pid: number, tid: number | undefined) => Readonly<{ pid: number; thread?: Readonly<{ id: number }> }>
  /** Which EventData keys reach winlog.event_data, memoized per event id and key list. */
  readonly restPlans: RestPlans
  readonly opts: Required<Pick<NormalizerOptions, 'security4688Args' | 'wfpSwapHeuristic' | 'winlogbeatHost'>> & {
    readonly volumeMap: ReadonlyMap<string, string>
    readonly defaultSystemDrive: string | null
  }
}

/** The event being built, with direct handles on the objects mappers fill. */
export interface Draft {
  readonly out: Obj
  readonly event: Obj
  readonly winlog: Obj
  /** EventData; what the mapper does not move ends in `winlog.event_data` (a mapper may enrich it). */
  data: EventData
  /** System/TimeCreated as ISO (event.created for Sysmon), parsed once. */
  readonly created: string | undefined
  readonly rec: WindowsRecord
  notes?: string[]
}

// Winlogbeat renders System/Level as text; Elastic's pipelines move it to log.level.
// Shared and frozen: identical in every event.
const LOG_LEVELS = ['information', 'critical', 'error', 'warning', 'information', 'verbose'].map((level) => Object.freeze({ level }))
const ECS = Object.freeze({ version: ECS_VERSION })

// Audit keyword bits as Winlogbeat renders them (winlog.keywords), from which event.outcome derives:
// 0x0010000000000000 Audit Failure, 0x0020000000000000 Audit Success (bits 52 and 53).
export function auditKeywords(keywords: WindowsRecord['keywords']): string[] | undefined {
  if (keywords === undefined) return undefined
  if (typeof keywords !== 'string') return keywords.length > 0 ? [...keywords] : undefined
  // Only masks with bit 52 or 53 can carry audit keywords: test those digits before validating the rest.
  if (keywords.length !== 18 || keywords.charCodeAt(0) !== 48 || (keywords.charCodeAt(1) | 32) !== 120) return undefined
  // Bits 52–55 are the third hex digit: one char test rejects the common masks (Sysmon's 0x8000…).
  const digit = hexDigit(keywords.charCodeAt(4))
  if (digit < 0 || (digit & 3) === 0) return undefined
  for (let i = 2; i < 18; i++) if (hexDigit(keywords.charCodeAt(i)) < 0) return undefined
  const out: string[] = []
  if (digit & 2) out.push('Audit Success')
  if (digit & 1) out.push('Audit Failure')
  return out
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48
  const l = c | 32
  return l >= 97 && l <= 102 ? l - 87 : -1
}

export function timestampOf(rec: WindowsRecord): string | undefined {
  const t = rec.timeCreated
  if (t === undefined) return undefined
  return toIsoMs(t) ?? (/^\d{9,13}(\.\d+)?$/.test(t) ? epochToIso(Number(t)) : undefined)
}

export function buildBase(rec: WindowsRecord, cx: MapContext): Draft {
  const doc = rec.doc
  if (doc === undefined) return buildExportBase(rec, cx)
  const out: Obj = doc !== undefined ? copyOwn(doc) : {}
  const event: Obj = doc !== undefined && isObject(own(doc, 'event')) ? copyOwn(doc.event as Obj) : {}
  out.event = event
  event.kind = 'event'
  event.code = rec.eventId
  if (rec.provider !== '') event.provider = rec.provider

  const ts = timestampOf(rec)
  if (ts !== undefined && (doc === undefined || !Object.hasOwn(out, '@timestamp'))) out['@timestamp'] = ts
  else if (doc !== undefined && typeof out['@timestamp'] === 'string') {
    out['@timestamp'] = toIsoMs(out['@timestamp'] as string) ?? out['@timestamp']
  }
  out.ecs = ECS

  if (doc === undefined) {
    if (typeof rec.level === 'number') { const log = LOG_LEVELS[rec.level]; if (log !== undefined) out.log = log }
    else if (typeof rec.level === 'string') out.log = { level: rec.level.toLowerCase() }
  } else if (typeof rec.level === 'string') {
    out.log = { ...(isObject(out.log) ? (out.log as Obj) : {}), level: rec.level.toLowerCase() }
  }

  setHost(out, rec, cx)

  let winlog: Obj
  if (doc !== undefined && isObject(own(doc, 'winlog'))) {
    winlog = copyOwn(doc.winlog as Obj)
    delete winlog.event_data
    delete winlog.level
    delete winlog.time_created
  } else {
    winlog = {} // nothing to delete: a delete is a runtime call even for an absent key
  }
  out.winlog = winlog
  if (rec.channel !== undefined) winlog.channel = rec.channel
  if (rec.computer !== undefined) winlog.computer_name = rec.computer
  winlog.event_id = rec.eventId
  if (rec.provider !== '') winlog.provider_name = rec.provider
  if (rec.providerGuid !== undefined) winlog.provider_guid = rec.providerGuid
  if (rec.recordId !== undefined) winlog.record_id = rec.recordId
  if (rec.version !== undefined) winlog.version = rec.version
  if (doc === undefined) {
    if (rec.task !== undefined) winlog.task = rec.task
    if (rec.opcode !== undefined) winlog.opcode = rec.opcode
    const kw = auditKeywords(rec.keywords)
    if (kw !== undefined) winlog.keywords = kw
    if (rec.activityId !== undefined) winlog.activity_id = rec.activityId
    if (rec.processId !== undefined) {
      winlog.process = rec.threadId !== undefined ? { pid: rec.processId, thread: { id: rec.threadId } } : { pid: rec.processId }
    }
    if (rec.userSid !== undefined) winlog.user = cx.userOf(rec.userSid)
    if (rec.eventDataList !== undefined) winlog.event_data_list = rec.eventDataList
    if (rec.userData !== undefined) winlog.user_data = rec.userData
    if (rec.message !== undefined) out.message = rec.message
  }
  return { out, event, winlog, data: rec.eventData, created: ts, rec }
}

/**
 * buildBase for exported records (no shipped document): the same fields in the same order, but built
 * with object literals where the keys are known, so V8 allocates each object at its final shape instead
 * of growing it key by key (the normalizer is allocation-bound).
 */
function buildExportBase(rec: WindowsRecord, cx: MapContext): Draft {
  const provider = rec.provider
  const event: Obj = provider !== '' ? { kind: 'event', code: rec.eventId, provider } : { kind: 'event', code: rec.eventId }
  const ts = timestampOf(rec)
  const out: Obj = ts !== undefined ? { event, '@timestamp': ts, ecs: ECS } : { event, ecs: ECS }
  const level = rec.level
  if (typeof level === 'number') { const log = LOG_LEVELS[level]; if (log !== undefined) out.log = log }
  else if (typeof level === 'string') out.log = { level: level.toLowerCase() }
  const computer = rec.computer
  if (computer !== undefined) out.host = cx.hostOf(computer)
  const channel = rec.channel
  let winlog: Obj
  if (channel !== undefined && computer !== undefined && provider !== '') {
    winlog = { channel, computer_name: computer, event_id: rec.eventId, provider_name: provider }
  } else {
    winlog = {}
    if (channel !== undefined) winlog.channel = channel
    if (computer !== undefined) winlog.computer_name = computer
    winlog.event_id = rec.eventId
    if (provider !== '') winlog.provider_name = provider
  }
  out.winlog = winlog
  if (rec.providerGuid !== undefined) winlog.provider_guid = rec.providerGuid
  if (rec.recordId !== undefined) winlog.record_id = rec.recordId
  if (rec.version !== undefined) winlog.version = rec.version
  if (rec.task !== undefined) winlog.task = rec.task
  if (rec.opcode !== undefined) winlog.opcode = rec.opcode
  const kw = auditKeywords(rec.keywords)
  if (kw !== undefined) winlog.keywords = kw
  if (rec.activityId !== undefined) winlog.activity_id = rec.activityId
  if (rec.processId !== undefined) winlog.process = cx.processOf(rec.processId, rec.threadId)
  if (rec.userSid !== undefined) winlog.user = cx.userOf(rec.userSid)
  if (rec.eventDataList !== undefined) winlog.event_data_list = rec.eventDataList
  if (rec.userData !== undefined) winlog.user_data = rec.userData
  if (rec.message !== undefined) out.message = rec.message
  return { out, event, winlog, data: rec.eventData, created: ts, rec }
}

/** host.* from the originating computer (offline sources, WEF), or the shipping agent's when it is that computer. */
function setHost(out: Obj, rec: WindowsRecord, cx: MapContext): void {
  const computer = rec.computer
  const agentHost = out.host
  if (rec.doc !== undefined && isObject(agentHost) && cx.opts.winlogbeatHost === 'agent' && rec.channel !== 'ForwardedEvents' &&
      (computer === undefined || sameMachine(agentHost, computer))) {
    const host = copyOwn(agentHost)
    const os = isObject(own(host, 'os')) ? copyOwn(host.os as Obj) : {}
    if (os.type === undefined) os.type = 'windows'
    host.os = os
    if (computer !== undefined) {
      const derived = cx.hostOf(computer)
      if (host.id === undefined) host.id = derived.id
      if (host.name === undefined) host.name = derived.name
      if (host.hostname === undefined) host.hostname = derived.hostname
    }
    out.host = host
    return
  }
  if (computer !== undefined) out.host = cx.hostOf(computer)
  else if (isObject(agentHost)) {
    const host = copyOwn(agentHost)
    host.os = { ...(isObject(own(host, 'os')) ? (host.os as Obj) : {}), type: 'windows' }
    out.host = host
  }
}

function firstLabel(s: string): string {
  const i = s.indexOf('.')
  return (i > 0 ? s.slice(0, i) : s).toLowerCase()
}

function sameMachine(host: Obj, computer: string): boolean {
  const name = own(host, 'hostname') ?? own(host, 'name')
  return typeof name !== 'string' || firstLabel(name) === firstLabel(computer)
}

/** Puts what is left of EventData under winlog.event_data (Elastic drops it when empty). */
export function finish(d: Draft, cx: MapContext, removed?: ReadonlySet<string>): Obj {
  const left = rest(d.data, removed, cx.restPlans, d.rec.eventId)
  if (left !== undefined) d.winlog.event_data = left
  return d.out
}

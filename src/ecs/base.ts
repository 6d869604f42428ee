// The part of every normalized Windows event that does not depend on the provider: @timestamp,
// event.{kind,code,provider}, host.*, log.level and winlog.* (reference §8).
import { copyOwn, isObject, own, type Obj } from './obj.js'
import { epochToIso, toIsoMs } from './time.js'
import type { HostFields } from './host.js'
import type { NormalizerOptions, WindowsRecord } from './types.js'

export const ECS_VERSION = '8.11.0'

export interface MapContext {
  readonly hostOf: (computer: string) => HostFields
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
  /** EventData still unmapped; what is left ends in `winlog.event_data`. */
  readonly data: Record<string, string>
  readonly rec: WindowsRecord
  notes?: string[]
}

// Winlogbeat renders System/Level as text; Elastic's pipelines move it to log.level.
const LEVELS = ['information', 'critical', 'error', 'warning', 'information', 'verbose']

// Audit keyword bits as Winlogbeat renders them (winlog.keywords), from which event.outcome derives.
const AUDIT_FAILURE = 0x10n << 48n
const AUDIT_SUCCESS = 0x20n << 48n

export function auditKeywords(keywords: WindowsRecord['keywords']): string[] | undefined {
  if (keywords === undefined) return undefined
  if (typeof keywords !== 'string') return keywords.length > 0 ? [...keywords] : undefined
  if (!/^0x[0-9a-fA-F]{1,16}$/.test(keywords)) return undefined
  const mask = BigInt(keywords)
  const out: string[] = []
  if (mask & AUDIT_SUCCESS) out.push('Audit Success')
  if (mask & AUDIT_FAILURE) out.push('Audit Failure')
  return out.length > 0 ? out : undefined
}

export function timestampOf(rec: WindowsRecord): string | undefined {
  const t = rec.timeCreated
  if (t === undefined) return undefined
  return toIsoMs(t) ?? (/^\d{9,13}(\.\d+)?$/.test(t) ? epochToIso(Number(t)) : undefined)
}

export function buildBase(rec: WindowsRecord, cx: MapContext): Draft {
  const doc = rec.doc
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
  out.ecs = { version: ECS_VERSION }

  const level = typeof rec.level === 'number' ? LEVELS[rec.level] : rec.level
  if (level !== undefined) out.log = { ...(isObject(out.log) ? (out.log as Obj) : {}), level: level.toLowerCase() }

  setHost(out, rec, cx)

  const winlog: Obj = doc !== undefined && isObject(own(doc, 'winlog')) ? copyOwn(doc.winlog as Obj) : {}
  out.winlog = winlog
  delete winlog.event_data
  delete winlog.level
  delete winlog.time_created
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
    if (rec.userSid !== undefined) winlog.user = { identifier: rec.userSid }
    if (rec.eventDataList !== undefined) winlog.event_data_list = rec.eventDataList
    if (rec.userData !== undefined) winlog.user_data = rec.userData
    if (rec.message !== undefined) out.message = rec.message
  }
  return { out, event, winlog, data: rec.eventData, rec }
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

/** Moves what is left of EventData under winlog.event_data (Elastic drops it when empty). */
export function finish(d: Draft): Obj {
  // The map has a null prototype (its keys came from input) and is handed over as is: no copy.
  for (const _ in d.data) { d.winlog.event_data = d.data; break }
  return d.out
}

// Content-based recognition of a raw record: ECS (pass through), Winlogbeat/Elastic Agent before ingest
// pipelines, evtx_dump-style JSON (omerbenamram evtx_dump, Chainsaw, our XML/EVTX readers, python-evtx
// derivatives), and flattened NXLog/OTRF/Splunk exports. Each Windows shape becomes one WindowsRecord.
import { isObject, own, ownPath, setOwn, type Obj } from './obj.js'
import { isAbsent, renderValue, toInt } from './values.js'
import type { WindowsRecord } from './types.js'
import { eventData, type EventData } from './eventdata.js'
import { parseEventXml } from '../ingest/index.js'

export type Recognized =
  | { readonly kind: 'ecs'; readonly doc: Obj }
  | { readonly kind: 'windows'; readonly record: WindowsRecord }
  | { readonly kind: 'invalid'; readonly reason: string }

/** Classifies one parsed record. Never throws on any JSON value. */
export function recognize(raw: unknown): Recognized {
  if (!isObject(raw)) return { kind: 'invalid', reason: `expected a JSON object, found ${describe(raw)}` }
  // Fixed names absent from Object.prototype are read directly (an own-check per probe costs time on
  // every record); keys of the input are never used to index our objects here.
  const ev = raw.Event
  if (isObject(ev) && isObject(ev.System)) return fromEvtxJson(ev) // evtx_dump: the common case first
  let doc = raw
  // Envelopes: an Elasticsearch hit, a Splunk export row, a Chainsaw hunt hit.
  const source = doc._source
  if (isObject(source)) doc = source
  else {
    const result = doc.result
    if (isObject(result) && Object.hasOwn(doc, 'preview')) doc = result
    else {
      const data = ownPath(doc, 'document', 'data')
      if (isObject(data)) doc = data
    }
  }
  if (hasEcsCategory(doc)) return { kind: 'ecs', doc }

  const winlog = doc.winlog
  if (isObject(winlog) && (Object.hasOwn(winlog, 'event_id') || Object.hasOwn(winlog, 'event_data'))) {
    return fromWinlogbeat(doc, winlog)
  }
  const event = doc.Event
  if (isObject(event) && isObject(event.System)) return fromEvtxJson(event)
  if (isObject(doc.System)) return fromEvtxJson(doc)
  if (Object.hasOwn(doc, 'Event.System.EventID') || Object.hasOwn(doc, 'System.EventID')) return fromEvtxJson(unflatten(doc))
  if (typeof doc.Payload === 'string' && Object.hasOwn(doc, 'EventId')) return fromEvtxECmd(doc)
  // Splunk XmlWinEventLog rows carry the event itself in `_raw`: authoritative over the extracted fields.
  const rawXml = doc._raw
  if (typeof rawXml === 'string' && rawXml.startsWith('<Event')) {
    const parsed = parseEventXml(rawXml)
    if (parsed.ok && isObject(parsed.event)) {
      const ev = isObject(parsed.event.Event) ? parsed.event.Event : parsed.event
      if (isObject(ev.System)) return fromEvtxJson(ev)
    }
  }
  if (Object.hasOwn(doc, 'EventID') || Object.hasOwn(doc, 'EventCode') || Object.hasOwn(doc, 'EventId')) return fromFlat(doc)
  // Any other document with a timestamp is taken as ECS without categorization (generic rules may use it).
  if (Object.hasOwn(doc, '@timestamp')) return { kind: 'ecs', doc }
  return { kind: 'invalid', reason: 'not an ECS document or a recognised Windows event export (no event.category, winlog, Event.System or EventID)' }
}

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`
}

function hasEcsCategory(doc: Obj): boolean {
  if (Object.hasOwn(doc, 'event.category')) return true
  const ev = own(doc, 'event')
  return isObject(ev) && Object.hasOwn(ev, 'category')
}

// ---------------------------------------------------------------------------------------------
// evtx_dump / Chainsaw / XML-reader shape: {System:{…}, EventData|UserData}

/** An XML attribute in evtx_dump (`#attributes`) or xmltodict (`@Name`) rendering. */
function attr(el: unknown, name: string): unknown {
  if (!isObject(el)) return undefined
  const attrs = el['#attributes']
  if (isObject(attrs)) { const v = attrs[name]; if (v !== undefined) return v }
  return own(el, '@' + name)
}

function text(v: unknown): string | undefined {
  const s = renderValue(v)
  return s === undefined || s.length === 0 ? undefined : s
}

function fromEvtxJson(event: Obj): Recognized {
  const sys = event.System as Obj
  const provider = sys.Provider
  // evtx_dump puts XML attributes under `#attributes`; xmltodict-style `@Name` keys take the slower path.
  const pa = attrsOf(provider)
  const providerName = str(pa !== undefined ? pa.Name : attr(provider, 'Name')) ??
    str(pa !== undefined ? pa.EventSourceName : attr(provider, 'EventSourceName')) ?? (typeof provider === 'string' ? provider : undefined)
  const idRaw = sys.EventID
  const id = toInt(isObject(idRaw) ? own(idRaw, '#text') : idRaw)
  if (id === undefined) return { kind: 'invalid', reason: 'System/EventID missing or not a number' }
  const channel = str(sys.Channel)
  if (providerName === undefined && channel === undefined) return { kind: 'invalid', reason: 'System/Provider and System/Channel both missing' }

  const { data, list } = readEventData(event.EventData)
  const userData = event.UserData === undefined ? undefined : readUserData(event.UserData)
  const rendering = event.RenderingInfo
  const execution = sys.Execution
  const ea = attrsOf(execution)
  const record: WindowsRecord = {
    format: 'evtx-json',
    provider: providerName ?? '',
    providerGuid: str(pa !== undefined ? pa.Guid : attr(provider, 'Guid')),
    eventId: String(id),
    version: toInt(sys.Version),
    level: toInt(sys.Level),
    task: toInt(sys.Task),
    opcode: toInt(sys.Opcode),
    keywords: str(sys.Keywords),
    channel,
    computer: str(sys.Computer),
    timeCreated: str(attrOf(sys.TimeCreated, 'SystemTime')),
    recordId: str(sys.EventRecordID),
    processId: toInt(ea !== undefined ? ea.ProcessID : attr(execution, 'ProcessID')),
    threadId: toInt(ea !== undefined ? ea.ThreadID : attr(execution, 'ThreadID')),
    userSid: str(attrOf(sys.Security, 'UserID')),
    activityId: sys.Correlation == null ? undefined : str(attrOf(sys.Correlation, 'ActivityID')),
    eventData: data,
    eventDataList: list,
    userData,
    message: isObject(rendering) ? text(own(rendering, 'Message')) : undefined,
  }
  return { kind: 'windows', record }
}

function attrsOf(el: unknown): Obj | undefined {
  if (typeof el !== 'object' || el === null) return undefined
  const a = (el as Obj)['#attributes']
  return typeof a === 'object' && a !== null ? (a as Obj) : undefined
}

function attrOf(el: unknown, name: string): unknown {
  const a = attrsOf(el)
  return a !== undefined ? a[name] : attr(el, name)
}

/** A non-empty rendered value (strings pass through without a copy). */
function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v.length > 0 ? v : undefined
  return v === undefined || v === null ? undefined : text(v)
}

/** EventData read in place when it is a name → value object (evtx_dump); `<Data>` lists are indexed first. */
function readEventData(ed: unknown): { data: EventData; list?: string[] } {
  if (!isObject(ed)) return { data: eventData({}) }
  const items = ed.Data
  if (items === undefined) return { data: eventData(ed) }
  // `<Data>` items not turned into named keys: named objects, or unnamed values.
  const map: Obj = {}
  let list: string[] | undefined
  for (const key of Object.keys(ed)) {
    if (key !== 'Data' && key.charCodeAt(0) !== 35) setOwn(map, key, ed[key])
  }
  const arr = Array.isArray(items) ? items : isObject(items) && Array.isArray(items['#text']) ? (items['#text'] as unknown[]) : [items]
  for (const item of arr) {
    const name = attr(item, 'Name') ?? (isObject(item) ? own(item, 'Name') : undefined)
    if (typeof name === 'string') {
      setOwn(map, name, isObject(item) ? (own(item, '#text') ?? '') : item)
    } else {
      const s = renderValue(item)
      if (s !== undefined) (list ??= []).push(s)
    }
  }
  return list === undefined ? { data: eventData(map) } : { data: eventData(map), list }
}

/** UserData's one provider element → a flat map with `xml_name`, as Winlogbeat renders `winlog.user_data`. */
function readUserData(ud: unknown): Obj | undefined {
  if (!isObject(ud)) return undefined
  for (const key of Object.keys(ud)) {
    if (key.charCodeAt(0) === 35) continue
    const inner = ud[key]
    const out: Obj = {}
    setOwn(out, 'xml_name', key)
    if (isObject(inner)) {
      for (const k of Object.keys(inner)) {
        if (k.charCodeAt(0) === 35) continue
        const s = renderValue(inner[k])
        if (s !== undefined) setOwn(out, k, s)
      }
    }
    return out
  }
  return undefined
}

/** Chainsaw-style dotted keys (`Event.System.EventID`) back to nesting; `__proto__` stays data. */
function unflatten(doc: Obj): Obj {
  const root: Obj = {}
  for (const key of Object.keys(doc)) {
    const parts = key.split('.')
    let cur = root
    for (let i = 0; i < parts.length - 1; i++) {
      const p = parts[i]!
      let next = Object.hasOwn(cur, p) ? cur[p] : undefined
      if (!isObject(next)) { next = {}; setOwn(cur, p, next) }
      cur = next as Obj
    }
    setOwn(cur, parts[parts.length - 1]!, doc[key])
  }
  const event = own(root, 'Event')
  return isObject(event) ? event : root
}

// ---------------------------------------------------------------------------------------------
// Winlogbeat 7/8 and Elastic Agent documents as shipped, before the integration's ingest pipeline.

function fromWinlogbeat(doc: Obj, winlog: Obj): Recognized {
  const id = toInt(own(winlog, 'event_id'))
  if (id === undefined) return { kind: 'invalid', reason: 'winlog.event_id missing or not a number' }
  const ed = winlog.event_data
  const proc = own(winlog, 'process')
  const ud = own(winlog, 'user_data')
  const kw = own(winlog, 'keywords')
  const record: WindowsRecord = {
    format: 'winlogbeat',
    provider: text(own(winlog, 'provider_name')) ?? text(ownPath(doc, 'event', 'provider')) ?? '',
    providerGuid: text(own(winlog, 'provider_guid')),
    eventId: String(id),
    version: toInt(own(winlog, 'version')),
    level: text(own(winlog, 'level')),
    task: text(own(winlog, 'task')),
    opcode: text(own(winlog, 'opcode')),
    keywords: Array.isArray(kw) ? kw.filter((k): k is string => typeof k === 'string') : text(kw),
    channel: text(own(winlog, 'channel')),
    computer: text(own(winlog, 'computer_name')),
    // Only the pipeline's own source for event.created; @timestamp stays as the document has it.
    timeCreated: text(own(winlog, 'time_created')),
    recordId: text(own(winlog, 'record_id')),
    processId: toInt(ownPath(proc, 'pid')),
    threadId: toInt(ownPath(proc, 'thread', 'id')),
    userSid: text(ownPath(winlog, 'user', 'identifier')),
    activityId: text(own(winlog, 'activity_id')),
    eventData: eventData(isObject(ed) ? ed : {}),
    userData: isObject(ud) ? ud : undefined,
    message: text(own(doc, 'message')),
    doc,
  }
  return { kind: 'windows', record }
}

// ---------------------------------------------------------------------------------------------
// Flattened exports: NXLog im_msvistalog JSON (OTRF/Mordor security datasets) and Splunk rows.

// System-level keys of NXLog and Splunk rows (and the collector's own fields); the rest is EventData.
const FLAT_ENVELOPE = new Set([
  // NXLog / OTRF
  'EventTime', 'EventReceivedTime', 'Hostname', 'Keywords', 'EventType', 'SeverityValue', 'Severity',
  'EventID', 'SourceName', 'ProviderGuid', 'Version', 'Task', 'OpcodeValue', 'RecordNumber', 'ActivityID',
  'RelatedActivityID', 'ProcessID', 'ThreadID', 'Channel', 'Domain', 'AccountName', 'UserID', 'AccountType',
  'Category', 'Opcode', 'Message', 'SourceModuleName', 'SourceModuleType', 'host', 'port', 'tags', '@version',
  '@timestamp', 'Level', 'ExecutionProcessID', 'ExecutionThreadID', 'ERROR_EVT_UNRESOLVED', 'EventRecordID',
  'ProviderName', 'log_name', 'beat', 'agent', 'ecs', 'input', 'log', 'fields', 'type',
  // Splunk WinEventLog / XmlWinEventLog rows
  'EventCode', 'EventId', 'LogName', 'ComputerName', 'Computer', 'Type', 'TaskCategory', 'OpCode', 'RecordID',
  'Name', 'Guid', 'SystemTime', 'Security_ID', 'index', 'linecount', 'source', 'sourcetype', 'splunk_server',
  'eventtype', 'punct', 'timestartpos', 'timeendpos', 'tag', 'vendor_product', 'id', 'signature_id',
])

// Splunk's classic WinEventLog rows name fields after the rendered message labels.
const SPLUNK_ALIASES = new Map([
  ['New_Process_Name', 'NewProcessName'], ['New_Process_ID', 'NewProcessId'], ['Process_Command_Line', 'CommandLine'],
  ['Creator_Process_ID', 'ProcessId'], ['Creator_Process_Name', 'ParentProcessName'],
  ['Application_Name', 'Application'], ['Process_ID', 'ProcessID'], ['Source_Address', 'SourceAddress'],
  ['Source_Port', 'SourcePort'], ['Destination_Address', 'DestAddress'], ['Destination_Port', 'DestPort'],
  ['Layer_Name', 'LayerName'], ['Layer_Run_Time_ID', 'LayerRTID'], ['Filter_Run_Time_ID', 'FilterRTID'],
])

function fromFlat(doc: Obj): Recognized {
  const id = toInt(own(doc, 'EventID')) ?? toInt(own(doc, 'EventCode')) ?? toInt(own(doc, 'EventId'))
  if (id === undefined) return { kind: 'invalid', reason: 'EventID missing or not a number' }
  const provider = text(own(doc, 'SourceName')) ?? text(own(doc, 'ProviderName')) ?? text(own(doc, 'Name'))
  const channel = text(own(doc, 'Channel')) ?? text(own(doc, 'LogName')) ?? splunkChannel(own(doc, 'source'))
  const computer = text(own(doc, 'Hostname')) ?? text(own(doc, 'Computer')) ?? text(own(doc, 'ComputerName'))
  if (provider === undefined && channel === undefined) return { kind: 'invalid', reason: 'no provider (SourceName) or channel in a flattened event' }
  const map: Obj = {}
  for (const key of Object.keys(doc)) {
    if (FLAT_ENVELOPE.has(key)) continue
    const c = key.charCodeAt(0)
    if (c === 95 /* _ */ || key.startsWith('date_') || key.startsWith('tag::')) continue
    const v = doc[key]
    const s = renderValue(Array.isArray(v) ? v[0] : v)
    if (s !== undefined && !isAbsent(s)) setOwn(map, SPLUNK_ALIASES.get(key) ?? key, s)
  }
  // WFP events carry an EventData `ProcessID`, which NXLog writes over the System one; with
  // `ExecutionProcessID` present, `ProcessID` is EventData for every event.
  const pidIsData = Object.hasOwn(doc, 'ExecutionProcessID') || (id >= 5150 && id <= 5159)
  if (pidIsData) {
    const s = renderValue(own(doc, 'ProcessID'))
    if (s !== undefined && !isAbsent(s)) map.ProcessID = s
  }
  const time = own(doc, '_time')
  const record: WindowsRecord = {
    format: 'flat',
    provider: provider ?? '',
    providerGuid: text(own(doc, 'ProviderGuid')) ?? text(own(doc, 'Guid')),
    eventId: String(id),
    version: toInt(own(doc, 'Version')),
    level: toInt(own(doc, 'Level')) ?? text(own(doc, 'Level')),
    task: toInt(own(doc, 'Task')) ?? text(own(doc, 'TaskCategory')),
    opcode: toInt(own(doc, 'OpcodeValue')) ?? text(own(doc, 'Opcode')),
    keywords: text(own(doc, 'Keywords')),
    channel,
    computer,
    timeCreated: text(own(doc, 'EventTime')) ?? text(own(doc, 'SystemTime')) ??
      (typeof time === 'number' ? time.toString() : text(time)) ?? text(own(doc, '@timestamp')),
    recordId: text(own(doc, 'RecordNumber')) ?? text(own(doc, 'EventRecordID')) ?? text(own(doc, 'RecordID')),
    processId: toInt(own(doc, 'ExecutionProcessID')) ?? (pidIsData ? undefined : toInt(own(doc, 'ProcessID'))),
    threadId: toInt(own(doc, 'ExecutionThreadID')) ?? toInt(own(doc, 'ThreadID')),
    userSid: text(own(doc, 'UserID')),
    activityId: text(own(doc, 'ActivityID')),
    eventData: eventData(map),
    message: text(own(doc, 'Message')),
  }
  return { kind: 'windows', record }
}

/** Splunk's `source` is `WinEventLog:Security` or `XmlWinEventLog:Microsoft-Windows-Sysmon/Operational`. */
function splunkChannel(source: unknown): string | undefined {
  if (typeof source !== 'string') return undefined
  const i = source.indexOf(':')
  return i > 0 && /WinEventLog$/i.test(source.slice(0, i)) ? source.slice(i + 1) : undefined
}

// ---------------------------------------------------------------------------------------------
// EvtxECmd (Eric Zimmerman) JSON lines: System fields flat, EventData/UserData in `Payload`, a JSON string.

const EVTXECMD_KEYWORDS: Record<string, string> = { 'audit success': 'Audit Success', 'audit failure': 'Audit Failure' }

function fromEvtxECmd(doc: Obj): Recognized {
  const id = toInt(doc.EventId)
  if (id === undefined) return { kind: 'invalid', reason: 'EventId missing or not a number' }
  let payload: unknown
  try {
    payload = JSON.parse(doc.Payload as string)
  } catch (e) {
    return { kind: 'invalid', reason: `EvtxECmd Payload is not JSON: ${(e as Error).message}` }
  }
  const { data, list } = readEventData(isObject(payload) ? payload.EventData : undefined)
  const kw = typeof doc.Keywords === 'string'
    ? doc.Keywords.split(',').map((k) => own(EVTXECMD_KEYWORDS, k.trim().toLowerCase()) as string | undefined).filter((k): k is string => k !== undefined)
    : []
  const record: WindowsRecord = {
    format: 'flat',
    provider: text(doc.Provider) ?? '',
    eventId: String(id),
    level: text(doc.Level),
    keywords: kw.length > 0 ? kw : undefined,
    channel: text(doc.Channel),
    computer: text(doc.Computer),
    timeCreated: text(doc.TimeCreated),
    recordId: text(doc.EventRecordId),
    processId: toInt(doc.ProcessId),
    threadId: toInt(doc.ThreadId),
    userSid: text(doc.UserId),
    eventData: data,
    eventDataList: list,
    userData: isObject(payload) && payload.UserData !== undefined ? readUserData(payload.UserData) : undefined,
  }
  return { kind: 'windows', record }
}

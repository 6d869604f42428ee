// Microsoft-Windows-Sysmon/Operational → ECS, following Elastic Agent's windows.sysmon_operational
// ingest pipeline field by field (reference §2–§4). Deliberate differences are listed in README.md.
import { splitArgvW } from './argv.js'
import { type Draft } from './base.js'
import { drop, num, put, val, type EventData } from './eventdata.js'
import { DNS_STATUS, parseQueryResults, splitDomain } from './dns.js'
import { canonicalIp } from './ip.js'
import type { Obj } from './obj.js'
import { toIsoMs } from './time.js'
import { lastIndexOfChar, toBool, windowsBasename } from './values.js'

interface Category { readonly category?: readonly string[]; readonly type: readonly string[]; readonly action: string; readonly outcome?: string }

// Elastic's categorization table, keyed by Sysmon event id.
const SYSMON: Record<string, Category> = {
  1: { category: ['process'], type: ['start'], action: 'Process creation' },
  2: { category: ['file'], type: ['change'], action: 'A process changed a file creation time' },
  3: { category: ['network'], type: ['start', 'connection', 'protocol'], action: 'Network connection' },
  4: { category: ['process'], type: ['change'], action: 'Sysmon service state changed' },
  5: { category: ['process'], type: ['end'], action: 'Process terminated' },
  6: { category: ['driver'], type: ['start'], action: 'Driver loaded' },
  7: { category: ['process'], type: ['change'], action: 'Image loaded' },
  8: { category: ['process'], type: ['change'], action: 'CreateRemoteThread' },
  9: { category: ['process'], type: ['access'], action: 'RawAccessRead' },
  10: { category: ['process'], type: ['access'], action: 'ProcessAccess' },
  11: { category: ['file'], type: ['creation'], action: 'FileCreate' },
  12: { category: ['configuration', 'registry'], type: ['change'], action: 'RegistryEvent (Object create and delete)' },
  13: { category: ['configuration', 'registry'], type: ['change'], action: 'RegistryEvent (Value Set)' },
  14: { category: ['configuration', 'registry'], type: ['change'], action: 'RegistryEvent (Key and Value Rename)' },
  15: { category: ['file'], type: ['access'], action: 'FileCreateStreamHash' },
  16: { category: ['configuration'], type: ['change'], action: 'ServiceConfigurationChange' },
  17: { category: ['file'], type: ['creation'], action: 'PipeEvent (Pipe Created)' },
  18: { category: ['file'], type: ['access'], action: 'PipeEvent (Pipe Connected)' },
  19: { category: ['process'], type: ['info'], action: 'WmiEvent (WmiEventFilter activity detected)' },
  20: { category: ['process'], type: ['change'], action: 'WmiEvent (WmiEventConsumer activity detected)' },
  21: { category: ['process'], type: ['access'], action: 'WmiEvent (WmiEventConsumerToFilter activity detected)' },
  22: { category: ['network'], type: ['connection', 'protocol', 'info'], action: 'DNSEvent (DNS query)' },
  23: { category: ['file'], type: ['deletion'], action: 'FileDelete (File Delete archived)' },
  24: { type: ['change'], action: 'ClipboardChange (New content in the clipboard)' },
  25: { category: ['process'], type: ['change'], action: 'ProcessTampering (Process image change)' },
  26: { category: ['file'], type: ['deletion'], action: 'FileDeleteDetected (File Delete logged)' },
  27: { category: ['file'], type: ['creation'], action: 'FileBlockExecutable', outcome: 'failure' },
  28: { category: ['file'], type: ['deletion'], action: 'FileBlockShredding' },
  29: { category: ['file'], type: ['creation'], action: 'FileExecutableDetected' },
  255: { category: ['process'], type: [], action: 'Error', outcome: 'failure' },
}

// Shared by every event of an id, so frozen: one event's consumer cannot change another's.
for (const c of Object.values(SYSMON)) { Object.freeze(c.type); if (c.category) Object.freeze(c.category) }

// Everything Elastic's pipeline moves out of winlog.event_data (renames and the final cleanup).
export const SYSMON_REMOVED: ReadonlySet<string> = new Set([
  'UtcTime', 'RuleName', 'Hashes', 'Hash', 'ProcessGuid', 'SourceProcessGuid', 'SourceProcessGUID', 'ProcessId',
  'SourceProcessId', 'SourceThreadId', 'Image', 'SourceImage', 'Destination', 'CommandLine', 'CurrentDirectory',
  'ParentProcessGuid', 'ParentProcessId', 'ParentImage', 'ParentCommandLine', 'OriginalFileName', 'TargetFilename',
  'Device', 'PipeName', 'ImageLoaded', 'Protocol', 'DestinationPortName', 'SourcePortName', 'SourceIp', 'SourceHostname',
  'SourcePort', 'DestinationIp', 'DestinationHostname', 'DestinationPort', 'QueryName', 'Initiated', 'SourceIsIpv6',
  'DestinationIsIpv6', 'QueryStatus', 'Archived', 'IsExecutable', 'QueryResults', 'User', 'TargetObject',
  'TargetProcessGuid',
])

// Sysmon events with file fields (TargetFilename, Device, ImageLoaded, PipeName, signatures, Archived).
const FILE_EVENTS = new Set(['2', '6', '7', '9', '11', '15', '17', '18', '23', '26', '27', '28', '29'])
const PROCESS_HASH_EVENTS = new Set(['1', '23', '24', '25'])
const FILE_HASH_EVENTS = new Set(['6', '7', '15', '26', '29'])

/** A row of the table with the event's flags, every row of one shape (monomorphic loads per event). */
interface SysmonEvent {
  readonly category: readonly string[] | undefined
  readonly type: readonly string[]
  readonly action: string
  readonly outcome: string | undefined
  readonly hasFile: boolean
  readonly processHash: boolean
  readonly fileHash: boolean
}

const EVENTS: Readonly<Record<string, SysmonEvent>> = Object.fromEntries(Object.entries(SYSMON).map(([code, c]) => [code, Object.freeze({
  category: c.category, type: c.type, action: c.action, outcome: c.outcome,
  hasFile: FILE_EVENTS.has(code), processHash: PROCESS_HASH_EVENTS.has(code), fileHash: FILE_HASH_EVENTS.has(code),
})]))

// A Map, not an object: a key from the input (`constructor\…`) must not find Object.prototype members,
// and Map.get of a fresh substring skips the string-table lookup a keyed property load makes.
const HIVES: ReadonlyMap<string, string> = new Map([
  ['HKEY_CLASSES_ROOT', 'HKCR'], ['HKCR', 'HKCR'], ['HKEY_CURRENT_CONFIG', 'HKCC'], ['HKCC', 'HKCC'],
  ['HKEY_CURRENT_USER', 'HKCU'], ['HKCU', 'HKCU'], ['HKEY_DYN_DATA', 'HKDD'], ['HKDD', 'HKDD'],
  ['HKEY_LOCAL_MACHINE', 'HKLM'], ['HKLM', 'HKLM'], ['HKEY_PERFORMANCE_DATA', 'HKPD'], ['HKPD', 'HKPD'],
  ['HKEY_USERS', 'HKU'], ['HKU', 'HKU'],
])

function pushUnique(list: string[], v: string): void {
  if (!list.includes(v)) list.push(v)
}

/** Maps a Sysmon event; returns false when the event id is outside Elastic's table (left unmapped). */
export function mapSysmon(d: Draft): boolean {
  const { out, event, data, rec } = d
  // Fixed EventData names are read straight off the parsed object (named loads V8 can cache per site).
  const src = data.src
  const code = rec.eventId
  const cat = EVENTS[code]
  if (cat === undefined) return false
  if (cat.category !== undefined) event.category = cat.category
  event.type = cat.type
  event.action = cat.action
  if (cat.outcome !== undefined) event.outcome = cat.outcome
  event.module = 'sysmon'
  event.dataset = 'windows.sysmon_operational'
  out.data_stream = DATA_STREAM
  if (d.created !== undefined) event.created = d.created
  const utc = val(src.UtcTime)
  if (utc !== undefined) {
    const ts = toIsoMs(utc)
    if (ts !== undefined) out['@timestamp'] = ts
  }
  let relatedHash: string[] | undefined
  let relatedUser: string[] | undefined
  let relatedIp: string[] | undefined
  let relatedHosts: string[] | undefined

  if (code === '255') {
    const id = val(src.ID)
    if (id !== undefined) { out.error = { code: id }; drop(data, 'ID') }
  }
  const ruleName = val(src.RuleName)
  if (ruleName !== undefined) out.rule = { name: ruleName }
  if (code === '25') {
    const type = val(src.Type)
    if (type !== undefined) { out.message = type; drop(data, 'Type') }
  }

  // Hashes: `SHA1=…,MD5=…,IMPHASH=…`, keys and values lower-cased, all-zero values dropped. IMPHASH is
  // held apart (it moves to pe.imphash in every mapping), so the hash object is never `delete`d from:
  // a delete turns it into a slow dictionary-mode object.
  const hashText = val(src.Hashes) ?? val(src.Hash)
  let hashes: Obj | undefined
  let imphash: string | undefined
  if (hashText !== undefined) {
    const lower = hashText.toLowerCase()
    const n = lower.length
    let start = 0
    let eq = -1 // the next `=` at or after `start`; reused across pairs so hostile text stays linear
    while (start <= n) {
      let end = lower.indexOf(',', start)
      if (end < 0) end = n
      if (eq < start) { eq = lower.indexOf('=', start); if (eq < 0) eq = n + 1 }
      if (eq > start && eq < end) {
        const key = trimmed(lower, start, eq)
        const value = trimmed(lower, eq + 1, end)
        if (!isZeros(value) && key !== '__proto__') {
          hashes ??= {}
          // Named stores for the usual keys keep the object's shape stable from event to event.
          switch (key) {
            case 'sha1': hashes.sha1 = value; break
            case 'md5': hashes.md5 = value; break
            case 'sha256': hashes.sha256 = value; break
            case 'imphash': imphash = value; break
            default: hashes[key] = value
          }
          ;(relatedHash ??= []).push(value)
        }
      }
      start = end + 1
    }
  }

  // process.*
  let proc: Obj | undefined
  let parent: Obj | undefined
  let pe: Obj | undefined
  const entity = val(src.ProcessGuid) ?? val(src.SourceProcessGuid) ?? val(src.SourceProcessGUID)
  if (entity !== undefined) (proc ??= {}).entity_id = entity
  const pid = num(src.ProcessId) ?? num(src.SourceProcessId)
  if (pid !== undefined) (proc ??= {}).pid = pid
  const tid = num(src.SourceThreadId)
  if (tid !== undefined) (proc ??= {}).thread = { id: tid }
  const exe = val(src.Image) ?? val(src.SourceImage) ?? val(src.Destination)
  if (exe !== undefined) (proc ??= {}).executable = exe
  // Command lines, working directory and parent exist in process creation (1) only; skipping the
  // look-ups elsewhere changes nothing (the fields are absent) and saves time on every other event.
  const isCreate = code === '1'
  const cmd = isCreate ? val(src.CommandLine) : undefined
  if (cmd !== undefined) (proc ??= {}).command_line = cmd
  const cwd = isCreate ? val(src.CurrentDirectory) : undefined
  if (cwd !== undefined) (proc ??= {}).working_directory = cwd
  const pEntity = isCreate ? val(src.ParentProcessGuid) : undefined
  if (pEntity !== undefined) (parent ??= {}).entity_id = pEntity
  const ppid = isCreate ? num(src.ParentProcessId) : undefined
  if (ppid !== undefined) (parent ??= {}).pid = ppid
  const pExe = isCreate ? val(src.ParentImage) : undefined
  if (pExe !== undefined) (parent ??= {}).executable = pExe
  const pCmd = isCreate ? val(src.ParentCommandLine) : undefined
  if (pCmd !== undefined) (parent ??= {}).command_line = pCmd
  if (hashes !== undefined && cat.processHash) {
    if (imphash !== undefined) (pe ??= {}).imphash = imphash
    ;(proc ??= {}).hash = hashes
  }
  if (isCreate || code === '4' || code === '16') pe = peFields(data, pe, true)
  if (pe !== undefined) (proc ??= {}).pe = pe
  if (cmd !== undefined) {
    const args = splitArgvW(cmd)
    proc!.args = args
    proc!.args_count = args.length
  }
  if (pCmd !== undefined) {
    const args = splitArgvW(pCmd)
    parent!.args = args
    parent!.args_count = args.length
  }
  // Elastic sets process.name only when the path has a `\` (so `Image: System` gets none).
  if (exe !== undefined && exe.length > 1) {
    const name = windowsBasename(exe)
    if (name !== undefined) proc!.name = name
  }
  if (pExe !== undefined && pExe.length > 1) {
    const name = windowsBasename(pExe)
    if (name !== undefined) parent!.name = name
  }
  if (parent !== undefined) (proc ??= {}).parent = parent
  if (proc !== undefined) out.process = proc

  // file.* (only events that carry file fields)
  let file: Obj | undefined
  const hasFile = cat.hasFile
  if (hashes !== undefined && cat.fileHash) {
    file = {}
    if (imphash !== undefined) file.pe = { imphash }
    file.hash = hashes
  }
  const path = hasFile ? val(src.TargetFilename) ?? val(src.Device) ?? val(src.ImageLoaded) : undefined
  const pipe = hasFile ? val(src.PipeName) : undefined
  if (pipe !== undefined) (file ??= {}).name = pipe
  if (path !== undefined) (file ??= {}).path = path
  const signature = hasFile ? val(src.Signature) : undefined
  const status = hasFile ? val(src.SignatureStatus) : undefined
  const signed = hasFile ? toBool(src.Signed) : undefined
  if (signature !== undefined || status !== undefined || signed !== undefined) {
    const cs: Obj = {}
    if (signature !== undefined) cs.subject_name = signature
    if (status !== undefined) cs.status = status
    // Elastic tests `Signed == true`, which a string never is; we accept the rendered `true` too.
    if (signed === true) cs.signed = true
    if (status === 'Valid') cs.valid = true
    ;(file ??= {}).code_signature = cs
  }
  if (code === '7' || code === '6') {
    const fpe = peFields(data, file?.pe as Obj | undefined, code === '7')
    if (fpe !== undefined) (file ??= {}).pe = fpe
  }
  if (path !== undefined && path.length > 1) {
    const i = lastIndexOfChar(path, 92 /* \\ */)
    if (i > -1) {
      file!.name = path.slice(i + 1)
      file!.directory = path.slice(0, i)
      const dot = lastIndexOfChar(path, 46 /* . */)
      if (dot > -1) file!.extension = path.slice(dot + 1)
    }
  }
  if (file !== undefined) out.file = file

  // network.*, source.*, destination.*, dns.* (network connection 3 and DNS query 22)
  let network: Obj | undefined
  const isNet = code === '3'
  const transport = isNet ? val(src.Protocol) : undefined
  if (transport !== undefined) (network ??= {}).transport = transport
  if (code === '22') (network ??= {}).protocol = 'dns'
  else if (isNet) {
    const portName = val(src.DestinationPortName) ?? val(src.SourcePortName)
    if (portName !== undefined) (network ??= {}).protocol = portName
  }
  const source = isNet ? endpoint(src.SourceIp, src.SourceHostname, src.SourcePort) : undefined
  const destination = isNet ? endpoint(src.DestinationIp, src.DestinationHostname, src.DestinationPort) : undefined
  if (source !== undefined) out.source = source
  if (destination !== undefined) out.destination = destination
  // Elastic compares `Initiated == "true"` exactly; we accept any case and JSON booleans (reference §4).
  const initiated = isNet ? toBool(src.Initiated) : undefined
  if (initiated !== undefined) (network ??= {}).direction = initiated ? 'egress' : 'ingress'
  const v6 = isNet ? toBool(src.SourceIsIpv6) : undefined
  if (v6 !== undefined) (network ??= {}).type = v6 ? 'ipv6' : 'ipv4'
  if (network !== undefined) out.network = network

  if (code === '22') {
    const query = val(src.QueryName)
    const results = val(src.QueryResults)
    if (query !== undefined || results !== undefined) {
      const dns: Obj = {}
      if (query !== undefined) dns.question = questionOf(query)
      if (results !== undefined) {
        const parsed = parseQueryResults(results)
        if (parsed.answers.length > 0) dns.answers = parsed.answers
        if (parsed.resolvedIp.length > 0) dns.resolved_ip = parsed.resolvedIp
        if (parsed.hosts.length > 0) relatedHosts = parsed.hosts
        for (const ip of parsed.resolvedIp) pushUnique((relatedIp ??= []), ip)
      }
      if (query !== undefined) pushUnique((relatedHosts ??= []), query)
      out.dns = dns
    }
  }

  // user.*: user.id is the Sysmon service's SID from System/Security (Elastic copies winlog.user.identifier).
  let user: Obj | undefined
  if (rec.userSid !== undefined) user = { id: rec.userSid }
  const account = val(src.User)
  if (account !== undefined) {
    const slash = account.indexOf('\\')
    if (slash >= 0 && account.indexOf('\\', slash + 1) < 0) {
      if (slash > 0) (user ??= {}).domain = account.slice(0, slash)
      if (slash < account.length - 1) {
        const name = account.slice(slash + 1)
        ;(user ??= {}).name = name
        relatedUser = [name]
      }
    }
  }
  if (user !== undefined) out.user = user

  // sysmon.* (dns status, file flags)
  const qs = code === '22' ? val(src.QueryStatus) : undefined
  const archived = hasFile ? toBool(src.Archived) : undefined
  const isExe = hasFile ? toBool(src.IsExecutable) : undefined
  if (qs !== undefined || archived !== undefined || isExe !== undefined) {
    const sysmon: Obj = {}
    if (qs !== undefined) sysmon.dns = { status: (Object.hasOwn(DNS_STATUS, qs) ? DNS_STATUS[qs] : undefined) ?? qs }
    if (archived !== undefined || isExe !== undefined) {
      const f: Obj = {}
      if (archived !== undefined) f.archived = archived
      if (isExe !== undefined) f.is_executable = isExe
      sysmon.file = f
    }
    out.sysmon = sysmon
  }

  if (source?.ip !== undefined) pushUnique((relatedIp ??= []), source.ip as string)
  if (destination?.ip !== undefined) pushUnique((relatedIp ??= []), destination.ip as string)
  if (relatedHash !== undefined || relatedUser !== undefined || relatedIp !== undefined || relatedHosts !== undefined) {
    const related: Obj = {}
    if (relatedHash !== undefined) related.hash = relatedHash
    if (relatedHosts !== undefined) related.hosts = relatedHosts
    if (relatedIp !== undefined) related.ip = relatedIp
    if (relatedUser !== undefined) related.user = relatedUser
    out.related = related
  }

  if (code === '12' || code === '13' || code === '14') {
    const target = val(src.TargetObject)
    if (target !== undefined) out.registry = registry(target, val(src.Details))
  }
  const targetGuid = val(src.TargetProcessGuid)
  if (targetGuid !== undefined) put(data, 'TargetProcessGUID', targetGuid)
  return true
}

const DATA_STREAM = Object.freeze({ dataset: 'windows.sysmon_operational', type: 'logs' })

/** `s.slice(from, to).trim()`, without the trim call when the ends are plain ASCII (the usual case). */
function trimmed(s: string, from: number, to: number): string {
  const a = s.charCodeAt(from)
  const b = s.charCodeAt(to - 1)
  const part = s.slice(from, to)
  return from < to && a > 32 && a < 127 && b > 32 && b < 127 ? part : part.trim()
}

function isZeros(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== 48) return false
  return true
}

/** PE metadata: `OriginalFileName` is moved, Company/Description/FileVersion/Product are copied (stay in event_data). */
function peFields(data: EventData, pe: Obj | undefined, withOriginal: boolean): Obj | undefined {
  const src = data.src
  if (withOriginal) {
    const ofn = val(src.OriginalFileName)
    if (ofn !== undefined) (pe ??= {}).original_file_name = ofn
  }
  const company = val(src.Company)
  if (company !== undefined) (pe ??= {}).company = company
  const description = val(src.Description)
  if (description !== undefined) (pe ??= {}).description = description
  const version = val(src.FileVersion)
  if (version !== undefined) (pe ??= {}).file_version = version
  const product = val(src.Product)
  if (product !== undefined) (pe ??= {}).product = product
  return pe
}

function questionOf(name: string): Obj {
  const q: Obj = { name }
  const parts = splitDomain(name)
  if (parts.registered_domain !== undefined) q.registered_domain = parts.registered_domain
  if (parts.subdomain !== undefined) q.subdomain = parts.subdomain
  if (parts.top_level_domain !== undefined) q.top_level_domain = parts.top_level_domain
  return q
}

/** source.* or destination.* from Sysmon's `<Side>Ip`, `<Side>Hostname`, `<Side>Port` values. */
function endpoint(ipValue: unknown, hostValue: unknown, portValue: unknown): Obj | undefined {
  const ipText = val(ipValue)
  const domain = val(hostValue)
  const port = num(portValue)
  if (ipText === undefined && domain === undefined && port === undefined) return undefined
  const e: Obj = {}
  if (ipText !== undefined) {
    const ip = canonicalIp(ipText)
    if (ip !== undefined) e.ip = ip
  }
  if (domain !== undefined) e.domain = domain
  if (port !== undefined) e.port = port
  return e
}

const QWORD = /^QWORD \(((0x[0-9A-F]{8})-(0x[0-9A-F]{8}))\)$/i
const DWORD = /^DWORD \((0x[0-9A-F]{8})\)$/i

/** registry.* from TargetObject and Details, as Elastic's painless script builds it. */
function registry(path: string, details: string | undefined): Obj {
  const reg: Obj = { path }
  // Elastic splits on `\` and re-joins tokens 1..n: the same as the text after the first `\`.
  const first = path.indexOf('\\')
  const hive = HIVES.get(first < 0 ? path : path.slice(0, first))
  if (hive !== undefined) {
    reg.hive = hive
    if (first >= 0) reg.key = path.slice(first + 1)
  }
  reg.value = path.slice(lastIndexOfChar(path, 92 /* \\ */) + 1)
  if (details !== undefined) {
    const c = details.charCodeAt(0) | 32
    let m: RegExpExecArray | null
    if (c === 113 /* q */ && (m = QWORD.exec(details)) !== null) {
      // Elastic combines the halves as (high << 8) + low; kept for identical output.
      const value = (BigInt(parseInt(m[2]!.slice(2), 16)) << 8n) + BigInt(parseInt(m[3]!.slice(2), 16))
      reg.data = { strings: [value.toString()], type: 'SZ_QWORD' }
    } else if (c === 100 /* d */ && (m = DWORD.exec(details)) !== null) {
      reg.data = { strings: [String(parseInt(m[1]!.slice(2), 16))], type: 'SZ_DWORD' }
    } else if (details === 'Binary Data') {
      reg.data = { strings: [details], type: 'REG_BINARY' }
    } else {
      reg.data = { strings: [details], type: 'REG_SZ' }
    }
  }
  return reg
}

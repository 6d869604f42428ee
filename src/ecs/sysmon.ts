// Microsoft-Windows-Sysmon/Operational → ECS, following Elastic Agent's windows.sysmon_operational
// ingest pipeline field by field (reference §2–§4). Deliberate differences are listed in README.md.
import { splitArgvW } from './argv.js'
import { type Draft } from './base.js'
import { DNS_STATUS, parseQueryResults, splitDomain } from './dns.js'
import { canonicalIp } from './ip.js'
import type { Obj } from './obj.js'
import { toIsoMs } from './time.js'
import { toBool, toInt, windowsBasename } from './values.js'

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

const PROCESS_HASH_EVENTS = new Set(['1', '23', '24', '25'])
const FILE_HASH_EVENTS = new Set(['6', '7', '15', '26', '29'])

const HIVES: Record<string, string> = {
  HKEY_CLASSES_ROOT: 'HKCR', HKCR: 'HKCR', HKEY_CURRENT_CONFIG: 'HKCC', HKCC: 'HKCC', HKEY_CURRENT_USER: 'HKCU',
  HKCU: 'HKCU', HKEY_DYN_DATA: 'HKDD', HKDD: 'HKDD', HKEY_LOCAL_MACHINE: 'HKLM', HKLM: 'HKLM',
  HKEY_PERFORMANCE_DATA: 'HKPD', HKPD: 'HKPD', HKEY_USERS: 'HKU', HKU: 'HKU',
}

/** Takes an EventData value and removes it, as the pipeline's `rename` does. */
function take(data: Record<string, string>, key: string): string | undefined {
  const v = data[key]
  if (v !== undefined) delete data[key]
  return v
}

function pushUnique(list: string[], v: string): void {
  if (!list.includes(v)) list.push(v)
}

/** Maps a Sysmon event; returns false when the event id is outside Elastic's table (left unmapped). */
export function mapSysmon(d: Draft): boolean {
  const { out, event, data, rec } = d
  const code = rec.eventId
  const cat = SYSMON[code]
  if (cat === undefined) return false
  if (cat.category !== undefined) event.category = cat.category.slice()
  event.type = cat.type.slice()
  event.action = cat.action
  if (cat.outcome !== undefined) event.outcome = cat.outcome
  event.module = 'sysmon'
  event.dataset = 'windows.sysmon_operational'
  out.data_stream = { dataset: 'windows.sysmon_operational', type: 'logs' }
  if (rec.timeCreated !== undefined) {
    const created = toIsoMs(rec.timeCreated)
    if (created !== undefined) event.created = created
  }
  const utc = take(data, 'UtcTime')
  if (utc !== undefined) {
    const ts = toIsoMs(utc)
    if (ts !== undefined) out['@timestamp'] = ts
  }
  const related: { hash?: string[]; user?: string[]; ip?: string[]; hosts?: string[] } = {}

  if (code === '255') {
    const id = take(data, 'ID')
    if (id !== undefined) out.error = { code: id }
  }
  const ruleName = take(data, 'RuleName')
  if (ruleName !== undefined) out.rule = { name: ruleName }
  if (code === '25') {
    const type = take(data, 'Type')
    if (type !== undefined) out.message = type
  }

  // Hashes: `SHA1=…,MD5=…,IMPHASH=…`, keys and values lower-cased, all-zero values dropped.
  const hashText = take(data, 'Hashes') ?? take(data, 'Hash')
  let hashes: Obj | undefined
  if (hashText !== undefined) {
    for (const pair of hashText.split(',')) {
      const eq = pair.indexOf('=')
      if (eq <= 0) continue
      const key = pair.slice(0, eq).trim().toLowerCase()
      const value = pair.slice(eq + 1).trim().toLowerCase()
      if (/^0*$/.test(value) || key === '__proto__') continue
      ;(hashes ??= {})[key] = value
      ;(related.hash ??= []).push(value)
    }
  }

  // process.*
  const proc: Obj = {}
  const parent: Obj = {}
  let pe: Obj | undefined
  const entity = take(data, 'ProcessGuid') ?? take(data, 'SourceProcessGuid') ?? take(data, 'SourceProcessGUID')
  if (entity !== undefined) proc.entity_id = entity
  const pid = toInt(data.ProcessId) ?? toInt(data.SourceProcessId)
  if (pid !== undefined) proc.pid = pid
  delete data.ProcessId
  delete data.SourceProcessId
  const tid = toInt(take(data, 'SourceThreadId'))
  if (tid !== undefined) proc.thread = { id: tid }
  const exe = take(data, 'Image') ?? take(data, 'SourceImage') ?? take(data, 'Destination')
  if (exe !== undefined) proc.executable = exe
  const cmd = take(data, 'CommandLine')
  if (cmd !== undefined) proc.command_line = cmd
  const cwd = take(data, 'CurrentDirectory')
  if (cwd !== undefined) proc.working_directory = cwd
  const pEntity = take(data, 'ParentProcessGuid')
  if (pEntity !== undefined) parent.entity_id = pEntity
  const ppid = toInt(take(data, 'ParentProcessId'))
  if (ppid !== undefined) parent.pid = ppid
  const pExe = take(data, 'ParentImage')
  if (pExe !== undefined) parent.executable = pExe
  const pCmd = take(data, 'ParentCommandLine')
  if (pCmd !== undefined) parent.command_line = pCmd
  if (hashes !== undefined && PROCESS_HASH_EVENTS.has(code)) {
    if (hashes.imphash !== undefined) { (pe ??= {}).imphash = hashes.imphash; delete hashes.imphash }
    proc.hash = hashes
  }
  if (code !== '7') {
    const ofn = take(data, 'OriginalFileName')
    if (ofn !== undefined) (pe ??= {}).original_file_name = ofn
    // Copied, not moved: Company, Description, FileVersion and Product stay in winlog.event_data too.
    if (data.Company !== undefined) (pe ??= {}).company = data.Company
    if (data.Description !== undefined) (pe ??= {}).description = data.Description
    if (data.FileVersion !== undefined) (pe ??= {}).file_version = data.FileVersion
    if (data.Product !== undefined) (pe ??= {}).product = data.Product
  }
  if (pe !== undefined) proc.pe = pe
  if (cmd !== undefined) {
    proc.args = splitArgvW(cmd)
    proc.args_count = (proc.args as string[]).length
  }
  if (pCmd !== undefined) {
    parent.args = splitArgvW(pCmd)
    parent.args_count = (parent.args as string[]).length
  }
  // Elastic sets process.name only when the path has a `\` (so `Image: System` gets none).
  if (exe !== undefined && exe.length > 1) {
    const name = windowsBasename(exe)
    if (name !== undefined) proc.name = name
  }
  if (pExe !== undefined && pExe.length > 1) {
    const name = windowsBasename(pExe)
    if (name !== undefined) parent.name = name
  }
  for (const _ in parent) { proc.parent = parent; break }
  for (const _ in proc) { out.process = proc; break }

  // file.*
  const file: Obj = {}
  if (hashes !== undefined && FILE_HASH_EVENTS.has(code)) {
    if (hashes.imphash !== undefined) { file.pe = { imphash: hashes.imphash }; delete hashes.imphash }
    file.hash = hashes
  }
  const path = take(data, 'TargetFilename') ?? take(data, 'Device') ?? take(data, 'ImageLoaded')
  const pipe = take(data, 'PipeName')
  if (pipe !== undefined) file.name = pipe
  if (path !== undefined) file.path = path
  const signature = data.Signature
  const status = data.SignatureStatus
  if (signature !== undefined || status !== undefined || data.Signed !== undefined) {
    const cs: Obj = {}
    if (signature !== undefined) cs.subject_name = signature
    if (status !== undefined) cs.status = status
    // Elastic tests `Signed == true`, which a string never is; we accept the rendered `true` too.
    if (toBool(data.Signed) === true) cs.signed = true
    if (status === 'Valid') cs.valid = true
    file.code_signature = cs
  }
  if (code === '7') {
    const fpe: Obj = (file.pe as Obj | undefined) ?? {}
    const ofn = take(data, 'OriginalFileName')
    if (ofn !== undefined) fpe.original_file_name = ofn
    if (data.Company !== undefined) fpe.company = data.Company
    if (data.Description !== undefined) fpe.description = data.Description
    if (data.FileVersion !== undefined) fpe.file_version = data.FileVersion
    if (data.Product !== undefined) fpe.product = data.Product
    for (const _ in fpe) { file.pe = fpe; break }
  }
  if (path !== undefined && path.length > 1) {
    const i = path.lastIndexOf('\\')
    if (i > -1) {
      file.name = path.slice(i + 1)
      file.directory = path.slice(0, i)
      const dot = path.lastIndexOf('.')
      if (dot > -1) file.extension = path.slice(dot + 1)
    }
  }
  for (const _ in file) { out.file = file; break }

  // network.*, source.*, destination.*, dns.*
  const network: Obj = {}
  const transport = take(data, 'Protocol')
  if (transport !== undefined) network.transport = transport
  if (code === '22') network.protocol = 'dns'
  else {
    const portName = take(data, 'DestinationPortName')
    const srcPortName = take(data, 'SourcePortName')
    if (portName !== undefined || srcPortName !== undefined) network.protocol = portName ?? srcPortName
  }
  const source = endpoint(data, 'Source')
  const destination = endpoint(data, 'Destination')
  if (source !== undefined) out.source = source
  if (destination !== undefined) out.destination = destination
  // Elastic compares `Initiated == "true"` exactly; we accept any case and JSON booleans (reference §4).
  const initiated = toBool(take(data, 'Initiated'))
  if (initiated !== undefined) network.direction = initiated ? 'egress' : 'ingress'
  const v6 = toBool(take(data, 'SourceIsIpv6'))
  if (v6 !== undefined) network.type = v6 ? 'ipv6' : 'ipv4'
  delete data.DestinationIsIpv6
  for (const _ in network) { out.network = network; break }

  const query = take(data, 'QueryName')
  const results = take(data, 'QueryResults')
  if (query !== undefined || results !== undefined) {
    const dns: Obj = {}
    if (query !== undefined) dns.question = { name: query, ...splitDomain(query) }
    if (results !== undefined) {
      const parsed = parseQueryResults(results)
      if (parsed.answers.length > 0) dns.answers = parsed.answers
      if (parsed.resolvedIp.length > 0) dns.resolved_ip = parsed.resolvedIp
      if (parsed.hosts.length > 0) related.hosts = parsed.hosts
      for (const ip of parsed.resolvedIp) pushUnique((related.ip ??= []), ip)
    }
    if (query !== undefined) pushUnique((related.hosts ??= []), query)
    out.dns = dns
  }

  // user.*: user.id is the Sysmon service's SID from System/Security (Elastic copies winlog.user.identifier).
  const user: Obj = {}
  if (rec.userSid !== undefined) user.id = rec.userSid
  const account = take(data, 'User')
  if (account !== undefined) {
    const parts = account.split('\\')
    if (parts.length === 2) {
      if (parts[0] !== '') user.domain = parts[0]
      if (parts[1] !== '') user.name = parts[1]
    }
  }
  for (const _ in user) { out.user = user; break }

  // sysmon.* (dns status, file flags)
  const qs = take(data, 'QueryStatus')
  const archived = toBool(take(data, 'Archived'))
  const isExe = toBool(take(data, 'IsExecutable'))
  if (qs !== undefined || archived !== undefined || isExe !== undefined) {
    const sysmon: Obj = {}
    if (qs !== undefined) sysmon.dns = { status: DNS_STATUS[qs] ?? qs }
    if (archived !== undefined || isExe !== undefined) {
      const f: Obj = {}
      if (archived !== undefined) f.archived = archived
      if (isExe !== undefined) f.is_executable = isExe
      sysmon.file = f
    }
    out.sysmon = sysmon
  }

  if (user.name !== undefined) pushUnique((related.user ??= []), user.name as string)
  if (source?.ip !== undefined) pushUnique((related.ip ??= []), source.ip as string)
  if (destination?.ip !== undefined) pushUnique((related.ip ??= []), destination.ip as string)
  for (const _ in related) { out.related = related; break }

  if (code === '12' || code === '13' || code === '14') {
    const target = take(data, 'TargetObject')
    if (target !== undefined) out.registry = registry(target, data.Details)
  } else {
    delete data.TargetObject
  }
  if (data.TargetProcessGuid !== undefined) {
    data.TargetProcessGUID = data.TargetProcessGuid
    delete data.TargetProcessGuid
  }
  return true
}

/** source.* or destination.* from Sysmon's `<Prefix>Ip`, `<Prefix>Hostname`, `<Prefix>Port`. */
function endpoint(data: Record<string, string>, prefix: 'Source' | 'Destination'): Obj | undefined {
  const ipText = take(data, prefix + 'Ip')
  const domain = take(data, prefix + 'Hostname')
  const port = toInt(take(data, prefix + 'Port'))
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
  const tokens = path.split('\\')
  const hive = HIVES[tokens[0]!]
  if (hive !== undefined) {
    reg.hive = hive
    if (tokens.length > 1) reg.key = tokens.slice(1).join('\\')
  }
  reg.value = tokens[tokens.length - 1]
  if (details !== undefined) {
    let m = QWORD.exec(details)
    if (m !== null) {
      // Elastic combines the halves as (high << 8) + low; kept for identical output.
      const value = (BigInt(parseInt(m[2]!.slice(2), 16)) << 8n) + BigInt(parseInt(m[3]!.slice(2), 16))
      reg.data = { strings: [value.toString()], type: 'SZ_QWORD' }
    } else if ((m = DWORD.exec(details)) !== null) {
      reg.data = { strings: [String(parseInt(m[1]!.slice(2), 16))], type: 'SZ_DWORD' }
    } else if (details === 'Binary Data') {
      reg.data = { strings: [details], type: 'REG_BINARY' }
    } else {
      reg.data = { strings: [details], type: 'REG_SZ' }
    }
  }
  return reg
}

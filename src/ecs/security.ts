// Microsoft-Windows-Security-Auditing → ECS, following Elastic Agent's system.security pipeline
// (reference §5) for process and logon events, plus our own 5156/5157 mapping (reference §6, wfp.ts).
import { auditKeywords, type Draft, type MapContext } from './base.js'
import { splitArgvW, splitNaive } from './argv.js'
import { canonicalIp } from './ip.js'
import type { Obj } from './obj.js'
import { int, str, take } from './eventdata.js'
import { mapWfp } from './wfp.js'

interface Category { readonly category: readonly string[]; readonly type: readonly string[]; readonly action: string }
// Frozen: the arrays are shared by every event of an id.
const c = (category: string[], type: string[], action: string): Category =>
  ({ category: Object.freeze(category), type: Object.freeze(type), action })

// Elastic's categorization table (system.security standard.yml), the events hunts meet most.
const SECURITY: Record<string, Category> = {
  1100: c(['process'], ['end'], 'logging-service-shutdown'),
  1102: c(['iam'], ['admin', 'change'], 'audit-log-cleared'),
  1104: c(['iam'], ['admin'], 'logging-full'),
  4624: c(['authentication'], ['start'], 'logged-in'),
  4625: c(['authentication'], ['start'], 'logon-failed'),
  4634: c(['authentication'], ['end'], 'logged-out'),
  4647: c(['authentication'], ['end'], 'logged-out'),
  4648: c(['authentication'], ['start'], 'logged-in-explicit'),
  4657: c(['registry', 'configuration'], ['change'], 'registry-value-modified'),
  4672: c(['iam'], ['admin'], 'logged-in-special'),
  4673: c(['iam'], ['admin'], 'privileged-service-called'),
  4674: c(['iam'], ['admin'], 'privileged-operation'),
  4688: c(['process'], ['start'], 'created-process'),
  4689: c(['process'], ['end'], 'exited-process'),
  4697: c(['iam', 'configuration'], ['admin', 'change'], 'service-installed'),
  4698: c(['iam', 'configuration'], ['creation', 'admin'], 'scheduled-task-created'),
  4699: c(['iam', 'configuration'], ['deletion', 'admin'], 'scheduled-task-deleted'),
  4700: c(['iam', 'configuration'], ['change', 'admin'], 'scheduled-task-enabled'),
  4701: c(['iam', 'configuration'], ['change', 'admin'], 'scheduled-task-disabled'),
  4702: c(['iam', 'configuration'], ['change', 'admin'], 'scheduled-task-updated'),
  4719: c(['iam', 'configuration'], ['admin', 'change'], 'changed-audit-config'),
  4720: c(['iam'], ['user', 'creation'], 'added-user-account'),
  4722: c(['iam'], ['user', 'change'], 'enabled-user-account'),
  4723: c(['iam'], ['user', 'change'], 'changed-password'),
  4724: c(['iam'], ['user', 'change'], 'reset-password'),
  4725: c(['iam'], ['user', 'deletion'], 'disabled-user-account'),
  4726: c(['iam'], ['user', 'deletion'], 'deleted-user-account'),
  4728: c(['iam'], ['group', 'change'], 'added-member-to-group'),
  4732: c(['iam'], ['group', 'change'], 'added-member-to-group'),
  4738: c(['iam'], ['user', 'change'], 'modified-user-account'),
  4740: c(['iam'], ['user', 'change'], 'locked-out-user-account'),
  4756: c(['iam'], ['group', 'change'], 'added-member-to-group'),
  4768: c(['authentication'], ['start'], 'kerberos-authentication-ticket-requested'),
  4769: c(['authentication'], ['start'], 'kerberos-service-ticket-requested'),
  4771: c(['authentication'], ['start'], 'kerberos-preauth-failed'),
  4776: c(['authentication'], ['start'], 'credential-validated'),
  4778: c(['authentication', 'session'], ['start'], 'session-reconnected'),
  4779: c(['authentication', 'session'], ['end'], 'session-disconnected'),
  4798: c(['iam'], ['user', 'info'], 'group-membership-enumerated'),
  4799: c(['iam'], ['group', 'info'], 'user-member-enumerated'),
  5140: c(['network'], ['info', 'access'], 'network-share-object-accessed'),
  5145: c(['network'], ['info', 'access'], 'network-share-object-access-checked'),
}

// Events whose Subject* fields are the acting user (Elastic's "Copy Subject User from Event Data").
const SUBJECT_USER = new Set(['4657', '4670', '4672', '4673', '4674', '4688', '4689', '4697', '4698', '4699', '4700',
  '4701', '4702', '4719', '4720', '4722', '4723', '4724', '4725', '4726', '4728', '4732', '4738', '4740', '4756',
  '4798', '4799', '4648', '5140', '5145'])
// Events whose Target* fields are the user when no subject user was set (logon family).
const TARGET_USER = new Set(['4624', '4625', '4634', '4647', '4648', '4768', '4769', '4771', '4776', '4778', '4779'])
// Elastic's "Rename Common Auth Fields" list: ProcessId/ProcessName/IpAddress/IpPort/WorkstationName.
const COMMON_AUTH = new Set(['1100', '1102', '1104', '4624', '4625', '4648', '4670', '4673', '4674', '4689', '4697',
  '4719', '4720', '4722', '4723', '4724', '4725', '4726', '4728', '4732', '4738', '4740', '4756', '4768', '4769',
  '4770', '4771', '4798', '4799', '5140', '5145'])

const LOGON_TYPES: Record<string, string> = {
  2: 'Interactive', 3: 'Network', 4: 'Batch', 5: 'Service', 7: 'Unlock', 8: 'NetworkCleartext',
  9: 'NewCredentials', 10: 'RemoteInteractive', 11: 'CachedInteractive',
}

/** The part of a path after its last `\`, or the whole value (Elastic's `splitOnToken("\\")[-1]`). */
function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf('\\') + 1)
}

/** Maps a Security-Auditing event; returns false when it has no ECS categorization (left unmapped). */
export function mapSecurity(d: Draft, cx: MapContext): boolean {
  const { out, event, data, rec, winlog } = d
  const code = rec.eventId
  event.module = 'security'
  event.dataset = 'system.security'
  out.data_stream = DATA_STREAM
  const kw = auditKeywords(rec.keywords)
  if (kw?.includes('Audit Success')) event.outcome = 'success'
  else if (kw?.includes('Audit Failure')) event.outcome = 'failure'

  if (code === '5156' || code === '5157' || code === '5158') return mapWfp(d, cx)
  const cat = SECURITY[code]
  if (cat === undefined) return false
  event.category = cat.category
  event.type = cat.type
  event.action = cat.action
  if (event.outcome === undefined && (code === '4624' || code === '4625')) event.outcome = code === '4624' ? 'success' : 'failure'

  const subjectSid = str(data, 'SubjectUserSid')
  const subjectName = str(data, 'SubjectUserName')
  const subjectDomain = str(data, 'SubjectDomainName')
  const targetSid = str(data, 'TargetUserSid')
  const targetName = str(data, 'TargetUserName')
  const targetDomain = str(data, 'TargetDomainName')
  const user: Obj = {}
  const relatedUsers: string[] = []
  const relate = (name: string): void => { if (!relatedUsers.includes(name)) relatedUsers.push(name) }
  if (SUBJECT_USER.has(code)) {
    if (subjectSid !== undefined) user.id = subjectSid
    if (subjectName !== undefined) { user.name = subjectName; relate(subjectName) }
    if (subjectDomain !== undefined) user.domain = subjectDomain
  }
  if (TARGET_USER.has(code)) {
    const target: Obj = {}
    const into = user.id === undefined && user.name === undefined ? user : target
    if (targetSid !== undefined) into.id = targetSid
    if (targetName !== undefined) { const n = targetName.split('@')[0]!; into.name = n; relate(n) }
    if (targetDomain !== undefined) into.domain = targetDomain
    if (into === target && code !== '4648') { for (const _ in target) { user.target = target; break } }
    if ((code === '4624' || code === '4625') && subjectName !== undefined) relate(subjectName)
  }
  if (code === '4688' || code === '4648') {
    // TargetUser* of 4688 (event version 2) is the new process's account: user.effective.*
    const eff: Obj = {}
    if (targetSid !== undefined) eff.id = targetSid
    if (targetName !== undefined) { const n = targetName.split('@')[0]!; eff.name = n; relate(n) }
    if (targetDomain !== undefined) eff.domain = targetDomain
    for (const _ in eff) { user.effective = eff; break }
  }
  for (const _ in user) { out.user = user; break }

  const logon: Obj = {}
  const subjectLogon = str(data, 'SubjectLogonId')
  if (subjectLogon !== undefined) logon.id = subjectLogon
  const targetLogon = str(data, 'TargetLogonId')
  if ((code === '4624' || code === '4634' || code === '4647') && targetLogon !== undefined) logon.id = targetLogon
  const logonType = str(data, 'LogonType')
  if (logonType !== undefined) {
    const t = LOGON_TYPES[logonType]
    if (t !== undefined) logon.type = t
  }
  for (const _ in logon) { winlog.logon = logon; break }

  const proc: Obj = {}
  const related: Obj = {}
  if (COMMON_AUTH.has(code)) {
    const pid = int(data, 'ProcessId')
    if (pid !== undefined) { proc.pid = pid; take(data, 'ProcessId') }
    const exe = take(data, 'ProcessName')
    if (exe !== undefined) proc.executable = exe
    const source: Obj = {}
    const ipText = take(data, 'IpAddress')
    if (ipText !== undefined) {
      const ip = canonicalIp(ipText)
      if (ip !== undefined) source.ip = ip
    }
    const port = int(data, 'IpPort')
    if (port !== undefined) { source.port = port; take(data, 'IpPort') }
    const ws = take(data, 'WorkstationName')
    if (ws !== undefined) source.domain = ws
    for (const _ in source) { out.source = source; break }
    const client = take(data, 'ClientAddress')
    if (client !== undefined) related.ip = [canonicalIp(client) ?? client]
    else if (source.ip !== undefined) related.ip = [source.ip]
  }
  if (code === '4688') {
    const pid = int(data, 'NewProcessId')
    if (pid !== undefined) { proc.pid = pid; take(data, 'NewProcessId') }
    const exe = take(data, 'NewProcessName')
    if (exe !== undefined) proc.executable = exe
    const parent: Obj = {}
    const pExe = take(data, 'ParentProcessName')
    if (pExe !== undefined) { parent.executable = pExe; parent.name = lastSegment(pExe) }
    // The creator's pid is read but, as in Elastic, stays in winlog.event_data.ProcessId too.
    const ppid = int(data, 'ProcessId')
    if (ppid !== undefined) parent.pid = ppid
    for (const _ in parent) { proc.parent = parent; break }
    const cmd = str(data, 'CommandLine')
    if (cmd !== undefined) {
      proc.args = cx.opts.security4688Args === 'argvw' ? splitArgvW(cmd) : splitNaive(cmd)
      proc.command_line = cmd
    }
  }
  if (proc.executable !== undefined && proc.name === undefined) proc.name = lastSegment(proc.executable as string)
  for (const _ in proc) { out.process = proc; break }
  if (relatedUsers.length > 0) related.user = relatedUsers
  for (const _ in related) { out.related = related; break }
  return true
}

const DATA_STREAM = Object.freeze({ dataset: 'system.security', type: 'logs' })

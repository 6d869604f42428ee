// Microsoft-Windows-PowerShell/Operational → ECS as Elastic's windows.powershell_operational pipeline does:
// script block logging (4104: powershell.file.script_block_text, used by many Elastic rules), module
// logging (4103, ContextInfo split into fields), runspace start/stop (4105/4106).
import { splitArgvW } from './argv.js'
import type { Draft } from './base.js'
import { eventData, num, val, type EventData } from './eventdata.js'
import { setOwn, type Obj } from './obj.js'

// Everything the pipeline moves out of winlog.event_data (renames and cleanup).
export const POWERSHELL_REMOVED: ReadonlySet<string> = new Set([
  'HostID', 'HostApplication', 'HostName', 'SequenceNumber', 'User', 'ConnectedUser', 'ContextInfo', 'Severity',
  'MessageTotal', 'MessageNumber', 'Payload', 'ShellID', 'EngineVersion', 'PipelineID', 'RunspaceID', 'RunspaceId',
  'HostVersion', 'CommandLine', 'CommandPath', 'CommandName', 'CommandType', 'ScriptBlockId', 'ScriptBlockText', 'Path', 'ScriptName',
])

const DATA_STREAM = Object.freeze({ dataset: 'windows.powershell_operational', type: 'logs' })

/** 4103 ContextInfo: `        Host Name = ConsoleHost\n        Host Application = powershell.exe …` → fields, spaces removed from keys. */
function withContextInfo(data: EventData): EventData {
  const info = val(data.src.ContextInfo)
  if (info === undefined) return data
  const map: Obj = {}
  for (const key of Object.keys(data.src)) setOwn(map, key, data.src[key])
  for (const line of info.split('\n')) {
    const eq = line.indexOf('=')
    if (eq <= 0) continue
    const key = line.slice(0, eq).replace(/\s/g, '')
    const value = line.slice(eq + 1).trim()
    if (key !== '' && key.charCodeAt(0) !== 35) setOwn(map, key, value)
  }
  return eventData(map)
}

function splitAccount(account: string | undefined): { domain?: string; name?: string } | undefined {
  if (account === undefined) return undefined
  const parts = account.split('\\')
  if (parts.length !== 2) return undefined
  const out: { domain?: string; name?: string } = {}
  if (parts[0] !== '') out.domain = parts[0]
  if (parts[1] !== '') out.name = parts[1]
  return out
}

/** Maps a PowerShell/Operational event; returns the EventData to finish with (4103 adds ContextInfo fields). */
export function mapPowerShell(d: Draft): EventData {
  const { out, event, rec } = d
  const code = rec.eventId
  const data = code === '4103' ? withContextInfo(d.data) : d.data
  const src = data.src
  event.category = 'process'
  event.type = code === '4105' ? 'start' : code === '4106' ? 'end' : 'info'
  event.module = 'powershell'
  event.dataset = 'windows.powershell_operational'
  out.data_stream = DATA_STREAM
  const seq = num(src.SequenceNumber)
  if (seq !== undefined) event.sequence = seq

  const proc: Obj = {}
  const entity = val(src.HostID)
  if (entity !== undefined) proc.entity_id = entity
  const cmd = val(src.HostApplication)
  if (cmd !== undefined) {
    proc.command_line = cmd
    const args = splitArgvW(cmd)
    proc.args = args
    proc.args_count = args.length
  }
  const title = val(src.HostName)
  if (title !== undefined) proc.title = title
  for (const _ in proc) { out.process = proc; break }

  const user: Obj = {}
  const related: string[] = []
  if (rec.userSid !== undefined) user.id = rec.userSid
  const account = splitAccount(val(src.User))
  if (account?.domain !== undefined) user.domain = account.domain
  if (account?.name !== undefined) { user.name = account.name; related.push(account.name) }
  const connected = splitAccount(val(src.ConnectedUser))
  if (connected !== undefined && (connected.name !== undefined || connected.domain !== undefined)) {
    // A remote session: the connected user is the source, the local account the destination.
    out.source = { user: { ...connected } }
    if (connected.name !== undefined && !related.includes(connected.name)) related.push(connected.name)
    const dest: Obj = {}
    if (user.domain !== undefined) dest.domain = user.domain
    if (user.name !== undefined) dest.name = user.name
    out.destination = { user: dest }
    delete user.domain
    delete user.name
    if (connected.domain !== undefined) user.domain = connected.domain
    if (connected.name !== undefined) user.name = connected.name
  }
  for (const _ in user) { out.user = user; break }
  if (related.length > 0) out.related = { user: related }

  const ps: Obj = {}
  const sequence = num(src.MessageNumber)
  if (sequence !== undefined) ps.sequence = sequence
  const total = num(src.MessageTotal)
  if (total !== undefined) ps.total = total
  const id = val(src.ShellID)
  if (id !== undefined) ps.id = id
  const engine = val(src.EngineVersion)
  if (engine !== undefined) ps.engine = { version: engine }
  const pipeline = val(src.PipelineID)
  if (pipeline !== undefined) ps.pipeline_id = pipeline
  const runspace = val(src.RunspaceID) ?? val(src.RunspaceId)
  if (runspace !== undefined) ps.runspace_id = runspace
  const hostVersion = val(src.HostVersion)
  if (hostVersion !== undefined) ps.process = { executable_version: hostVersion }
  const command: Obj = {}
  const value = val(src.CommandLine)
  if (value !== undefined) command.value = value
  const cpath = val(src.CommandPath)
  if (cpath !== undefined) command.path = cpath
  const cname = val(src.CommandName)
  if (cname !== undefined) command.name = cname
  const ctype = val(src.CommandType)
  if (ctype !== undefined) command.type = ctype
  for (const _ in command) { ps.command = command; break }
  const blockId = val(src.ScriptBlockId)
  const blockText = val(src.ScriptBlockText)
  if (blockId !== undefined || blockText !== undefined) {
    const file: Obj = {}
    if (blockId !== undefined) file.script_block_id = blockId
    if (blockText !== undefined) file.script_block_text = blockText
    ps.file = file
  }
  for (const _ in ps) { out.powershell = ps; break }

  const path = val(src.Path) ?? val(src.ScriptName)
  if (path !== undefined) {
    const file: Obj = { path }
    const i = path.lastIndexOf('\\')
    if (path.length > 1 && i > -1) {
      file.name = path.slice(i + 1)
      file.directory = path.slice(0, i)
      const dot = path.lastIndexOf('.')
      if (dot > -1) file.extension = path.slice(dot + 1)
    }
    out.file = file
  }
  return data
}

// Deterministic generator of realistic detection rules (Elastic detection-rules TOML, EQL) for the hunt
// benchmark: process, network, file and registry rules in the shapes the public corpus uses — `:` on names
// and wildcards on paths and command lines, `==` on keyword fields, `in` lists, `not` exclusions, about 20%
// sequences joined by host or process — so the rule set's category/value index is measured as it is used.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { prng } from './generate.js'

const LOLBINS = [
  'certutil.exe', 'bitsadmin.exe', 'mshta.exe', 'regsvr32.exe', 'rundll32.exe', 'schtasks.exe', 'wmic.exe',
  'powershell.exe', 'pwsh.exe', 'cmd.exe', 'net.exe', 'net1.exe', 'whoami.exe', 'msbuild.exe', 'installutil.exe',
  'cscript.exe', 'wscript.exe', 'psexec.exe', 'sc.exe', 'reg.exe', 'vssadmin.exe', 'wevtutil.exe', 'bcdedit.exe',
  'nltest.exe', 'dsquery.exe', 'adfind.exe', 'curl.exe', 'ftp.exe', 'msiexec.exe', 'odbcconf.exe', 'cmstp.exe',
  'forfiles.exe', 'hh.exe', 'mavinject.exe', 'wuauclt.exe', 'svchost.exe', 'explorer.exe', 'taskhostw.exe',
  'conhost.exe', 'chrome.exe', 'winword.exe', 'excel.exe', 'outlook.exe', 'lsass.exe', 'services.exe',
]
const PARENTS = ['winword.exe', 'excel.exe', 'outlook.exe', 'explorer.exe', 'services.exe', 'wmiprvse.exe', 'winrshost.exe', 'wsmprovhost.exe', 'svchost.exe', 'cmd.exe', 'powershell.exe', 'mshta.exe']
/** Programs that are everywhere: a rule never keys on them alone (real rules pair them with rare arguments). */
const COMMON = new Set(['svchost.exe', 'explorer.exe', 'taskhostw.exe', 'conhost.exe', 'chrome.exe', 'cmd.exe', 'powershell.exe', 'services.exe', 'lsass.exe', 'wmic.exe', 'rundll32.exe', 'net.exe'])
const RARE_BINS = LOLBINS.filter((b) => !COMMON.has(b))
// Arguments and command-line fragments of attacks: rare in ordinary telemetry, as in real rules.
const ARGS = ['-enc', '-EncodedCommand', 'delete', 'shadows', 'urlcache', '-split', '/transfer', 'javascript:', 'http*', 'clear-log', 'sekurlsa::*', 'MiniDump', '/add', 'resetpassword', 'comsvcs.dll']
const CMDLINE = ['*-nop*', '*-w hidden*', '*downloadstring*', '*frombase64string*', '*.hta*', '*sekurlsa*', '*Invoke-Mimikatz*', '*IEX (*', '*/transfer*', '*delete shadows*', '*comsvcs.dll*MiniDump*', '*\\\\ADMIN$\\\\*']
const EXEC_PATHS = ['?:\\\\Windows\\\\Temp\\\\*', '?:\\\\Users\\\\*\\\\AppData\\\\Local\\\\Temp\\\\*', '?:\\\\ProgramData\\\\*', '?:\\\\Users\\\\Public\\\\*', '?:\\\\Windows\\\\System32\\\\*', '?:\\\\Program Files\\\\*']
const PORTS = [22, 23, 135, 139, 445, 1433, 3389, 4444, 5985, 5986, 8080, 443, 53, 88, 389, 636]
const FILE_EXT = ['exe', 'dll', 'ps1', 'vbs', 'js', 'hta', 'lnk', 'bat', 'scr', 'sys']
const FILE_PATHS = ['?:\\\\Users\\\\*\\\\AppData\\\\Roaming\\\\Microsoft\\\\Windows\\\\Start Menu\\\\Programs\\\\Startup\\\\*', '?:\\\\Windows\\\\Tasks\\\\*', '?:\\\\Windows\\\\System32\\\\Tasks\\\\*', '?:\\\\ProgramData\\\\Microsoft\\\\Windows\\\\Start Menu\\\\*', '?:\\\\Windows\\\\Temp\\\\*']
const REG_PATHS = [
  'HKLM\\\\SOFTWARE\\\\Microsoft\\\\Windows\\\\CurrentVersion\\\\Run\\\\*', 'HKEY_USERS\\\\*\\\\Software\\\\Microsoft\\\\Windows\\\\CurrentVersion\\\\Run\\\\*',
  'HKLM\\\\SYSTEM\\\\*ControlSet*\\\\Services\\\\*\\\\ImagePath', 'HKLM\\\\SOFTWARE\\\\Microsoft\\\\Windows NT\\\\CurrentVersion\\\\Image File Execution Options\\\\*\\\\Debugger',
  'HKLM\\\\SYSTEM\\\\*ControlSet*\\\\Control\\\\Lsa\\\\*', 'HKLM\\\\SOFTWARE\\\\Policies\\\\Microsoft\\\\Windows Defender\\\\*',
]
const TACTICS = [
  ['TA0002', 'Execution', 'T1059', 'Command and Scripting Interpreter'], ['TA0003', 'Persistence', 'T1547', 'Boot or Logon Autostart Execution'],
  ['TA0005', 'Defense Evasion', 'T1218', 'System Binary Proxy Execution'], ['TA0006', 'Credential Access', 'T1003', 'OS Credential Dumping'],
  ['TA0007', 'Discovery', 'T1087', 'Account Discovery'], ['TA0008', 'Lateral Movement', 'T1021', 'Remote Services'],
  ['TA0011', 'Command and Control', 'T1105', 'Ingress Tool Transfer'], ['TA0040', 'Impact', 'T1490', 'Inhibit System Recovery'],
] as const
const SEVERITY = [['low', 21], ['medium', 47], ['high', 73], ['critical', 99]] as const

export interface GeneratedRule { readonly name: string; readonly text: string }

/** `n` rules, the same for the same seed. About 20% are sequences. */
export function generateRules(n: number, seed = 7): GeneratedRule[] {
  const rnd = prng(seed)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]
  const some = <T>(xs: readonly T[], k: number): T[] => {
    const out = new Set<T>()
    while (out.size < Math.min(k, xs.length)) out.add(pick(xs))
    return [...out]
  }
  const quoted = (xs: readonly (string | number)[]) => xs.map((x) => (typeof x === 'number' ? String(x) : `"${x}"`)).join(', ')
  const hex = (k: number) => Array.from({ length: k }, () => Math.floor(rnd() * 16).toString(16)).join('')

  const processCondition = (): string => {
    const parts = ['host.os.type == "windows"', 'event.type == "start"']
    const shape = rnd()
    if (shape < 0.45) parts.push(`process.name : ${rnd() < 0.5 ? `"${pick(LOLBINS)}"` : `(${quoted(some(LOLBINS, 2 + Math.floor(rnd() * 3)))})`}`)
    else if (shape < 0.6) parts.push(`(process.name : "${pick(LOLBINS)}" or ?process.pe.original_file_name == "${pick(LOLBINS).toUpperCase()}")`)
    else if (shape < 0.75) parts.push(`process.parent.name : (${quoted(some(PARENTS, 1 + Math.floor(rnd() * 3)))})`)
    else parts.push(`process.executable : (${quoted(some(EXEC_PATHS, 1 + Math.floor(rnd() * 2)))})`)
    // Every rule narrows to something unusual: attack arguments or command lines.
    const extra = rnd()
    if (extra < 0.5) parts.push(`process.args : (${quoted(some(ARGS, 1 + Math.floor(rnd() * 3)))})`)
    else parts.push(`process.command_line : (${quoted(some(CMDLINE, 1 + Math.floor(rnd() * 2)))})`)
    if (rnd() < 0.2) parts.push(`process.parent.name : "${pick(PARENTS)}"`)
    if (rnd() < 0.4) parts.push(`not process.executable : "${pick(EXEC_PATHS)}"`)
    if (rnd() < 0.15) parts.push(`not user.id : ("S-1-5-18", "S-1-5-19", "S-1-5-20")`)
    return parts.join(' and\n  ')
  }
  const networkCondition = (): string => {
    const parts = ['host.os.type == "windows"']
    if (rnd() < 0.6) parts.push(`destination.port in (${quoted(some(PORTS, 1 + Math.floor(rnd() * 3)))})`)
    if (rnd() < 0.5) parts.push('network.direction : ("incoming", "ingress")')
    else parts.push('network.direction : ("outgoing", "egress")')
    // Narrowed by an unusual program, or by leaving the private address space.
    if (rnd() < 0.6) parts.push(`process.name : (${quoted(some(RARE_BINS, 1 + Math.floor(rnd() * 3)))})`)
    else parts.push('not cidrmatch(destination.ip, "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8")')
    if (rnd() < 0.3) parts.push('source.ip != "127.0.0.1" and source.ip != "::1"')
    return parts.join(' and\n  ')
  }
  const fileCondition = (): string => {
    const parts = ['host.os.type == "windows"', `event.type ${rnd() < 0.5 ? '== "creation"' : 'in ("creation", "change")'}`]
    if (rnd() < 0.5) parts.push(`file.extension : (${quoted(some(FILE_EXT, 1 + Math.floor(rnd() * 3)))})`)
    parts.push(`file.path : (${quoted(some(FILE_PATHS, 1 + Math.floor(rnd() * 2)))})`)
    if (rnd() < 0.4) parts.push(`not process.name : (${quoted(some(LOLBINS, 2))})`)
    return parts.join(' and\n  ')
  }
  const registryCondition = (): string => {
    const parts = ['host.os.type == "windows"', 'event.type == "change"', `registry.path : (${quoted(some(REG_PATHS, 1 + Math.floor(rnd() * 2)))})`]
    if (rnd() < 0.5) parts.push(`registry.data.strings : (${quoted(some(CMDLINE, 1 + Math.floor(rnd() * 2)))})`)
    if (rnd() < 0.4) parts.push(`process.name : (${quoted(some(LOLBINS, 1 + Math.floor(rnd() * 2)))})`)
    return parts.join(' and\n  ')
  }
  const eventQuery = (): string => {
    const r = rnd()
    if (r < 0.55) return `process where ${processCondition()}`
    if (r < 0.7) return `network where ${networkCondition()}`
    if (r < 0.85) return `file where ${fileCondition()}`
    return `registry where ${registryCondition()}`
  }
  const sequenceQuery = (): string => {
    const r = rnd()
    const span = pick(['5s', '30s', '1m', '1m', '5m'])
    if (r < 0.4) return `sequence by host.id with maxspan=${span}\n  [network where ${networkCondition()}]\n  [process where ${processCondition()}]`
    if (r < 0.7) return `sequence by process.entity_id with maxspan=${span}\n  [process where ${processCondition()}]\n  [network where ${networkCondition()}]`
    if (r < 0.85) return `sequence by host.id with maxspan=${span}\n  [process where ${processCondition()}]\n  [file where ${fileCondition()}]`
    return `sequence by host.id, process.entity_id with maxspan=${span}\n  [process where ${processCondition()}]\n  [registry where ${registryCondition()}]`
  }

  const rules: GeneratedRule[] = []
  for (let i = 0; i < n; i++) {
    const isSequence = rnd() < 0.2
    const query = isSequence ? sequenceQuery() : eventQuery()
    const [tacticId, tacticName, techniqueId, techniqueName] = pick(TACTICS)
    const [severity, risk] = pick(SEVERITY)
    const id = `${hex(8)}-${hex(4)}-4${hex(3)}-8${hex(3)}-${hex(12)}`
    const name = `Generated ${isSequence ? 'Sequence' : 'Event'} Rule ${String(i).padStart(4, '0')} (${tacticName})`
    const text = `[metadata]
creation_date = "2026/01/15"
integration = ["endpoint", "windows"]
maturity = "production"
updated_date = "2026/11/01"

[rule]
author = ["vigil bench"]
description = """
Generated rule ${i} for the hunt benchmark (${tacticName}).
"""
from = "now-9m"
index = ["logs-endpoint.events.*", "winlogbeat-*", "logs-windows.sysmon_operational-*"]
language = "eql"
license = "Apache-2.0"
name = "${name}"
risk_score = ${risk}
rule_id = "${id}"
severity = "${severity}"
tags = ["Domain: Endpoint", "OS: Windows", "Use Case: Threat Detection", "Tactic: ${tacticName}"]
type = "eql"
query = '''
${query}
'''

[[rule.threat]]
framework = "MITRE ATT&CK"

[[rule.threat.technique]]
id = "${techniqueId}"
name = "${techniqueName}"
reference = "https://attack.mitre.org/techniques/${techniqueId}/"

[rule.threat.tactic]
id = "${tacticId}"
name = "${tacticName}"
reference = "https://attack.mitre.org/tactics/${tacticId}/"
`
    rules.push({ name: `generated_${String(i).padStart(4, '0')}.toml`, text })
  }
  return rules
}

/** Writes the rules into `dir` (created) and returns it. */
export function writeGeneratedRules(dir: string, n: number, seed = 7): string {
  mkdirSync(dir, { recursive: true })
  for (const r of generateRules(n, seed)) writeFileSync(join(dir, r.name), r.text)
  return dir
}

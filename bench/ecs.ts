// ECS normalization throughput: Sysmon evtx_dump-style JSONL → JSON.parse → normalize, against the bare
// JSON.parse of the same lines (goal from issue 6: ≥ 0.5× that baseline). Run alone with
// `npx tsx bench/ecs.ts [events]`; bench/run.ts can import benchEcs/baselineParse/generateSysmonJsonl.
import { unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createNormalizer } from '../src/ecs/index.js'
import { prng } from './generate.js'
import { baselineNdjson, scanNdjson } from './ingest.js'

export interface EcsFigure {
  readonly events: number
  readonly seconds: number
}

/** JSON.parse + normalize of every line (the work `vigil convert` does per Sysmon record). */
export async function benchEcs(lines: string[]): Promise<EcsFigure> {
  // Warm-up on a separate normalizer (JIT, not caches), so the figure is the steady state.
  const warm = createNormalizer()
  for (let i = 0; i < Math.min(lines.length, 20_000); i++) warm(JSON.parse(lines[i]!))
  const normalize = createNormalizer()
  let sink = 0
  const t0 = process.hrtime.bigint()
  for (const line of lines) {
    const n = normalize(JSON.parse(line))
    if (n.status === 'mapped') sink++
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9
  if (sink === 0 && lines.length > 0) throw new Error('benchEcs: nothing was mapped; the input is not Sysmon')
  return { events: lines.length, seconds }
}

/** The baseline: JSON.parse of the same lines and nothing else. */
export async function baselineParse(lines: string[]): Promise<EcsFigure> {
  let sink: unknown
  for (let i = 0; i < Math.min(lines.length, 20_000); i++) sink = JSON.parse(lines[i]!)
  const t0 = process.hrtime.bigint()
  for (const line of lines) sink = JSON.parse(line)
  void sink
  return { events: lines.length, seconds: Number(process.hrtime.bigint() - t0) / 1e9 }
}

const IMAGES = [
  ['C:\\Windows\\System32\\svchost.exe', 'C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule'],
  ['C:\\Windows\\System32\\cmd.exe', '"C:\\Windows\\system32\\cmd.exe" /c "echo hello > C:\\Temp\\out.txt"'],
  ['C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', 'powershell.exe -NoProfile -ExecutionPolicy Bypass -Command "Get-Process | Select -First 5"'],
  ['C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe', '"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe" --type=renderer --lang=en-US --field-trial-handle=1234'],
  ['C:\\Windows\\System32\\conhost.exe', '\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1'],
  ['C:\\Windows\\explorer.exe', 'C:\\Windows\\Explorer.EXE'],
  ['C:\\Windows\\System32\\wbem\\WMIC.exe', 'wmic /node:10.1.2.3 process call create "calc.exe"'],
  ['C:\\Windows\\System32\\rundll32.exe', 'rundll32.exe shell32.dll,Control_RunDLL'],
] as const
const USERS = ['CORP\\alice', 'CORP\\bob', 'CORP\\svc_backup', 'NT AUTHORITY\\SYSTEM', 'CORP\\carol']
const DOMAINS = ['www.example.com', 'login.microsoftonline.com', 'update.vendor.example.net', 'cdn.example.org']

/** Deterministic Sysmon 1/3/11/13/22 records (evtx_dump JSON, typed values) over many computers. */
export function generateSysmonJsonl(n: number, seed: number): string[] {
  const rnd = prng(seed)
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!
  const hexs = (len: number): string => { let s = ''; while (s.length < len) s += Math.floor(rnd() * 0x100000000).toString(16).toUpperCase().padStart(8, '0'); return s.slice(0, len) }
  const guid = (): string => `${hexs(8)}-${hexs(4)}-${hexs(4)}-${hexs(4)}-${hexs(12)}`
  const start = Date.UTC(2024, 2, 4, 8, 0, 0)
  const lines: string[] = []
  let computer = ''
  let run = 0
  for (let i = 0; i < n; i++) {
    const t = new Date(start + i * 3).toISOString()
    // Records come in runs per computer, as in EVTX files and WEF batches (1–64 records), over 5000 computers.
    if (run-- <= 0) { computer = `WS-${String(Math.floor(rnd() * 5000)).padStart(5, '0')}.corp.example.com`; run = Math.floor(rnd() * 64) }
    const [image, cmd] = pick(IMAGES)
    const pid = 1000 + Math.floor(rnd() * 60000)
    const r = rnd()
    const id = r < 0.3 ? 1 : r < 0.55 ? 3 : r < 0.7 ? 11 : r < 0.85 ? 13 : 22
    const common: Record<string, unknown> = { RuleName: '-', UtcTime: t.replace('T', ' ').slice(0, 23), ProcessGuid: guid(), ProcessId: pid, Image: image }
    let data: Record<string, unknown>
    switch (id) {
      case 1: data = { ...common, FileVersion: '10.0.19041.3636 (WinBuild.160101.0800)', Description: 'Windows host process', Product: 'Microsoft® Windows® Operating System',
        Company: 'Microsoft Corporation', OriginalFileName: image.split('\\').pop(), CommandLine: cmd, CurrentDirectory: 'C:\\Windows\\system32\\', User: pick(USERS),
        LogonGuid: guid(), LogonId: '0x3e7', TerminalSessionId: 0, IntegrityLevel: 'System', Hashes: `SHA1=${hexs(40)},MD5=${hexs(32)},SHA256=${hexs(64)},IMPHASH=${hexs(32)}`,
        ParentProcessGuid: guid(), ParentProcessId: pid - 4, ParentImage: 'C:\\Windows\\System32\\services.exe', ParentCommandLine: 'C:\\Windows\\system32\\services.exe', ParentUser: 'NT AUTHORITY\\SYSTEM' }; break
      case 3: { const inbound = rnd() < 0.3
        data = { ...common, User: pick(USERS), Protocol: 'tcp', Initiated: !inbound, SourceIsIpv6: false, SourceIp: inbound ? `10.0.${Math.floor(rnd() * 255)}.${1 + Math.floor(rnd() * 254)}` : '10.0.0.21',
          SourceHostname: '-', SourcePort: 49152 + Math.floor(rnd() * 16000), SourcePortName: '-', DestinationIsIpv6: false, DestinationIp: inbound ? '10.0.0.21' : `93.184.${Math.floor(rnd() * 255)}.${1 + Math.floor(rnd() * 254)}`,
          DestinationHostname: '-', DestinationPort: inbound ? 5985 : 443, DestinationPortName: inbound ? '-' : 'https' }; break }
      case 11: data = { ...common, TargetFilename: `C:\\Users\\alice\\AppData\\Local\\Temp\\${hexs(8)}.tmp`, CreationUtcTime: t.replace('T', ' ').slice(0, 23), User: pick(USERS) }; break
      case 13: data = { ...common, EventType: 'SetValue', TargetObject: `HKLM\\System\\CurrentControlSet\\Services\\${hexs(6)}\\Start`, Details: 'DWORD (0x00000002)', User: pick(USERS) }; break
      default: data = { ...common, QueryName: pick(DOMAINS), QueryStatus: '0', QueryResults: `type:  5 edge.example.net;::ffff:93.184.216.${Math.floor(rnd() * 255)};`, User: pick(USERS) }
    }
    lines.push(JSON.stringify({ Event: { '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' }, System: {
      Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon', Guid: '{5770385F-C22A-43E0-BF4C-06F5698FFBD9}' } }, EventID: id, Version: 5, Level: 4, Task: id, Opcode: 0,
      Keywords: '0x8000000000000000', TimeCreated: { '#attributes': { SystemTime: t.replace('Z', '1234Z') } }, EventRecordID: 100000 + i, Correlation: null,
      Execution: { '#attributes': { ProcessID: 3320, ThreadID: 4216 } }, Channel: 'Microsoft-Windows-Sysmon/Operational', Computer: computer,
      Security: { '#attributes': { UserID: 'S-1-5-18' } } }, EventData: data } }))
  }
  return lines
}

/** The file form of the goal: the bare NDJSON baseline loop of bench/ingest.ts with normalize added. */
export async function benchEcsFile(path: string): Promise<EcsFigure> {
  const normalize = createNormalizer()
  return scanNdjson(path, (text) => { normalize(JSON.parse(text)) })
}

/** Writes the generated JSONL to a temporary file (for the file-based comparison). */
export function writeSysmonJsonl(lines: string[]): string {
  const path = join(tmpdir(), `vigil-bench-sysmon-${lines.length}-${process.pid}.jsonl`)
  writeFileSync(path, lines.join('\n') + '\n')
  return path
}

/** Best-of-`rounds` figures for both, alternating so load on a shared machine hits both alike. */
export async function compareEcs(lines: string[], rounds = 5): Promise<{ baseline: EcsFigure; ecs: EcsFigure; ratio: number }> {
  const rate = (f: EcsFigure): number => f.events / f.seconds
  let baseline = await baselineParse(lines)
  let ecs = await benchEcs(lines)
  for (let i = 1; i < rounds; i++) {
    const b = await baselineParse(lines)
    if (rate(b) > rate(baseline)) baseline = b
    const e = await benchEcs(lines)
    if (rate(e) > rate(ecs)) ecs = e
  }
  return { baseline, ecs, ratio: rate(ecs) / rate(baseline) }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 100_000)
  const lines = generateSysmonJsonl(n, 42)
  const { baseline, ecs, ratio } = await compareEcs(lines)
  const rate = (f: EcsFigure): number => Math.round(f.events / f.seconds)
  console.log(`in memory: JSON.parse ${rate(baseline)} ev/s; JSON.parse + normalize ${rate(ecs)} ev/s = ${ratio.toFixed(2)}× (goal ≥ 0.5×)`)
  const file = writeSysmonJsonl(lines)
  let base = await baselineNdjson(file)
  let norm = await benchEcsFile(file)
  for (let i = 0; i < 4; i++) {
    const b = await baselineNdjson(file); if (rate(b) > rate(base)) base = b
    const e = await benchEcsFile(file); if (rate(e) > rate(norm)) norm = e
  }
  console.log(`from file: NDJSON + JSON.parse ${rate(base)} ev/s; + normalize ${rate(norm)} ev/s = ${(rate(norm) / rate(base)).toFixed(2)}× (goal ≥ 0.5×)`)
  // On a loaded machine wall time is noisy; CPU time of this process is the steadier comparison.
  const cpu = async (f: () => Promise<unknown>): Promise<number> => { const c = process.cpuUsage(); await f(); const d = process.cpuUsage(c); return (d.user + d.system) / 1e6 }
  let cb = Infinity, ce = Infinity
  for (let i = 0; i < 4; i++) { cb = Math.min(cb, await cpu(() => baselineNdjson(file))); ce = Math.min(ce, await cpu(() => benchEcsFile(file))) }
  console.log(`from file, CPU time: baseline ${cb.toFixed(2)} s, with normalize ${ce.toFixed(2)} s = ${(cb / ce).toFixed(2)}×`)
  unlinkSync(file)
}

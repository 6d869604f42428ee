// Deterministic generator of realistic ECS Windows events (process starts and network connections over many
// hosts), as Elastic Defend / normalized Sysmon would produce them. Used by every benchmark, so figures are
// comparable from run to run. A small share of events are seed-detection positives.
import { createWriteStream, existsSync, statSync } from 'node:fs'
import { once } from 'node:events'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { prng } from '../test/prng.js'

export { prng }

const PROCESSES = [
  ['C:\\Windows\\System32\\svchost.exe', 'svchost.exe -k netsvcs -p -s Schedule'],
  ['C:\\Windows\\System32\\cmd.exe', 'cmd.exe /c echo hello > C:\\Temp\\out.txt'],
  ['C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', 'powershell.exe -NoProfile -Command Get-Process'],
  ['C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe', '"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe" --type=renderer --lang=en-US'],
  ['C:\\Windows\\System32\\conhost.exe', '\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1'],
  ['C:\\Windows\\explorer.exe', 'C:\\Windows\\Explorer.EXE'],
  ['C:\\Windows\\System32\\rundll32.exe', 'rundll32.exe shell32.dll,Control_RunDLL'],
  ['C:\\Windows\\System32\\wbem\\WMIC.exe', 'wmic os get caption'],
  ['C:\\Windows\\System32\\taskhostw.exe', 'taskhostw.exe Install $(Arg0)'],
  ['C:\\Windows\\System32\\net.exe', 'net use \\\\fileserver\\share'],
] as const
const PARENTS = ['explorer.exe', 'services.exe', 'svchost.exe', 'cmd.exe', 'winrshost.exe', 'userinit.exe']
const USERS = ['alice', 'bob', 'svc_backup', 'carol', 'dave', 'SYSTEM']

function naiveArgs(cmd: string): string[] {
  return cmd.split(' ').filter((s) => s.length > 0)
}

function hostOf(i: number): { id: string; name: string } {
  const hex = (i * 2654435761 >>> 0).toString(16).padStart(8, '0')
  return { id: `${hex}-4d2c-4b1a-9e3f-${(i + 1000000).toString(16).padStart(12, '0')}`, name: `WS-${String(i).padStart(6, '0')}.corp.example` }
}

export interface GenerateOptions {
  readonly events: number
  readonly hosts: number
  readonly seed?: number
  /** Milliseconds between consecutive events (time advances monotonically). */
  readonly stepMs?: number
}

/** Yields ECS events in time order. About 0.1% are WMIC remote commands, 0.2% WinRM sequences. */
export function* generateEcsEvents(opts: GenerateOptions): Generator<Record<string, unknown>> {
  const rnd = prng(opts.seed ?? 42)
  const start = Date.UTC(2026, 10, 1, 8, 0, 0)
  const step = opts.stepMs ?? 1
  let pid = 1000
  for (let i = 0; i < opts.events; i++) {
    const h = hostOf(Math.floor(rnd() * opts.hosts))
    const ts = new Date(start + i * step).toISOString()
    const host = { id: h.id, name: h.name, hostname: h.name.split('.')[0], os: { type: 'windows', family: 'windows', name: 'Windows 10 Pro' } }
    const user = { name: USERS[Math.floor(rnd() * USERS.length)], domain: 'CORP' }
    const r = rnd()
    pid = (pid + 4) % 60000
    if (r < 0.25) {
      const winrm = r < 0.002
      const src = winrm ? `10.${Math.floor(rnd() * 255)}.${Math.floor(rnd() * 255)}.${Math.floor(rnd() * 254) + 1}` : `192.168.${Math.floor(rnd() * 255)}.${Math.floor(rnd() * 254) + 1}`
      yield {
        '@timestamp': ts,
        event: { category: ['network'], type: ['connection', 'start'], kind: 'event', action: 'connection_accepted', code: '3', provider: 'Microsoft-Windows-Sysmon', module: 'sysmon' },
        host, user,
        process: winrm ? { pid: 4, name: 'System', executable: 'System' } : { pid, name: 'svchost.exe', executable: 'C:\\Windows\\System32\\svchost.exe' },
        network: { direction: winrm || rnd() < 0.5 ? 'ingress' : 'egress', transport: 'tcp', protocol: winrm ? 'http' : 'https' },
        source: { ip: src, port: 49152 + Math.floor(rnd() * 16000) },
        destination: { ip: '10.0.0.5', port: winrm ? 5985 : 443 },
      }
      continue
    }
    let exe: string
    let cmd: string
    let parentName = PARENTS[Math.floor(rnd() * PARENTS.length)]
    if (r < 0.251) {
      exe = 'C:\\Windows\\System32\\wbem\\WMIC.exe'
      cmd = `wmic /node:10.1.${Math.floor(rnd() * 255)}.${Math.floor(rnd() * 254) + 1} process call create "cmd.exe /c whoami"`
    } else {
      const p = PROCESSES[Math.floor(rnd() * PROCESSES.length)]
      exe = p[0]
      cmd = p[1]
      if (parentName === 'winrshost.exe' && rnd() < 0.9) parentName = 'explorer.exe'
    }
    const name = exe.slice(exe.lastIndexOf('\\') + 1)
    yield {
      '@timestamp': ts,
      event: { category: ['process'], type: ['start'], kind: 'event', action: 'start', code: '1', provider: 'Microsoft-Windows-Sysmon', module: 'sysmon' },
      host, user,
      process: {
        pid, name, executable: exe, command_line: cmd, args: naiveArgs(cmd), args_count: naiveArgs(cmd).length,
        entity_id: `{${h.id.slice(0, 8)}-${pid.toString(16)}-0000-0000-000000000000}`,
        parent: { pid: pid - 3, name: parentName, executable: `C:\\Windows\\System32\\${parentName}` },
        hash: { sha256: (i * 7919 >>> 0).toString(16).padStart(64, 'a') },
      },
    }
  }
}

/** Writes (once, cached in the temp dir) an NDJSON file of generated events and returns its path. */
export async function generatedNdjson(opts: GenerateOptions): Promise<string> {
  const path = join(tmpdir(), `vigil-bench-${opts.events}-${opts.hosts}-${opts.seed ?? 42}-v1.ndjson`)
  if (existsSync(path) && statSync(path).size > 0) return path
  const tmp = `${path}.${process.pid}.tmp`
  const out = createWriteStream(tmp)
  let buf = ''
  for (const ev of generateEcsEvents(opts)) {
    buf += JSON.stringify(ev) + '\n'
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain')
      buf = ''
    }
  }
  out.write(buf)
  out.end()
  await once(out, 'finish')
  const { renameSync } = await import('node:fs')
  renameSync(tmp, path)
  return path
}

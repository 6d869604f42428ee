// Security 5156/5157/5158 (Windows Filtering Platform) → ECS. Elastic ships no mapping for these
// (reference §6); this one is ours: direction from %%14592/%%14593, pid 4 as System, NT device
// paths to drive letters, and an orientation fix for inbound events logged local-side first.
import type { Draft, MapContext } from './base.js'
import { canonicalIp, ipType } from './ip.js'
import type { Obj } from './obj.js'
import { toInt } from './values.js'
import { int, str } from './eventdata.js'

const TRANSPORTS: Record<string, string> = { 1: 'icmp', 2: 'igmp', 6: 'tcp', 17: 'udp', 47: 'gre', 50: 'esp', 51: 'ah', 58: 'ipv6-icmp', 132: 'sctp' }
const EPHEMERAL_MIN = 49152

/** `%%14592` / `Inbound` → ingress, `%%14593` / `Outbound` → egress (message ids of the Security provider). */
function direction(v: string | undefined): 'ingress' | 'egress' | undefined {
  if (v === undefined) return undefined
  const s = v.trim().toLowerCase()
  if (s === '%%14592' || s === 'inbound') return 'ingress'
  if (s === '%%14593' || s === 'outbound') return 'egress'
  return undefined
}

const DEVICE = /^\\device\\(harddiskvolume\d+|mup|lanmanredirector)\\/i

/** `\device\harddiskvolume2\windows\system32\svchost.exe` → `C:\windows\system32\svchost.exe` (best effort). */
export function devicePathToDos(path: string, cx: MapContext): string {
  const m = DEVICE.exec(path)
  if (m === null) return path
  const device = m[1]!.toLowerCase()
  const rest = path.slice(m[0].length)
  if (device === 'mup' || device === 'lanmanredirector') return '\\\\' + rest
  const drive = cx.opts.volumeMap.get('\\device\\' + device) ?? cx.opts.defaultSystemDrive
  return drive === null ? path : `${drive}\\${rest}`
}

export function mapWfp(d: Draft, cx: MapContext): boolean {
  const { out, event, data, rec } = d
  const allowed = rec.eventId === '5156'
  event.category = ['network']
  event.type = allowed ? ['connection', 'start'] : ['connection', 'denied']
  event.action = allowed ? 'connection-allowed' : rec.eventId === '5157' ? 'connection-blocked' : 'bind-allowed'
  event.outcome = rec.eventId === '5157' ? 'failure' : 'success'
  if (rec.eventId === '5158') event.type = ['start']

  const proc: Obj = {}
  const pid = int(data, 'ProcessID') ?? int(data, 'ProcessId')
  if (pid !== undefined) proc.pid = pid
  const app = str(data, 'Application')
  if (app !== undefined) {
    const exe = devicePathToDos(app, cx)
    proc.executable = exe
    proc.name = exe.slice(exe.lastIndexOf('\\') + 1)
  } else if (pid === 4) {
    proc.executable = 'System'
    proc.name = 'System'
  }
  for (const _ in proc) { out.process = proc; break }

  const network: Obj = {}
  const dir = direction(str(data, 'Direction'))
  if (dir !== undefined) network.direction = dir
  const proto = str(data, 'Protocol')
  if (proto !== undefined) {
    network.iana_number = proto
    const t = TRANSPORTS[proto]
    if (t !== undefined) network.transport = t
  }
  let src = endpoint(str(data, 'SourceAddress'), str(data, 'SourcePort'))
  let dst = endpoint(str(data, 'DestAddress'), str(data, 'DestPort'))
  // Inbound events on older hosts list the local side first; the local service port is then the
  // source port. Swap back to initiator orientation (Source = client) when ports say so.
  if (dir === 'ingress' && cx.opts.wfpSwapHeuristic && src?.port !== undefined && dst?.port !== undefined &&
      (src.port as number) < EPHEMERAL_MIN && (dst.port as number) >= EPHEMERAL_MIN) {
    const t = src; src = dst; dst = t
    ;(d.notes ??= []).push('wfp-swap')
  }
  const anyIp = (src?.ip ?? dst?.ip) as string | undefined
  if (anyIp !== undefined) network.type = ipType(anyIp)
  for (const _ in network) { out.network = network; break }
  if (src !== undefined) out.source = src
  if (dst !== undefined) out.destination = dst
  const ips: string[] = []
  if (src?.ip !== undefined) ips.push(src.ip as string)
  if (dst?.ip !== undefined && dst.ip !== src?.ip) ips.push(dst.ip as string)
  if (ips.length > 0) out.related = { ip: ips }
  return true
}

function endpoint(addr: string | undefined, port: string | undefined): Obj | undefined {
  if (addr === undefined && port === undefined) return undefined
  const e: Obj = {}
  if (addr !== undefined) {
    const ip = canonicalIp(addr)
    if (ip !== undefined) e.ip = ip
  }
  const p = toInt(port)
  if (p !== undefined) e.port = p
  return e
}

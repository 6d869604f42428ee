// host.* for Windows events, which carry no host id (reference §8, §10): derived from System/Computer,
// the originating machine, so Sysmon and Security events of one computer join on host.id and
// forwarded (WEF) events keep their origin, not the collector.
import { createHash } from 'node:crypto'

// RFC 4122 DNS namespace: host.id = UUIDv5(DNS, lower-cased FQDN), stable across runs and tools.
const DNS_NAMESPACE = Buffer.from('6ba7b8109dad11d180b400c04fd430c8', 'hex')

export function uuidV5Dns(name: string): string {
  const h = createHash('sha1').update(DNS_NAMESPACE).update(name, 'utf8').digest()
  h[6] = (h[6]! & 0x0f) | 0x50
  h[8] = (h[8]! & 0x3f) | 0x80
  const x = h.toString('hex', 0, 16)
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`
}

const WINDOWS_OS = Object.freeze({ type: 'windows', family: 'windows', platform: 'windows' } as const)

export interface HostFields {
  readonly id: string
  readonly name: string
  readonly hostname: string
  readonly os: { readonly type: 'windows'; readonly family: 'windows'; readonly platform: 'windows' }
}

/** A per-normalizer cache of host.* by computer name; `overrides` maps lower-cased names to ids. */
export function createHostResolver(overrides: Readonly<Record<string, string>> = {}): (computer: string) => HostFields {
  const byLower = new Map<string, string>()
  for (const [k, v] of Object.entries(overrides)) byLower.set(k.toLowerCase(), v)
  const cache = new Map<string, HostFields>()
  // Records come in runs from one computer (an EVTX file is one machine's log): check the last one first.
  let lastComputer = ''
  let last: HostFields | undefined
  return (computer) => {
    if (computer === lastComputer && last !== undefined) return last
    let h = cache.get(computer)
    if (h !== undefined) { lastComputer = computer; last = h; return h }
    const lower = computer.toLowerCase()
    const dot = computer.indexOf('.')
    // Shared by every event of the computer, so frozen: a consumer cannot change another event's host.
    h = Object.freeze({
      id: byLower.get(lower) ?? uuidV5Dns(lower),
      name: computer,
      hostname: dot > 0 ? computer.slice(0, dot) : computer,
      os: WINDOWS_OS,
    })
    // Bounded: a hunt sees a handful of computers; a hostile input must not grow memory without limit.
    if (cache.size >= 10_000) cache.clear()
    cache.set(computer, h)
    lastComputer = computer
    last = h
    return h
  }
}

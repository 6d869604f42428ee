// IP addresses as Elasticsearch's `ip` field sees them: 16 bytes, IPv4 stored IPv4-mapped
// (::ffff:a.b.c.d), so `0:0:0:0:0:0:0:1` equals `::1` and `::ffff:10.0.0.1` equals `10.0.0.1`.
import ipaddr from 'ipaddr.js'

export type IpBytes = Uint8Array

/** Parses an IPv4 (four-part decimal) or IPv6 address; null when it is not an IP address. */
export function parseIp(text: string): IpBytes | null {
  const s = text.trim()
  // Nearly every address in Windows telemetry is plain dotted IPv4: read its octets without ipaddr.js
  // (a hot path: every ip comparison and cidrmatch of every network event comes through here).
  if (isCanonicalIpv4(s)) return ipv4Bytes(s)
  if (s.includes(':')) {
    if (s.includes('%') || !ipaddr.IPv6.isValid(s)) return null
    return Uint8Array.from(ipaddr.IPv6.parse(s).toByteArray())
  }
  if (!ipaddr.IPv4.isValidFourPartDecimal(s)) return null
  const out = new Uint8Array(16)
  out[10] = 0xff
  out[11] = 0xff
  out.set(ipaddr.IPv4.parse(s).octets, 12)
  return out
}

/** The IPv4-mapped bytes of a dotted quad already checked by isCanonicalIpv4. */
function ipv4Bytes(s: string): IpBytes {
  const out = new Uint8Array(16)
  out[10] = 0xff
  out[11] = 0xff
  let at = 12
  let v = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c === 46) { out[at++] = v; v = 0 } else v = v * 10 + c - 48
  }
  out[at] = v
  return out
}

function isV4Mapped(b: IpBytes): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false
  return b[10] === 0xff && b[11] === 0xff
}

/** The form Elasticsearch returns for an ip field: dotted IPv4, or RFC 5952 IPv6. */
export function formatIp(b: IpBytes): string {
  if (isV4Mapped(b)) return `${b[12]}.${b[13]}.${b[14]}.${b[15]}`
  return (ipaddr.fromByteArray(Array.from(b)) as ipaddr.IPv6).toRFC5952String()
}

/** Canonical text of an IP address (equal addresses give equal strings), or null. */
export function canonicalIp(text: string): string | null {
  if (isCanonicalIpv4(text)) return text // the common case, without parsing into bytes
  const b = parseIp(text)
  return b === null ? null : formatIp(b)
}

/** Orders addresses as Elasticsearch sorts ip fields (unsigned bytes of the 16-byte form). */
export function compareIp(a: IpBytes, b: IpBytes): number {
  for (let i = 0; i < 16; i++) {
    const d = (a[i] as number) - (b[i] as number)
    if (d !== 0) return d
  }
  return 0
}

export interface Cidr {
  readonly network: IpBytes
  /** Prefix length in the 128-bit space (an IPv4 /8 is /104 over ::ffff:0:0/96). */
  readonly prefix: number
}

/** Parses `10.0.0.0/8`, `fe80::/10`, or a bare address (a /32 or /128); host bits may be set. */
export function parseCidr(text: string): Cidr | null {
  const s = text.trim()
  const slash = s.indexOf('/')
  const addr = parseIp(slash < 0 ? s : s.slice(0, slash))
  if (addr === null) return null
  const isV4 = !s.slice(0, slash < 0 ? s.length : slash).includes(':')
  const max = isV4 ? 32 : 128
  let bits = max
  if (slash >= 0) {
    const p = s.slice(slash + 1)
    if (!/^\d{1,3}$/.test(p)) return null
    bits = Number(p)
    if (bits > max) return null
  }
  return { network: addr, prefix: isV4 ? bits + 96 : bits }
}

/** True when the address lies inside the block. */
export function cidrContains(c: Cidr, ip: IpBytes): boolean {
  const full = c.prefix >> 3
  for (let i = 0; i < full; i++) if (c.network[i] !== ip[i]) return false
  const rest = c.prefix & 7
  if (rest === 0) return true
  const mask = (0xff << (8 - rest)) & 0xff
  return ((c.network[full] as number) & mask) === ((ip[full] as number) & mask)
}

/** `a.b.c.d` with four decimal parts 0..255 and no leading zeros: already canonical. */
function isCanonicalIpv4(s: string): boolean {
  let parts = 0
  let i = 0
  const n = s.length
  while (i < n) {
    const start = i
    let v = 0
    while (i < n) {
      const c = s.charCodeAt(i) - 48
      if (c < 0 || c > 9) break
      v = v * 10 + c
      i++
    }
    const len = i - start
    if (len === 0 || len > 3 || v > 255 || (len > 1 && s.charCodeAt(start) === 48)) return false
    parts++
    if (i === n) break
    if (s.charCodeAt(i) !== 46 || parts === 4) return false
    i++
    if (i === n) return false
  }
  return parts === 4
}

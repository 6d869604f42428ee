// Canonical IP text, so a string comparison in a rule behaves like Elasticsearch's `ip` field type:
// `0:0:0:0:0:0:0:1` → `::1`, IPv4-mapped `::ffff:1.2.3.4` → `1.2.3.4`, IPv6 lower-case and compressed.
import ipaddr from 'ipaddr.js'

const plainIPv4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/

/** The canonical form of an IP address, or `undefined` when `text` is not one. */
export function canonicalIp(text: string): string | undefined {
  if (plainIPv4.test(text)) return text // the common case costs one linear regex test
  // IPv4 must be dotted-quad decimal (Elasticsearch's ip type rejects `010.0.0.1`, `0xa.0.0.1`, `10.1`),
  // although ipaddr.js would read those as octal/hex/short forms.
  if (!text.includes(':')) return undefined
  let s = text
  // Some producers bracket IPv6 (`[::1]`).
  if (s.length > 2 && s.charCodeAt(0) === 91 && s.charCodeAt(s.length - 1) === 93) s = s.slice(1, -1)
  if (!ipaddr.isValid(s)) return undefined
  try {
    const addr = ipaddr.parse(s)
    if (addr.kind() === 'ipv6') {
      const v6 = addr as ipaddr.IPv6
      if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().toString()
      return v6.toRFC5952String()
    }
    return addr.toString()
  } catch {
    return undefined
  }
}

export function ipType(ip: string): 'ipv4' | 'ipv6' {
  return ip.includes(':') ? 'ipv6' : 'ipv4'
}

// Sysmon 22 QueryResults / QueryStatus → dns.* as Elastic's sysmon_operational pipeline does.
import { canonicalIp } from './ip.js'

const DNS_TYPES: Record<string, string> = {
  1: 'A', 2: 'NS', 3: 'MD', 4: 'MF', 5: 'CNAME', 6: 'SOA', 7: 'MB', 8: 'MG', 9: 'MR', 10: 'NULL', 11: 'WKS',
  12: 'PTR', 13: 'HINFO', 14: 'MINFO', 15: 'MX', 16: 'TXT', 17: 'RP', 18: 'AFSDB', 19: 'X25', 20: 'ISDN',
  21: 'RT', 22: 'NSAP', 23: 'NSAPPTR', 24: 'SIG', 25: 'KEY', 26: 'PX', 27: 'GPOS', 28: 'AAAA', 29: 'LOC',
  30: 'NXT', 31: 'EID', 32: 'NIMLOC', 33: 'SRV', 34: 'ATMA', 35: 'NAPTR', 36: 'KX', 37: 'CERT', 38: 'A6',
  39: 'DNAME', 40: 'SINK', 41: 'OPT', 43: 'DS', 46: 'RRSIG', 47: 'NSEC', 48: 'DNSKEY', 49: 'DHCID',
  100: 'UINFO', 101: 'UID', 102: 'GID', 103: 'UNSPEC', 248: 'ADDRS', 249: 'TKEY', 250: 'TSIG', 251: 'IXFR',
  252: 'AXFR', 253: 'MAILB', 254: 'MAILA', 255: 'ANY', 65281: 'WINS', 65282: 'WINSR',
}

// The QueryStatus codes seen in practice (Win32 / DNS error codes); others stay numeric.
export const DNS_STATUS: Record<string, string> = {
  0: 'SUCCESS', 5: 'ERROR_ACCESS_DENIED', 8: 'ERROR_NOT_ENOUGH_MEMORY', 13: 'ERROR_INVALID_DATA',
  14: 'ERROR_OUTOFMEMORY', 123: 'ERROR_INVALID_NAME', 1214: 'ERROR_INVALID_NETNAME', 1223: 'ERROR_CANCELLED',
  1460: 'ERROR_TIMEOUT', 4312: 'ERROR_OBJECT_NOT_FOUND', 9001: 'DNS_ERROR_RCODE_FORMAT_ERROR',
  9002: 'DNS_ERROR_RCODE_SERVER_FAILURE', 9003: 'DNS_ERROR_RCODE_NAME_ERROR', 9004: 'DNS_ERROR_RCODE_NOT_IMPLEMENTED',
  9005: 'DNS_ERROR_RCODE_REFUSED', 9006: 'DNS_ERROR_RCODE_YXDOMAIN', 9007: 'DNS_ERROR_RCODE_YXRRSET',
  9008: 'DNS_ERROR_RCODE_NXRRSET', 9009: 'DNS_ERROR_RCODE_NOTAUTH', 9010: 'DNS_ERROR_RCODE_NOTZONE',
  9501: 'DNS_INFO_NO_RECORDS', 9502: 'DNS_ERROR_BAD_PACKET', 9503: 'DNS_ERROR_NO_PACKET', 9504: 'DNS_ERROR_RCODE',
  9505: 'DNS_ERROR_UNSECURE_PACKET', 9506: 'DNS_REQUEST_PENDING', 9551: 'DNS_ERROR_INVALID_TYPE',
  9552: 'DNS_ERROR_INVALID_IP_ADDRESS', 9553: 'DNS_ERROR_INVALID_PROPERTY', 9554: 'DNS_ERROR_TRY_AGAIN_LATER',
  9555: 'DNS_ERROR_NOT_UNIQUE', 9556: 'DNS_ERROR_NON_RFC_NAME', 9557: 'DNS_STATUS_FQDN',
  9558: 'DNS_STATUS_DOTTED_NAME', 9559: 'DNS_STATUS_SINGLE_PART_NAME', 9560: 'DNS_ERROR_INVALID_NAME_CHAR',
  9561: 'DNS_ERROR_NUMERIC_NAME', 9701: 'DNS_ERROR_RECORD_DOES_NOT_EXIST', 9714: 'DNS_ERROR_NAME_DOES_NOT_EXIST',
  9851: 'DNS_ERROR_NO_TCPIP', 9852: 'DNS_ERROR_NO_DNS_SERVERS', 10054: 'WSAECONNRESET', 10055: 'WSAENOBUFS',
  10060: 'WSAETIMEDOUT',
}

export interface DnsAnswers {
  readonly answers: Array<{ type?: string; data?: string }>
  readonly resolvedIp: string[]
  readonly hosts: string[]
}

const v4mapped = /^\[?::ffff:(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})(?:\](?::\d+)?)?$/i

/** `type:  5 cname.example;::ffff:1.2.3.4;` → answers (CNAMEs first, then one A/AAAA per IP), resolved IPs, hosts. */
export function parseQueryResults(results: string): DnsAnswers {
  const answers: Array<{ type?: string; data?: string }> = []
  const ips: string[] = []
  const hosts: string[] = []
  // An indexOf walk rather than split(';'): split of a fresh string is a runtime call and an array.
  for (let start = 0; start <= results.length;) {
    let end = results.indexOf(';', start)
    if (end < 0) end = results.length
    const part = results.slice(start, end)
    start = end + 1
    if (part === '') continue
    if (part.startsWith('type:')) {
      const fields = splitOnWhitespace(part)
      const code = fields[1] ?? ''
      const type = Object.hasOwn(DNS_TYPES, code) ? DNS_TYPES[code] : undefined // `constructor` is data
      if (fields.length === 3) {
        answers.push(type === undefined ? { data: fields[2]! } : { type, data: fields[2]! })
        hosts.push(fields[2]!)
      } else {
        answers.push(type === undefined ? {} : { type })
      }
    } else {
      // The pattern starts with `[` or `:`: other parts (plain IPs) skip the regex.
      const c0 = part.charCodeAt(0)
      const m = c0 === 91 || c0 === 58 ? v4mapped.exec(part) : null
      const ip = canonicalIp(m !== null ? m[1]! : part.trim())
      if (ip !== undefined) ips.push(ip)
    }
  }
  for (const ip of ips) answers.push({ type: ip.includes(':') ? 'AAAA' : 'A', data: ip })
  return { answers, resolvedIp: ips, hosts }
}

/** JavaScript's `\s` (what `split(/\s+/)` splits on). */
function isJsSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13)
  if (c < 0xa0) return false
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 ||
    c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
}

/** `s.split(/\s+/)` without the regex engine (one QueryResults part per answer of every DNS event). */
function splitOnWhitespace(s: string): string[] {
  const fields: string[] = []
  const n = s.length
  let start = 0
  let i = 0
  while (i < n) {
    if (!isJsSpace(s.charCodeAt(i))) { i++; continue }
    fields.push(s.slice(start, i))
    while (i < n && isJsSpace(s.charCodeAt(i))) i++
    start = i
  }
  fields.push(s.slice(start))
  return fields
}

// Multi-label public suffixes common enough to matter; anything else is treated as a one-label TLD.
// Elastic uses the full public-suffix list (registered_domain processor); this is an approximation.
const TWO_LABEL_SUFFIXES = new Set([
  'co.uk', 'org.uk', 'ac.uk', 'gov.uk', 'com.au', 'net.au', 'org.au', 'co.jp', 'ne.jp', 'or.jp', 'co.nz',
  'com.br', 'com.cn', 'com.tw', 'com.hk', 'co.kr', 'co.in', 'com.mx', 'com.tr', 'com.sg', 'co.za', 'com.vn',
])

/** dns.question.{registered_domain, subdomain, top_level_domain} for a query name. */
export function splitDomain(query: string): { registered_domain?: string; subdomain?: string; top_level_domain?: string } {
  const name = query.endsWith('.') ? query.slice(0, -1) : query
  const last = name.lastIndexOf('.')
  if (last <= 0 || last === name.length - 1 || name.includes('..') || name.startsWith('.')) return {}
  let tldStart = last + 1
  const prev = name.lastIndexOf('.', last - 1)
  // `a.co.uk`: a two-label public suffix needs a third label to have a registered domain.
  if (prev > 0 && TWO_LABEL_SUFFIXES.has(name.slice(prev + 1).toLowerCase())) tldStart = prev + 1
  if (tldStart === 0) return {}
  const regStart = name.lastIndexOf('.', tldStart - 2) + 1
  const top_level_domain = name.slice(tldStart)
  const registered_domain = name.slice(regStart)
  return regStart === 0 ? { registered_domain, top_level_domain } : { registered_domain, subdomain: name.slice(0, regStart - 1), top_level_domain }
}

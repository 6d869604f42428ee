// Windows timestamps → ECS `@timestamp` (ISO 8601, UTC, millisecond precision like Elasticsearch's
// `date` type). Lenient as reference §8 asks: `T` or space, optional `Z` or offset, 0–9 fraction digits.

const stamp = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\s*(Z|[+-]\d{2}:?\d{2})?$/i

/** ISO `YYYY-MM-DDTHH:mm:ss.sssZ`, or `undefined` when `text` is not a timestamp. */
export function toIsoMs(text: string): string | undefined {
  // Fast path for the two shapes of nearly every record: Sysmon's `2024-03-04 10:15:02.120` and
  // SystemTime `2024-03-04T10:15:02.1234567Z` (a char-by-char check, ranges included).
  if (isCommonStamp(text)) {
    if (text.charCodeAt(10) === 32) return `${text.slice(0, 10)}T${text.slice(11, 23)}Z`
    return text.length === 24 ? text : text.slice(0, 23) + 'Z' // already ISO: no rebuild
  }
  const m = stamp.exec(text.trim())
  if (m === null) return undefined
  const [, y, mo, d, h, mi, s, frac = '', zone] = m
  const ms = (frac + '000').slice(0, 3)
  if (zone === undefined || zone === 'Z' || zone === 'z' || /^[+-]00:?00$/.test(zone)) {
    if (+mo! < 1 || +mo! > 12 || +d! < 1 || +d! > 31 || +h! > 23 || +mi! > 59 || +s! > 60) return undefined
    return `${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`
  }
  const sign = zone.charCodeAt(0) === 45 ? -1 : 1
  const zh = +zone.slice(1, 3)
  const zm = +zone.slice(zone.length - 2)
  const t = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!, +ms) - sign * (zh * 60 + zm) * 60_000
  return Number.isFinite(t) ? new Date(t).toISOString() : undefined
}

/** Epoch milliseconds or seconds (Splunk `_time`) → ISO. */
export function epochToIso(n: number): string | undefined {
  const ms = n < 1e11 ? n * 1000 : n
  const d = new Date(ms)
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString()
}


const isDigit = (c: number): boolean => c >= 48 && c <= 57

/**
 * `YYYY-MM-DD[T ]HH:mm:ss.sss` optionally followed by up to 6 more fraction digits and `Z`, with month
 * 01–12, day 01–31, hour 00–23, minute 00–59, second 00–60: the regex
 * `^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[T ]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)\.\d{3}(\d{0,6}Z)?$`
 * written out by hand (twice per Sysmon record; a regex test costs several times more).
 */
function isCommonStamp(t: string): boolean {
  const n = t.length
  if (n !== 23 && (n < 24 || n > 30 || t.charCodeAt(n - 1) !== 90 /* Z */)) return false
  if (!isDigit(t.charCodeAt(0)) || !isDigit(t.charCodeAt(1)) || !isDigit(t.charCodeAt(2)) || !isDigit(t.charCodeAt(3))) return false
  if (t.charCodeAt(4) !== 45 || t.charCodeAt(7) !== 45 || t.charCodeAt(13) !== 58 || t.charCodeAt(16) !== 58 || t.charCodeAt(19) !== 46) return false
  const sep = t.charCodeAt(10)
  if (sep !== 84 /* T */ && sep !== 32) return false
  const mo1 = t.charCodeAt(5), mo2 = t.charCodeAt(6)
  if (!(mo1 === 48 ? mo2 >= 49 && mo2 <= 57 : mo1 === 49 && mo2 >= 48 && mo2 <= 50)) return false
  const d1 = t.charCodeAt(8), d2 = t.charCodeAt(9)
  if (!(d1 === 48 ? d2 >= 49 && d2 <= 57 : d1 === 49 || d1 === 50 ? isDigit(d2) : d1 === 51 && (d2 === 48 || d2 === 49))) return false
  const h1 = t.charCodeAt(11), h2 = t.charCodeAt(12)
  if (!(h1 === 48 || h1 === 49 ? isDigit(h2) : h1 === 50 && h2 >= 48 && h2 <= 51)) return false
  const mi1 = t.charCodeAt(14)
  if (mi1 < 48 || mi1 > 53 || !isDigit(t.charCodeAt(15))) return false
  const s1 = t.charCodeAt(17), s2 = t.charCodeAt(18)
  if (!(s1 >= 48 && s1 <= 53 ? isDigit(s2) : s1 === 54 && s2 === 48)) return false
  for (let i = 20; i < n - (n === 23 ? 0 : 1); i++) if (!isDigit(t.charCodeAt(i))) return false
  return true
}

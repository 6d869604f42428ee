// Windows timestamps → ECS `@timestamp` (ISO 8601, UTC, millisecond precision like Elasticsearch's
// `date` type). Lenient as reference §8 asks: `T` or space, optional `Z` or offset, 0–9 fraction digits.

const common = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])[T ](?:[01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)\.\d{3}(?:\d{0,6}Z)?$/
const stamp = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\s*(Z|[+-]\d{2}:?\d{2})?$/i

/** ISO `YYYY-MM-DDTHH:mm:ss.sssZ`, or `undefined` when `text` is not a timestamp. */
export function toIsoMs(text: string): string | undefined {
  // Fast path for the two shapes of nearly every record: Sysmon's `2024-03-04 10:15:02.120` and
  // SystemTime `2024-03-04T10:15:02.1234567Z` (one anchored regex test, ranges checked in it).
  if (common.test(text)) {
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


// Windows timestamps → ECS `@timestamp` (ISO 8601, UTC, millisecond precision like Elasticsearch's
// `date` type). Lenient as reference §8 asks: `T` or space, optional `Z` or offset, 0–9 fraction digits.

const stamp = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\s*(Z|[+-]\d{2}:?\d{2})?$/i

/** ISO `YYYY-MM-DDTHH:mm:ss.sssZ`, or `undefined` when `text` is not a timestamp. */
export function toIsoMs(text: string): string | undefined {
  // Fast path for the two shapes of nearly every record: Sysmon's `2024-03-04 10:15:02.120` and
  // SystemTime `2024-03-04T10:15:02.1234567Z`. Anything else takes the validating regex.
  const n = text.length
  if (n >= 23 && text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45 && text.charCodeAt(13) === 58 &&
      text.charCodeAt(16) === 58 && text.charCodeAt(19) === 46 && fixedDigits(text)) {
    const sep = text.charCodeAt(10)
    const tail = n === 23 || (text.charCodeAt(n - 1) === 90 && n <= 30 && isDigits(text, 23, n - 1))
    if ((sep === 84 || sep === 32) && tail && validClock(text)) {
      if (sep === 84) return n === 24 ? text : text.slice(0, 23) + 'Z' // already ISO: no rebuild
      return `${text.slice(0, 10)}T${text.slice(11, 23)}Z`
    }
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

function isDigits(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i)
    if (c < 48 || c > 57) return false
  }
  return true
}

const two = (s: string, i: number): number => (s.charCodeAt(i) - 48) * 10 + s.charCodeAt(i + 1) - 48

function validClock(s: string): boolean {
  const mo = two(s, 5), d = two(s, 8)
  return mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && two(s, 11) <= 23 && two(s, 14) <= 59 && two(s, 17) <= 60
}

// Digits at every position of `YYYY-MM-DD?HH:MM:SS.sss` except the separators (4, 7, 10, 13, 16, 19).
function fixedDigits(s: string): boolean {
  for (let i = 0; i < 23; i++) {
    if (i === 4 || i === 7 || i === 10 || i === 13 || i === 16 || i === 19) continue
    const c = s.charCodeAt(i)
    if (c < 48 || c > 57) return false
  }
  return true
}

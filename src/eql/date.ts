// Dates as Elasticsearch `date` fields read them: epoch milliseconds, parsed with the field's
// `format` (default `strict_date_optional_time||epoch_millis`), UTC unless the text has a zone.
// A query literal is an interval: Elasticsearch fills missing components with their low values
// for `>=`/`<` and with MONTH 01, DAY 01, HOUR 23, MINUTE 59, SECOND 59, .999 for `<=`/`>`/`==`
// ("Missing date components" in the range-query docs), so `@timestamp == "2017-08-30T20:47:33Z"`
// matches the whole second.

export interface DateInterval {
  /** First millisecond the text denotes (missing components at their minimum). */
  readonly loMs: number
  /** Last millisecond, with missing components rounded up the Elasticsearch way. */
  readonly hiMs: number
}

export const DEFAULT_DATE_FORMAT = 'strict_date_optional_time||epoch_millis'

type DateParser = (text: string) => DateInterval | null

/** Builds a parser for a mapping `format` (`a||b` tries each in turn). */
export function compileDateFormat(format: string = DEFAULT_DATE_FORMAT): DateParser {
  const parsers = format.split('||').map((f) => namedParser(f.trim()))
  if (parsers.length === 1) return parsers[0] as DateParser
  return (text) => {
    for (const p of parsers) {
      const r = p(text)
      if (r !== null) return r
    }
    return null
  }
}

/** The ECMAScript time range (±100,000,000 days): a millisecond count outside it has no date. */
const MAX_DATE_MS = 8.64e15

/** True for epoch milliseconds that denote a date (finite, inside the ECMAScript time range). */
export function isDateMs(ms: number): boolean {
  return Number.isFinite(ms) && ms >= -MAX_DATE_MS && ms <= MAX_DATE_MS
}

/** Epoch milliseconds of a raw field value (number = epoch millis), or null (also when out of range). */
export function dateValueMs(raw: string | number, parse: DateParser): number | null {
  if (typeof raw === 'number') return isDateMs(raw) ? Math.floor(raw) : null
  const r = parse(raw.trim())
  return r === null || !isDateMs(r.loMs) ? null : r.loMs
}

/** `2017-08-30T20:47:33.000Z`, the form Elasticsearch returns for a default-format date. */
export function formatIsoMs(ms: number): string {
  return isDateMs(ms) ? new Date(ms).toISOString() : String(ms)
}

/**
 * A date as Elasticsearch scripts render it (java.time ZonedDateTime in UTC): seconds and the
 * fraction are left out when zero, e.g. `2017-08-30T20:47:33.120Z`, `2017-08-30T20:47:33Z`.
 */
export function formatJavaDateTime(ms: number): string {
  if (!isDateMs(ms)) return String(ms) // never reached from dateValueMs; a number is safer than a throw
  const iso = new Date(ms).toISOString() // yyyy-MM-ddTHH:mm:ss.SSSZ
  if (iso.endsWith(':00.000Z')) return `${iso.slice(0, -8)}Z`
  if (iso.endsWith('.000Z')) return `${iso.slice(0, -5)}Z`
  return iso
}

function namedParser(name: string): DateParser {
  switch (name) {
    case 'epoch_millis': return parseEpoch(1)
    case 'epoch_second': return parseEpoch(1000)
    case 'strict_date': case 'date': return compileJavaPattern('yyyy-MM-dd')
    case 'basic_date': case 'strict_basic_date': return compileJavaPattern('yyyyMMdd')
    case 'strict_date_optional_time': case 'date_optional_time': case 'strict_date_optional_time_nanos':
    case 'strict_date_time': case 'date_time': case 'strict_date_time_no_millis': case 'date_time_no_millis':
    case 'strict_date_hour_minute_second': case 'date_hour_minute_second':
    case 'strict_date_hour_minute_second_millis': case 'date_hour_minute_second_millis':
    case 'iso8601':
      return parseIsoOptionalTime
    default:
      // a Java-style pattern such as `dd-MM-yyyy`; anything with no pattern letters is ISO
      return /[yuMdHms]/.test(name) && !name.includes('_') ? compileJavaPattern(name) : parseIsoOptionalTime
  }
}

function parseEpoch(unitMs: number): DateParser {
  return (text) => {
    if (!/^-?\d+(\.\d+)?$/.test(text)) return null
    const ms = Math.floor(Number(text) * unitMs)
    return isDateMs(ms) ? { loMs: ms, hiMs: ms } : null
  }
}

const ISO = /^(\d{4}|[+-]\d{5,9})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,](\d{1,9}))?)?)?)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/

function parseIsoOptionalTime(text: string): DateInterval | null {
  const fast = parseCanonicalIso(text)
  if (fast !== null) return { loMs: fast, hiMs: fast }
  const m = ISO.exec(text)
  if (m === null) return null
  return assemble({
    year: Number(m[1]), month: opt(m[2]), day: opt(m[3]), hour: opt(m[4]), minute: opt(m[5]), second: opt(m[6]),
    fraction: m[7], zone: m[8],
  })
}

/**
 * Fast path for the form nearly every event carries, `2017-08-30T20:47:33.120Z` (what
 * Date.prototype.toISOString writes and Elasticsearch returns): fixed positions, no regex, no Date.
 */
function parseCanonicalIso(t: string): number | null {
  if (t.length !== 24 || t.charCodeAt(23) !== 90 /* Z */ || t.charCodeAt(10) !== 84 /* T */) return null
  if (t.charCodeAt(4) !== 45 || t.charCodeAt(7) !== 45 || t.charCodeAt(13) !== 58 || t.charCodeAt(16) !== 58 || t.charCodeAt(19) !== 46) return null
  const year = digits(t, 0, 4), month = digits(t, 5, 2), day = digits(t, 8, 2)
  const hour = digits(t, 11, 2), minute = digits(t, 14, 2), second = digits(t, 17, 2), ms = digits(t, 20, 3)
  if ((year | month | day | hour | minute | second | ms) < 0 || year < 100) return null
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return null
  return Date.UTC(year, month - 1, day, hour, minute, second, ms)
}

/** The decimal number in t[start, start+len), or -1 if a character is not a digit. */
function digits(t: string, start: number, len: number): number {
  let n = 0
  for (let i = start; i < start + len; i++) {
    const c = t.charCodeAt(i) - 48
    if (c < 0 || c > 9) return -1
    n = n * 10 + c
  }
  return n
}

function opt(s: string | undefined): number | undefined {
  return s === undefined ? undefined : Number(s)
}

interface Fields {
  readonly year: number
  readonly month: number | undefined
  readonly day: number | undefined
  readonly hour: number | undefined
  readonly minute: number | undefined
  readonly second: number | undefined
  readonly fraction: string | undefined
  readonly zone: string | undefined
}

function assemble(f: Fields): DateInterval | null {
  const month = f.month ?? 1, day = f.day ?? 1
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(f.year, month)) return null
  if ((f.hour ?? 0) > 23 || (f.minute ?? 0) > 59 || (f.second ?? 0) > 59) return null
  const offsetMs = zoneOffsetMs(f.zone)
  if (offsetMs === null) return null
  const ms = f.fraction === undefined ? undefined : Number(f.fraction.padEnd(3, '0').slice(0, 3))
  const lo = utc(f.year, month, day, f.hour ?? 0, f.minute ?? 0, f.second ?? 0, ms ?? 0) - offsetMs
  const hi = utc(f.year, month, day, f.hour ?? 23, f.minute ?? 59, f.second ?? 59, ms ?? 999) - offsetMs
  return { loMs: lo, hiMs: hi }
}

function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
  const date = new Date(0)
  date.setUTCFullYear(y, mo - 1, d)
  date.setUTCHours(h, mi, s, ms)
  return date.getTime()
}

function daysInMonth(year: number, month: number): number {
  const isLeap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  return month === 2 ? (isLeap ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] as number
}

function zoneOffsetMs(zone: string | undefined): number | null {
  if (zone === undefined || zone === 'Z') return 0
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)
  if (m === null) return null
  const h = Number(m[2]), mi = Number(m[3] ?? '0')
  if (h > 18 || mi > 59) return null
  return (m[1] === '-' ? -1 : 1) * (h * 60 + mi) * 60_000
}

/** A Java DateTimeFormatter pattern subset: y/u M d H m s S, X/Z zones, quoted literals. */
function compileJavaPattern(pattern: string): DateParser {
  let re = ''
  const slots: string[] = []
  for (let i = 0; i < pattern.length;) {
    const c = pattern[i] as string
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1)
      const lit = end < 0 ? pattern.slice(i + 1) : pattern.slice(i + 1, end)
      re += escapeRegExp(lit === '' ? "'" : lit)
      i = end < 0 ? pattern.length : end + 1
      continue
    }
    let j = i
    while (pattern[j] === c) j++
    const n = j - i
    switch (c) {
      case 'y': case 'u': re += n === 2 ? '(\\d{2})' : '([+-]?\\d{4,9})'; slots.push(n === 2 ? 'yy' : 'year'); break
      case 'M': re += n === 1 ? '(\\d{1,2})' : '(\\d{2})'; slots.push('month'); break
      case 'd': re += n === 1 ? '(\\d{1,2})' : '(\\d{2})'; slots.push('day'); break
      case 'H': re += n === 1 ? '(\\d{1,2})' : '(\\d{2})'; slots.push('hour'); break
      case 'm': re += n === 1 ? '(\\d{1,2})' : '(\\d{2})'; slots.push('minute'); break
      case 's': re += n === 1 ? '(\\d{1,2})' : '(\\d{2})'; slots.push('second'); break
      case 'S': re += `(\\d{${n}})`; slots.push('fraction'); break
      case 'X': case 'Z': case 'x': re += '(Z|[+-]\\d{2}(?::?\\d{2})?)'; slots.push('zone'); break
      default: re += escapeRegExp(pattern.slice(i, j))
    }
    i = j
  }
  const compiled = new RegExp(`^${re}$`)
  return (text) => {
    const m = compiled.exec(text)
    if (m === null) return null
    const got: Record<string, string | undefined> = Object.create(null)
    slots.forEach((slot, k) => { got[slot] = m[k + 1] })
    const year = got['year'] !== undefined ? Number(got['year']) : got['yy'] !== undefined ? 2000 + Number(got['yy']) : 1970
    return assemble({
      year, month: opt(got['month']), day: opt(got['day']), hour: opt(got['hour']), minute: opt(got['minute']),
      second: opt(got['second']), fraction: got['fraction'], zone: got['zone'],
    })
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

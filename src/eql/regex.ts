// EQL `regex` / `regex~`: Lucene regular-expression syntax (what Elasticsearch's regexp query speaks),
// translated to RE2 and run on re2js, whose matching time is linear in the input (no backtracking).
//
// Lucene semantics kept: the pattern is anchored at both ends (a full match; `^` and `$` are ordinary
// characters); `.` matches any character including a newline; `"..."` is a quoted literal string;
// `\x` is the literal x except the Lucene 9 classes \d \D \s \S \w \W; `@` matches any string and
// `#` the empty language; `<n-m>` matches the decimal integers n..m (zero-padded when n and m have
// the same number of digits); `*`, `+`, `?` and `{n,m}` may be stacked (`a*?` is `(a*)?`).
// Unsupported (rejected with an error): `&` (intersection), `~` (complement) and `<name>` (named
// automata): RE2 cannot express them, and Lucene 10 dropped `~` anyway.
import { RE2JS } from 're2js'
import type { StringTest } from './wildcard.js'

export interface RegexProblem {
  /** `unsupported`: valid Lucene syntax that RE2 cannot run; `syntax`: not a valid Lucene regexp. */
  readonly code: 'syntax' | 'unsupported'
  readonly message: string
  /** Offset of the problem inside the pattern text. */
  readonly offset: number
}

export type RegexResult = { readonly ok: true; readonly test: StringTest; readonly re2: string } | { readonly ok: false; readonly problem: RegexProblem }

/** Compiles a Lucene regexp into a full-match test; case-insensitive for `regex~`. */
export function compileLuceneRegex(pattern: string, isCaseInsensitive: boolean): RegexResult {
  const translated = translateLuceneRegex(pattern)
  if (!translated.ok) return translated
  let re: RE2JS
  try {
    re = RE2JS.compile(translated.re2, RE2JS.DOTALL | (isCaseInsensitive ? RE2JS.CASE_INSENSITIVE : 0))
  } catch (err) {
    return { ok: false, problem: { code: 'syntax', message: `invalid regular expression: ${(err as Error).message}`, offset: 0 } }
  }
  return { ok: true, re2: translated.re2, test: (v) => re.testExact(v) }
}

type Translation = { readonly ok: true; readonly re2: string } | { readonly ok: false; readonly problem: RegexProblem }

class LuceneSyntaxError {
  constructor(readonly message: string, readonly offset: number, readonly code: 'syntax' | 'unsupported') {}
}

/** Lucene regexp text → equivalent RE2 text (without flags). */
export function translateLuceneRegex(pattern: string): Translation {
  const chars = Array.from(pattern)
  // offsets of each code point, for error positions in UTF-16 units
  const offsets: number[] = []
  let o = 0
  for (const ch of chars) { offsets.push(o); o += ch.length }
  offsets.push(o)
  let pos = 0
  const at = (): string | undefined => chars[pos]
  const fail = (message: string, p = pos, code: 'syntax' | 'unsupported' = 'syntax'): never => {
    throw new LuceneSyntaxError(message, offsets[Math.min(p, chars.length)] ?? 0, code)
  }
  const unsupported = (message: string, p = pos): never => fail(message, p, 'unsupported')

  // Each parser returns an RE2 fragment; `isAtom` says whether a quantifier may follow it directly.
  interface Frag { readonly text: string; readonly isAtom: boolean }

  const parseUnion = (): Frag => {
    const alternatives: string[] = [parseConcat().text]
    while (at() === '|') { pos++; alternatives.push(parseConcat().text) }
    if (alternatives.length === 1) return { text: alternatives[0] as string, isAtom: false }
    return { text: alternatives.join('|'), isAtom: false }
  }

  const parseConcat = (): Frag => {
    const parts: Frag[] = [parseRepeat()]
    while (pos < chars.length && at() !== ')' && at() !== '|') {
      if (at() === '&') unsupported('unsupported Lucene regexp operator [&] (intersection)')
      parts.push(parseRepeat())
    }
    if (parts.length === 1) return parts[0] as Frag
    // alternation binds looser than concatenation in both syntaxes; group members that contain `|`
    return { text: parts.map((f) => f.text).join(''), isAtom: false }
  }

  const parseRepeat = (): Frag => {
    let frag = parseAtom()
    for (;;) {
      const c = at()
      let op: string
      if (c === '*' || c === '+' || c === '?') { pos++; op = c }
      else if (c === '{') op = parseInterval()
      else return frag
      const operand = frag.isAtom ? frag.text : `(?:${frag.text})`
      frag = { text: operand + op, isAtom: false }
    }
  }

  const parseInterval = (): string => {
    const start = pos
    pos++ // '{'
    const min = readDigits()
    if (min === '') fail('integer expected in repetition', start)
    let text = `{${Number(min)}`
    if (at() === ',') {
      pos++
      const max = readDigits()
      if (max !== '' && Number(max) < Number(min)) fail('invalid repetition bounds', start)
      text += `,${max === '' ? '' : Number(max)}`
      if (Number(max || min) > 1000) unsupported('repetition count above 1000 is not supported', start)
    } else if (Number(min) > 1000) unsupported('repetition count above 1000 is not supported', start)
    if (at() !== '}') fail('expected [}] to close the repetition', start)
    pos++
    return text + '}'
  }

  const readDigits = (): string => {
    let s = ''
    while (pos < chars.length && /[0-9]/.test(at() as string)) { s += at(); pos++ }
    return s
  }

  const parseAtom = (): Frag => {
    const c = at()
    if (c === undefined) return fail('unexpected end of regular expression')
    switch (c) {
      case '~': return unsupported('unsupported Lucene regexp operator [~] (complement)')
      case '.': pos++; return { text: '.', isAtom: true }
      case '@': pos++; return { text: '(?:.*)', isAtom: true }
      case '#': pos++; return { text: '[^\\x{0}-\\x{10FFFF}]', isAtom: true }
      case '[': return parseClass()
      case '"': {
        const start = pos
        pos++
        let lit = ''
        while (pos < chars.length && at() !== '"') { lit += escapeLiteral(at() as string); pos++ }
        if (at() !== '"') fail('unterminated quoted string', start)
        pos++
        return { text: `(?:${lit})`, isAtom: true }
      }
      case '(': {
        const start = pos
        pos++
        if (at() === ')') { pos++; return { text: '(?:)', isAtom: true } }
        const inner = parseUnion()
        if (at() !== ')') fail('expected [)] to close the group', start)
        pos++
        return { text: `(?:${inner.text})`, isAtom: true }
      }
      case '<': return parseNumericInterval()
      case '\\': {
        pos++
        const e = at()
        if (e === undefined) fail('pattern ends with a backslash')
        pos++
        return { text: shorthandClass(e as string) ?? escapeLiteral(e as string), isAtom: true }
      }
      default:
        pos++
        return { text: escapeLiteral(c), isAtom: true }
    }
  }

  const parseClass = (): Frag => {
    const start = pos
    pos++ // '['
    let negate = false
    if (at() === '^') { negate = true; pos++ }
    let body = ''
    let count = 0
    while (pos < chars.length && at() !== ']') {
      let lo = at() as string
      pos++
      if (lo === '\\') {
        const e = at()
        if (e === undefined) fail('pattern ends with a backslash')
        pos++
        const sh = shorthandClass(e as string)
        if (sh !== undefined) { body += sh.slice(1, -1); count++; continue }
        lo = e as string
      }
      if (at() === '-' && chars[pos + 1] !== undefined && chars[pos + 1] !== ']') {
        pos++
        let hi = at() as string
        pos++
        if (hi === '\\') {
          const e = at()
          if (e === undefined) fail('pattern ends with a backslash')
          hi = e as string
          pos++
        }
        if ((hi.codePointAt(0) as number) < (lo.codePointAt(0) as number)) fail(`invalid character class range [${lo}-${hi}]`, start)
        body += `${hex(lo)}-${hex(hi)}`
      } else {
        body += hex(lo)
      }
      count++
    }
    if (at() !== ']') fail('expected []] to close the character class', start)
    pos++
    if (count === 0) fail('empty character class', start)
    return { text: `[${negate ? '^' : ''}${body}]`, isAtom: true }
  }

  const parseNumericInterval = (): Frag => {
    const start = pos
    pos++ // '<'
    const min = readDigits()
    if (min === '' || at() !== '-') unsupported('unsupported Lucene regexp named automaton <…>; only <n-m> intervals are supported', start)
    pos++
    const max = readDigits()
    if (max === '' || at() !== '>') fail('malformed numeric interval <n-m>', start)
    pos++
    const lo = BigInt(min), hi = BigInt(max)
    const digits = min.length === max.length ? min.length : 0
    const [a, b] = lo <= hi ? [lo, hi] : [hi, lo]
    return { text: `(?:${intervalRegex(a, b, digits)})`, isAtom: true }
  }

  try {
    const result = parseUnion()
    if (pos < chars.length) fail(`unexpected [${at()}]`)
    return { ok: true, re2: result.text }
  } catch (err) {
    if (err instanceof LuceneSyntaxError) return { ok: false, problem: { code: err.code, message: err.message, offset: err.offset } }
    throw err
  }
}

/** Lucene 9 predefined classes (LUCENE-9336), spelled out so RE2's own definitions don't leak in. */
function shorthandClass(c: string): string | undefined {
  switch (c) {
    case 'd': return '[0-9]'
    case 'D': return '[^0-9]'
    case 's': return '[\\t\\n\\x0B\\f\\r ]'
    case 'S': return '[^\\t\\n\\x0B\\f\\r ]'
    case 'w': return '[a-zA-Z0-9_]'
    case 'W': return '[^a-zA-Z0-9_]'
    default: return undefined
  }
}

function hex(ch: string): string {
  return `\\x{${(ch.codePointAt(0) as number).toString(16)}}`
}

function escapeLiteral(ch: string): string {
  if (/[A-Za-z0-9 _,:;'"!%/=`<>@#&~-]/.test(ch)) return ch
  return hex(ch)
}

/**
 * Regex (RE2 syntax) for the decimal integers lo..hi. With `digits` > 0 every number is written with
 * exactly that many digits (zero-padded); otherwise any number of leading zeros is accepted (Lucene's
 * Automata.makeDecimalInterval).
 */
export function intervalRegex(lo: bigint, hi: bigint, digits: number): string {
  const alts: string[] = []
  // split [lo, hi] into ranges of equal digit count, then into prefix-sharing blocks
  let start = lo
  while (start <= hi) {
    const len = start.toString().length
    const maxOfLen = 10n ** BigInt(len) - 1n
    const end = hi < maxOfLen ? hi : maxOfLen
    for (const r of sameLengthRanges(start.toString(), end.toString())) alts.push(r)
    start = end + 1n
  }
  const body = alts.length === 1 ? (alts[0] as string) : `(?:${alts.join('|')})`
  if (digits > 0) {
    // fixed width: pad each alternative to `digits` characters
    const padded: string[] = []
    let s = lo
    while (s <= hi) {
      const len = s.toString().length
      const maxOfLen = 10n ** BigInt(len) - 1n
      const e = hi < maxOfLen ? hi : maxOfLen
      const pad = digits - len
      const inner = sameLengthRanges(s.toString(), e.toString())
      const alt = inner.length === 1 ? (inner[0] as string) : `(?:${inner.join('|')})`
      padded.push(pad > 0 ? `0{${pad}}${alt}` : alt)
      s = e + 1n
    }
    return padded.length === 1 ? (padded[0] as string) : padded.join('|')
  }
  return `0*${body}`
}

/** Regexes for lo..hi where both have the same number of digits (classic digit-range split). */
function sameLengthRanges(lo: string, hi: string): string[] {
  if (lo.length === 0) return ['']
  if (lo === hi) return [lo]
  const l0 = lo.charCodeAt(0) - 48, h0 = hi.charCodeAt(0) - 48
  const restLo = lo.slice(1), restHi = hi.slice(1)
  const n = restLo.length
  const allZero = /^0*$/.test(restLo), allNine = /^9*$/.test(restHi)
  if (l0 === h0) return sameLengthRanges(restLo, restHi).map((r) => `${l0}${r}`)
  const out: string[] = []
  const any = n === 0 ? '' : `[0-9]{${n}}`
  let from = l0, to = h0
  if (!allZero) { for (const r of sameLengthRanges(restLo, '9'.repeat(n))) out.push(`${l0}${r}`); from = l0 + 1 }
  if (!allNine) to = h0 - 1
  if (from <= to) out.push(`${from === to ? `${from}` : `[${from}-${to}]`}${any}`)
  if (!allNine) for (const r of sameLengthRanges('0'.repeat(n), restHi)) out.push(`${h0}${r}`)
  return out
}

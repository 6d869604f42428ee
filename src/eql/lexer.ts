// EQL lexer (Elasticsearch dialect): char-code scanning into a flat token array. It never throws; problems
// become positioned errors and the best-effort token is still emitted so the parser can keep going.
import type { EqlError } from './errors.js'

export type TokenKind =
  | 'word'        // identifier or keyword: `process`, `and`, `@timestamp`, `like` (with `~` glued on: hasTilde)
  | 'quoted'      // back-quoted identifier segment: `my-field`
  | 'string'      // "…", """…""" (and, for error recovery, '…' and ?"…")
  | 'integer'
  | 'float'
  | 'punct'       // == != !: ![ <= >= < > = : + - * / % . , ( ) [ ] | ? ~ !
  | 'eof'

export interface Token {
  readonly kind: TokenKind
  /** Raw text of punctuation and words; the unquoted value of strings and quoted identifiers. */
  readonly text: string
  readonly start: number
  readonly end: number
  /** Numeric value of integer/float tokens. */
  readonly value?: number
  /** `like~`, `in~`, `regex~`, `endsWith~`: a `~` written right after the word. */
  readonly hasTilde?: boolean
  /** How a string was quoted: `"`, `"""`, `'` (rejected by ES) or `?` (`?"…"`/`?'…'`, rejected by ES). */
  readonly quote?: '"' | '"""' | "'" | '?'
}

export interface Lexed {
  readonly tokens: readonly Token[]
  readonly errors: readonly EqlError[]
}

const CH_TAB = 9, CH_LF = 10, CH_VT = 11, CH_FF = 12, CH_CR = 13, CH_SPACE = 32
const CH_BANG = 33, CH_DQUOTE = 34, CH_PERCENT = 37, CH_SQUOTE = 39, CH_LPAREN = 40, CH_RPAREN = 41
const CH_STAR = 42, CH_PLUS = 43, CH_COMMA = 44, CH_MINUS = 45, CH_DOT = 46, CH_SLASH = 47
const CH_0 = 48, CH_9 = 57, CH_COLON = 58, CH_LT = 60, CH_EQ = 61, CH_GT = 62, CH_QMARK = 63, CH_AT = 64
const CH_LBRACKET = 91, CH_BACKSLASH = 92, CH_RBRACKET = 93, CH_UNDERSCORE = 95, CH_BACKTICK = 96
const CH_PIPE = 124, CH_TILDE = 126

function isDigit(c: number): boolean { return c >= CH_0 && c <= CH_9 }
function isLetter(c: number): boolean { return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) }
/** ES identifiers: `[A-Za-z_@][A-Za-z0-9_]*`. */
export function isWordStart(c: number): boolean { return isLetter(c) || c === CH_UNDERSCORE || c === CH_AT }
export function isWordPart(c: number): boolean { return isLetter(c) || isDigit(c) || c === CH_UNDERSCORE }
function isHex(c: number): boolean { return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102) }

/** Tokenise an EQL query. Always ends with an `eof` token. */
export function lex(text: string): Lexed {
  const tokens: Token[] = []
  const errors: EqlError[] = []
  const n = text.length
  let i = 0


  while (i < n) {
    const c = text.charCodeAt(i)
    // Whitespace and comments are skipped (ES: WS, LINE_COMMENT, BRACKETED_COMMENT on the hidden channel).
    if (c === CH_SPACE || c === CH_LF || c === CH_CR || c === CH_TAB || c === CH_FF || c === CH_VT) { i++; continue }
    if (c === CH_SLASH && text.charCodeAt(i + 1) === CH_SLASH) {
      i += 2
      while (i < n && text.charCodeAt(i) !== CH_LF && text.charCodeAt(i) !== CH_CR) i++
      continue
    }
    if (c === CH_SLASH && text.charCodeAt(i + 1) === CH_STAR) {
      i = skipBlockComment(text, i, errors)
      continue
    }
    if (isWordStart(c)) {
      const start = i
      i++
      while (i < n && isWordPart(text.charCodeAt(i))) i++
      const word = text.slice(start, i)
      if (text.charCodeAt(i) === CH_TILDE) {
        i++
        tokens.push({ kind: 'word', text: word, start, end: i, hasTilde: true })
      } else {
        tokens.push({ kind: 'word', text: word, start, end: i })
      }
      continue
    }
    if (isDigit(c) || (c === CH_DOT && isDigit(text.charCodeAt(i + 1)))) {
      i = lexNumber(text, i, tokens, errors)
      continue
    }
    if (c === CH_DQUOTE) {
      i = lexDoubleQuoted(text, i, tokens, errors)
      continue
    }
    if (c === CH_SQUOTE) {
      // ES rejects single-quoted strings; lex them anyway so the parser can continue and report more.
      const end = lexLegacyQuoted(text, i + 1, CH_SQUOTE, tokens, i, "'", errors)
      errors.push({
        code: 'unsupported',
        message: `Use double quotes ["] to define string literals, not single quotes [']`,
        hint: 'write "…" (or """…""" for a raw string)',
        span: { start: i, end },
      })
      i = end
      continue
    }
    if (c === CH_QMARK && (text.charCodeAt(i + 1) === CH_DQUOTE || text.charCodeAt(i + 1) === CH_SQUOTE)) {
      const q = text.charCodeAt(i + 1)
      const end = lexLegacyQuoted(text, i + 2, q, tokens, i, '?', errors)
      errors.push({
        code: 'unsupported',
        message: `Use triple double quotes ["""] to define unescaped string literals, not [?${String.fromCharCode(q)}]`,
        hint: 'write """…""" for a raw string',
        span: { start: i, end },
      })
      i = end
      continue
    }
    if (c === CH_BACKTICK) {
      i = lexQuotedIdentifier(text, i, tokens, errors)
      continue
    }
    const next = text.charCodeAt(i + 1)
    switch (c) {
      case CH_EQ: i = punct(text, i, next === CH_EQ ? 2 : 1, tokens); continue
      case CH_BANG:
        i = punct(text, i, next === CH_EQ || next === CH_COLON || next === CH_LBRACKET ? 2 : 1, tokens)
        continue
      case CH_LT: case CH_GT: i = punct(text, i, next === CH_EQ ? 2 : 1, tokens); continue
      case CH_COLON: case CH_PLUS: case CH_MINUS: case CH_STAR: case CH_SLASH: case CH_PERCENT:
      case CH_DOT: case CH_COMMA: case CH_LPAREN: case CH_RPAREN: case CH_LBRACKET: case CH_RBRACKET:
      case CH_PIPE: case CH_QMARK: case CH_TILDE:
        i = punct(text, i, 1, tokens)
        continue
      default: {
        // One error per run of unknown characters, not one per character.
        const start = i
        const cp = text.codePointAt(i) ?? c
        i += cp > 0xffff ? 2 : 1
        while (i < n && isUnknownStart(text.charCodeAt(i))) i++
        const run = text.slice(start, i)
        syntax(errors, start, i, `token recognition error at: '${run.length > 20 ? `${run.slice(0, 20)}…` : run}'`)
      }
    }
  }
  tokens.push({ kind: 'eof', text: '', start: n, end: n })
  return { tokens, errors }
}

/** A character that no token can start with (so it extends a run of unrecognised characters). */
function isUnknownStart(c: number): boolean {
  if (isWordStart(c) || isDigit(c)) return false
  switch (c) {
    case CH_SPACE: case CH_LF: case CH_CR: case CH_TAB: case CH_FF: case CH_VT:
    case CH_DQUOTE: case CH_SQUOTE: case CH_BACKTICK: case CH_EQ: case CH_BANG: case CH_LT: case CH_GT:
    case CH_COLON: case CH_PLUS: case CH_MINUS: case CH_STAR: case CH_SLASH: case CH_PERCENT: case CH_DOT:
    case CH_COMMA: case CH_LPAREN: case CH_RPAREN: case CH_LBRACKET: case CH_RBRACKET: case CH_PIPE:
    case CH_QMARK: case CH_TILDE:
      return false
    default:
      return !Number.isNaN(c)
  }
}

// Module-level helpers, not per-call closures: lexing runs once per query and closures are costly under tsx.
function syntax(errors: EqlError[], start: number, end: number, message: string, hint?: string): void {
  errors.push(hint === undefined ? { code: 'syntax', message, span: { start, end } } : { code: 'syntax', message, hint, span: { start, end } })
}

function punct(text: string, i: number, len: number, tokens: Token[]): number {
  tokens.push({ kind: 'punct', text: text.slice(i, i + len), start: i, end: i + len })
  return i + len
}

/** `/* … *\/`, nested like the ES grammar's BRACKETED_COMMENT. Returns the offset after the comment. */
function skipBlockComment(text: string, start: number, errors: EqlError[]): number {
  const n = text.length
  let depth = 0
  let i = start
  while (i < n) {
    const c = text.charCodeAt(i)
    if (c === CH_SLASH && text.charCodeAt(i + 1) === CH_STAR) { depth++; i += 2; continue }
    if (c === CH_STAR && text.charCodeAt(i + 1) === CH_SLASH) {
      depth--
      i += 2
      if (depth === 0) return i
      continue
    }
    i++
  }
  syntax(errors, start, n, 'unterminated comment', 'close it with */')
  return n
}

function lexNumber(text: string, start: number, tokens: Token[], errors: EqlError[]): number {
  const n = text.length
  let i = start
  let isFloat = false
  while (i < n && isDigit(text.charCodeAt(i))) i++
  // `1.`, `1.5` and `1.e5` are decimals (ES DECIMAL_VALUE); `1.x` is not.
  if (text.charCodeAt(i) === CH_DOT && (!isWordStart(text.charCodeAt(i + 1)) || isExponent(text, i + 1))) {
    isFloat = true
    i++
    while (i < n && isDigit(text.charCodeAt(i))) i++
  }
  if (isExponent(text, i)) {
    isFloat = true
    i++
    if (text.charCodeAt(i) === CH_PLUS || text.charCodeAt(i) === CH_MINUS) i++
    while (i < n && isDigit(text.charCodeAt(i))) i++
  }
  const raw = text.slice(start, i)
  const value = Number(raw)
  if (!Number.isFinite(value)) {
    syntax(errors, start, i, `Number [${raw}] is too large`)
    tokens.push({ kind: 'float', text: raw, start, end: i, value: 0 })
    return i
  }
  // ES reads an integer too large for a long as a double.
  const kind = isFloat || value > 9223372036854775807 ? 'float' : 'integer'
  tokens.push({ kind, text: raw, start, end: i, value })
  return i
}

/** `e5`, `E-3`, `e+10` at `at`. */
function isExponent(text: string, at: number): boolean {
  const e = text.charCodeAt(at)
  if (e !== 69 && e !== 101) return false
  const s = text.charCodeAt(at + 1)
  return isDigit(s) || ((s === CH_PLUS || s === CH_MINUS) && isDigit(text.charCodeAt(at + 2)))
}

/** `"…"` with escapes, or `"""…"""` raw. */
function lexDoubleQuoted(text: string, start: number, tokens: Token[], errors: EqlError[]): number {
  const n = text.length
  if (text.charCodeAt(start + 1) === CH_DQUOTE && text.charCodeAt(start + 2) === CH_DQUOTE) {
    const close = text.indexOf('"""', start + 3)
    if (close < 0) {
      syntax(errors, start, n, 'unterminated raw string', 'close it with """')
      tokens.push({ kind: 'string', text: text.slice(start + 3), start, end: n, quote: '"""' })
      return n
    }
    // Like ES's `'"""' .*? '"""' '"'? '"'?`: up to two extra quotes right after the closing `"""` belong
    // to the value ("""a""""" is `a""`).
    let end = close + 3
    let valueEnd = close
    for (let k = 0; k < 2 && text.charCodeAt(end) === CH_DQUOTE; k++) { end++; valueEnd++ }
    tokens.push({ kind: 'string', text: text.slice(start + 3, valueEnd), start, end, quote: '"""' })
    return end
  }
  let i = start + 1
  let out = ''
  let chunk = i
  while (i < n) {
    const c = text.charCodeAt(i)
    if (c === CH_DQUOTE) {
      out += text.slice(chunk, i)
      tokens.push({ kind: 'string', text: out, start, end: i + 1, quote: '"' })
      return i + 1
    }
    if (c === CH_LF || c === CH_CR) {
      // ES strings cannot span lines.
      break
    }
    if (c !== CH_BACKSLASH) { i++; continue }
    out += text.slice(chunk, i)
    const esc = text.charCodeAt(i + 1)
    switch (esc) {
      case 110: out += '\n'; i += 2; break          // \n
      case 114: out += '\r'; i += 2; break          // \r
      case 116: out += '\t'; i += 2; break          // \t
      case 98: out += '\b'; i += 2; break           // \b
      case 102: out += '\f'; i += 2; break          // \f
      case CH_DQUOTE: out += '"'; i += 2; break
      case CH_SQUOTE: out += "'"; i += 2; break
      case CH_BACKSLASH: out += '\\'; i += 2; break
      case 117: {                                   // \u{XXXX}
        const r = unicodeEscape(text, i)
        if (typeof r === 'string') {
          errors.push({ code: 'syntax', message: r, span: { start: i, end: Math.min(n, text.indexOf('}', i) + 1 || i + 2) } })
          out += '\\u'
          i += 2
        } else {
          out += r.char
          i = r.end
        }
        break
      }
      default:
        if (Number.isNaN(esc) || esc === CH_LF || esc === CH_CR) { out += '\\'; i += 1; break }
        // ES passes unknown escapes through as written (`"\d"` stays `\d`).
        out += '\\' + String.fromCharCode(esc)
        i += 2
    }
    chunk = i
  }
  out += text.slice(chunk, i)
  syntax(errors, start, i, 'unterminated string', 'close it with " on the same line')
  tokens.push({ kind: 'string', text: out, start, end: i, quote: '"' })
  return i
}

function unicodeEscape(text: string, at: number): { char: string; end: number } | string {
  if (text.charCodeAt(at + 2) !== 123) return 'Invalid unicode escape: use \\u{XXXX} with 2-8 hex digits'
  let j = at + 3
  while (j < text.length && isHex(text.charCodeAt(j))) j++
  const hex = text.slice(at + 3, j)
  if (text.charCodeAt(j) !== 125) return 'Invalid unicode escape: use \\u{XXXX} with 2-8 hex digits'
  if (hex.length < 2 || hex.length > 8) {
    return `Unicode sequence should use [2-8] hex digits, [${text.slice(at, j + 1)}] has [${hex.length}]`
  }
  const code = parseInt(hex, 16)
  if (code >= 0xd800 && code <= 0xdfff) return `Invalid unicode character code, [${hex}] is a surrogate code`
  if (code > 0x10ffff) return `Invalid unicode character code [${hex}]`
  return { char: String.fromCodePoint(code), end: j + 1 }
}

/** `'…'`, `?"…"`, `?'…'`: lexed only so the error can name them and parsing can continue. */
function lexLegacyQuoted(text: string, from: number, q: number, tokens: Token[], start: number,
  quote: "'" | '?', errors: EqlError[]): number {
  let i = from
  let out = ''
  while (i < text.length) {
    const c = text.charCodeAt(i)
    if (c === q) {
      tokens.push({ kind: 'string', text: out, start, end: i + 1, quote })
      return i + 1
    }
    if (c === CH_LF || c === CH_CR) break
    if (c === CH_BACKSLASH && i + 1 < text.length) { out += text[i + 1]; i += 2; continue }
    out += text[i]
    i++
  }
  syntax(errors, start, i, 'unterminated string')
  tokens.push({ kind: 'string', text: out, start, end: i, quote })
  return i
}

/** `` `my-field` `` with ```` `` ```` standing for one backtick. */
function lexQuotedIdentifier(text: string, start: number, tokens: Token[], errors: EqlError[]): number {
  let i = start + 1
  let out = ''
  let chunk = i
  while (i < text.length) {
    if (text.charCodeAt(i) === CH_BACKTICK) {
      if (text.charCodeAt(i + 1) === CH_BACKTICK) {
        out += text.slice(chunk, i + 1)
        i += 2
        chunk = i
        continue
      }
      out += text.slice(chunk, i)
      tokens.push({ kind: 'quoted', text: out, start, end: i + 1 })
      return i + 1
    }
    i++
  }
  syntax(errors, start, text.length, 'unterminated quoted identifier', 'close it with `')
  tokens.push({ kind: 'quoted', text: out + text.slice(chunk), start, end: text.length })
  return text.length
}

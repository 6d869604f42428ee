// Token cursor shared by the expression and query parsers: lookahead, expectations and error collection.
// A fatal syntax error unwinds to `parse()` through a private sentinel, never to callers.
import type { Span } from './ast.js'
import type { EqlError, EqlErrorCode } from './errors.js'
import type { Token } from './lexer.js'

/** Words the ES grammar reserves; they cannot start a bare field name or be an unquoted category. */
export const RESERVED_WORDS: ReadonlySet<string> = new Set([
  'and', 'any', 'by', 'false', 'fork', 'in', 'join', 'like', 'maxspan', 'not', 'null', 'of', 'or', 'regex',
  'sample', 'sequence', 'true', 'until', 'where', 'with',
])

/** Thrown only inside the parser to stop at the first unrecoverable syntax error. */
export class ParseAbort {
  readonly isParseAbort = true
}

export interface Cursor {
  readonly text: string
  readonly errors: EqlError[]
  peek(offset?: number): Token
  next(): Token
  /** End offset of the last consumed token. */
  lastEnd(): number
  isPunct(text: string, offset?: number): boolean
  isWord(text: string, offset?: number): boolean
  eatPunct(text: string): Token | null
  eatWord(text: string): Token | null
  expectPunct(text: string, what?: string): Token
  expectWord(text: string, what?: string): Token
  /** Record a non-fatal error and keep parsing. */
  report(code: EqlErrorCode, message: string, span: Span, hint?: string): void
  /** Record a fatal error and abort the parse. */
  fail(code: EqlErrorCode, message: string, span: Span, hint?: string): never
  /** `unexpected 'x', expected …` at the current token, fatal. */
  unexpected(expected: string): never
}

/** Quote a token for a message, the way ANTLR does (`'<EOF>'` at the end). */
export function describe(t: Token, text: string): string {
  if (t.kind === 'eof') return 'end of query'
  return `'${text.slice(t.start, t.end)}'`
}

export function createCursor(text: string, tokens: readonly Token[], errors: EqlError[]): Cursor {
  let pos = 0
  let end = 0
  const last = tokens.length - 1
  const peek = (offset = 0): Token => tokens[Math.min(pos + offset, last)]!
  const isPunct = (p: string, offset = 0): boolean => { const t = peek(offset); return t.kind === 'punct' && t.text === p }
  const isWord = (w: string, offset = 0): boolean => {
    const t = peek(offset)
    return t.kind === 'word' && t.text === w && t.hasTilde !== true
  }
  const next = (): Token => {
    const t = peek()
    if (pos < last) pos++
    end = t.end
    return t
  }
  const report = (code: EqlErrorCode, message: string, span: Span, hint?: string): void => {
    errors.push(hint === undefined ? { code, message, span } : { code, message, hint, span })
  }
  const fail = (code: EqlErrorCode, message: string, span: Span, hint?: string): never => {
    report(code, message, span, hint)
    throw new ParseAbort()
  }
  const unexpected = (expected: string): never => {
    const t = peek()
    const span = { start: t.start, end: Math.max(t.end, t.start) }
    if (t.kind === 'eof') return fail('syntax', `unexpected end of query, expected ${expected}`, span)
    return fail('syntax', `unexpected ${describe(t, text)}, expected ${expected}`, span)
  }
  return {
    text,
    errors,
    peek,
    next,
    lastEnd: () => end,
    isPunct,
    isWord,
    eatPunct: (p) => (isPunct(p) ? next() : null),
    eatWord: (w) => (isWord(w) ? next() : null),
    expectPunct: (p, what) => (isPunct(p) ? next() : unexpected(what ?? `'${p}'`)),
    expectWord: (w, what) => (isWord(w) ? next() : unexpected(what ?? `'${w}'`)),
    report,
    fail,
    unexpected,
  }
}

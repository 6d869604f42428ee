// Token cursor shared by the expression and query parsers: lookahead, expectations and error collection.
// A fatal syntax error unwinds to `parse()` through a private sentinel, never to callers.
import type { Span } from './ast.js'
import type { EqlError, EqlErrorCode } from './errors.js'
import type { Token } from './lexer.js'

/** Keywords of the ES grammar (EqlBase.g4); a field segment or category spelled like one needs quoting. */
export const RESERVED_WORDS: ReadonlySet<string> = new Set([
  'and', 'any', 'by', 'false', 'in', 'join', 'like', 'maxspan', 'not', 'null', 'of', 'or', 'regex',
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
  /** Enter one level of nesting (parentheses, `not`, unary sign); fails past MAX_NESTING. */
  enter(): void
  leave(): void
  /** Nesting depth, to restore after recovering from an aborted sub-parse. */
  nesting(): number
  restoreNesting(depth: number): void
  /**
   * Error recovery inside a sequence/sample term: skip to the `]` that closes it (one followed by what can
   * follow a term). Returns false, consuming nothing, when there is none.
   */
  skipPastTermEnd(): boolean
}

/** Tokens that may follow the `]` of a term. */
const AFTER_TERM: ReadonlySet<string> = new Set(['by', 'with', 'until', '[', '![', '|'])

/** Deep enough for any real rule; shallow enough that recursion (parse, validate, print) cannot overflow. */
export const MAX_NESTING = 200

/** Quote a token for a message, the way ANTLR does (`'<EOF>'` at the end). */
export function describe(t: Token, text: string): string {
  if (t.kind === 'eof') return 'end of query'
  const raw = text.slice(t.start, Math.min(t.end, t.start + 41))
  return `'${t.end - t.start > 40 ? `${raw.slice(0, 40)}…` : raw}'`
}

/**
 * A class rather than a closure bundle: parsing builds one cursor per query, and per-call closures cost
 * far more than the parse itself under tsx (each gets a `__name` defineProperty), so methods live on the prototype.
 */
class TokenCursor implements Cursor {
  private pos = 0
  private end = 0
  private depth = 0
  private readonly last: number

  constructor(readonly text: string, private readonly tokens: readonly Token[], readonly errors: EqlError[]) {
    this.last = tokens.length - 1
  }

  peek(offset = 0): Token { return this.tokens[Math.min(this.pos + offset, this.last)]! }
  next(): Token {
    const t = this.peek()
    if (this.pos < this.last) this.pos++
    this.end = t.end
    return t
  }
  lastEnd(): number { return this.end }
  isPunct(p: string, offset = 0): boolean { const t = this.peek(offset); return t.kind === 'punct' && t.text === p }
  isWord(w: string, offset = 0): boolean {
    const t = this.peek(offset)
    return t.kind === 'word' && t.text === w && t.hasTilde !== true
  }
  eatPunct(p: string): Token | null { return this.isPunct(p) ? this.next() : null }
  eatWord(w: string): Token | null { return this.isWord(w) ? this.next() : null }
  expectPunct(p: string, what?: string): Token { return this.isPunct(p) ? this.next() : this.unexpected(what ?? `'${p}'`) }
  expectWord(w: string, what?: string): Token { return this.isWord(w) ? this.next() : this.unexpected(what ?? `'${w}'`) }
  report(code: EqlErrorCode, message: string, span: Span, hint?: string): void {
    this.errors.push(hint === undefined ? { code, message, span } : { code, message, hint, span })
  }
  fail(code: EqlErrorCode, message: string, span: Span, hint?: string): never {
    this.report(code, message, span, hint)
    throw new ParseAbort()
  }
  unexpected(expected: string): never {
    const t = this.peek()
    const span = { start: t.start, end: Math.max(t.end, t.start) }
    if (t.kind === 'eof') return this.fail('syntax', `unexpected end of query, expected ${expected}`, span)
    return this.fail('syntax', `unexpected ${describe(t, this.text)}, expected ${expected}`, span)
  }
  enter(): void {
    if (++this.depth > MAX_NESTING) {
      const t = this.peek()
      this.fail('syntax', `Query is nested too deeply (more than ${MAX_NESTING} levels)`, { start: t.start, end: t.end })
    }
  }
  leave(): void { this.depth-- }
  nesting(): number { return this.depth }
  restoreNesting(depth: number): void { this.depth = depth }
  skipPastTermEnd(): boolean {
    for (let i = this.pos; i < this.last; i++) {
      const t = this.tokens[i]!
      if (t.kind !== 'punct' || t.text !== ']') continue
      const after = this.tokens[i + 1]!
      if (after.kind === 'eof' || ((after.kind === 'word' || after.kind === 'punct') && AFTER_TERM.has(after.text))) {
        this.pos = i + 1
        this.end = t.end
        return true
      }
    }
    return false
  }
}

export function createCursor(text: string, tokens: readonly Token[], errors: EqlError[]): Cursor {
  return new TokenCursor(text, tokens, errors)
}

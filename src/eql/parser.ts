// EQL parser (Elasticsearch dialect): event queries, sequences, samples and head/tail pipes. `parse` lexes,
// parses and validates, and returns every error it found as a value; it never throws on any input.
import type { EventQuery, Expr, Maxspan, Pipe, Query, Sample, Sequence, Span, Term, TimeUnit } from './ast.js'
import { createCursor, describe, ParseAbort, RESERVED_WORDS, type Cursor } from './cursor.js'
import type { EqlError, Parsed } from './errors.js'
import { lex } from './lexer.js'
import { parseExpr, parseUnary } from './parse-expr.js'
import { validate, validateExpr } from './validate.js'

const UNIT_MS: Readonly<Record<TimeUnit, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }
const MAX_ERRORS = 100
const ENDGAME_PIPES: ReadonlySet<string> = new Set(['count', 'filter', 'sort', 'unique', 'unique_count'])

const span = (start: number, end: number): Span => ({ start, end })

/** Parse and validate an EQL query. */
export function parse(text: string): Parsed<Query> {
  return run(text, parseQuery, validate)
}

/** Parse and validate a lone condition (`process.name : "cmd.exe" and …`). */
export function parseExpression(text: string): Parsed<Expr> {
  return run(text, parseExpr, validateExpr)
}

function run<T>(text: string, parseTop: (cx: Cursor) => T, check: (value: T) => EqlError[]): Parsed<T> {
  if (typeof text !== 'string') {
    return { ok: false, errors: [{ code: 'syntax', message: 'query must be a string', span: span(0, 0) }] }
  }
  const lexed = lex(text)
  const errors: EqlError[] = [...lexed.errors]
  const cx = createCursor(text, lexed.tokens, errors)
  let value: T | null = null
  try {
    value = parseTop(cx)
    if (cx.peek().kind !== 'eof') {
      const t = cx.peek()
      cx.fail('syntax', `extraneous input ${describe(t, text)}, expected end of query`, span(t.start, t.end))
    }
  } catch (e) {
    if (!(e instanceof ParseAbort)) throw e
    value = null
  }
  if (value !== null) errors.push(...check(value))
  if (errors.length > 0 || value === null) return { ok: false, errors: tidy(errors) }
  return { ok: true, value }
}

/**
 * Order errors by position and drop duplicates: the same message over overlapping spans (the lexer and the
 * parser, or the parser and the validator, may report one problem twice).
 */
function tidy(errors: readonly EqlError[]): EqlError[] {
  const out: EqlError[] = []
  // A garbage input can yield an error per character; the first MAX_ERRORS are plenty to act on.
  const sorted = [...errors].sort((a, b) => a.span.start - b.span.start).slice(0, MAX_ERRORS)
  for (const e of sorted) {
    const twin = out.some((o) => o.message === e.message && o.span.start <= e.span.end && e.span.start <= o.span.end)
    if (!twin) out.push(e)
  }
  return out
}

function parseQuery(cx: Cursor): Query {
  const start = cx.peek().start
  const t = cx.peek()
  let base: Query['base']
  if (cx.isWord('sequence')) base = parseSequence(cx)
  else if (cx.isWord('sample')) base = parseSample(cx)
  else if (cx.isWord('join')) {
    return cx.fail('unsupported', 'Join is not supported', span(t.start, t.end),
      'Elasticsearch has no join; write a sequence with the same by keys')
  } else if (t.kind === 'word' && (t.text === 'macro' || t.text === 'const') && !cx.isWord('where', 1)) {
    return cx.fail('unsupported', `[${t.text}] definitions are not supported`, span(t.start, t.end),
      'Elasticsearch EQL has no macros or constants; inline the expression')
  } else base = parseEventQuery(cx)
  const pipes: Pipe[] = []
  while (cx.isPunct('|')) {
    const pipe = parsePipe(cx)
    if (pipe) pipes.push(pipe)
  }
  return { base, pipes, span: span(start, cx.lastEnd()) }
}

function parseEventQuery(cx: Cursor): EventQuery {
  const t = cx.peek()
  let category: string | null
  if (t.kind === 'word' && t.text === 'any' && t.hasTilde !== true) category = null
  else if (t.kind === 'string') category = t.text
  else if (t.kind === 'word' && !RESERVED_WORDS.has(t.text) && t.hasTilde !== true) category = t.text
  else return cx.unexpected('an event category (e.g. process, any, "my-category")')
  cx.next()
  cx.expectWord('where', "'where'")
  const condition = parseExpr(cx)
  return { kind: 'event', category, condition, span: span(t.start, cx.lastEnd()) }
}

function parseKeys(cx: Cursor): Expr[] {
  const keys: Expr[] = [parseExpr(cx)]
  while (cx.eatPunct(',')) keys.push(parseExpr(cx))
  return keys
}

function parseMaxspan(cx: Cursor): Maxspan {
  const start = cx.peek().start
  const name = cx.peek()
  if (name.kind === 'word' && name.text === 'runs') {
    cx.fail('syntax', 'Parameter [runs] belongs to a sequence term', span(name.start, name.end),
      'write it after the term: [ … ] with runs=2')
  }
  cx.expectWord('maxspan', "'maxspan'")
  if (cx.isPunct('==')) {
    const eq = cx.next()
    cx.report('syntax', "Use [=] to set maxspan, not [==]", span(eq.start, eq.end))
  } else cx.expectPunct('=', "'='")
  const num = cx.peek()
  if (num.kind === 'float') {
    cx.fail('syntax', `Decimal time interval [${num.text}] not supported; please use a positive integer`, span(num.start, num.end))
  }
  if (num.kind !== 'integer') {
    if (num.kind === 'punct' && num.text === '-') {
      cx.fail('syntax', `A positive maxspan value is required; found [${cx.text.slice(num.start, cx.peek(1).end)}]`,
        span(num.start, cx.peek(1).end))
    }
    cx.unexpected('a time interval such as 30s')
  }
  cx.next()
  const value = num.value ?? 0
  const unit = cx.peek()
  if (unit.kind !== 'word' || RESERVED_WORDS.has(unit.text)) {
    cx.fail('syntax', `No time unit specified, did you mean [s] as in [${num.text}s]?`, span(num.start, num.end),
      'maxspan needs a unit: ms, s, m, h or d')
  }
  if (!Object.hasOwn(UNIT_MS, unit.text)) {
    cx.fail('syntax', `Unrecognized time unit [${unit.text}] in [${cx.text.slice(num.start, unit.end)}], please specify one of [ms, s, m, h, d]`,
      span(unit.start, unit.end))
  }
  cx.next()
  const u = unit.text as TimeUnit
  return { value, unit: u, ms: value * UNIT_MS[u], span: span(start, cx.lastEnd()) }
}

/**
 * The event query of a term and its closing `]`. A syntax error inside is recorded and parsing resumes after
 * the `]`, so one bad term does not hide the errors of the others; the stand-in query is never returned
 * to callers because the recorded error makes the whole parse fail.
 */
function parseTermQuery(cx: Cursor): EventQuery {
  const depth = cx.nesting()
  const start = cx.peek().start
  try {
    const query = parseEventQuery(cx)
    cx.expectPunct(']', "']'")
    return query
  } catch (e) {
    if (!(e instanceof ParseAbort) || !cx.skipPastTermEnd()) throw e
    cx.restoreNesting(depth)
    const stand = span(start, cx.lastEnd())
    return { kind: 'event', category: null, condition: { kind: 'literal', type: 'boolean', value: true, span: stand }, span: stand }
  }
}

/** `[ q ] by k with runs=N`, or `![ q ]`. */
function parseTerm(cx: Cursor): Term {
  const open = cx.peek()
  if (!cx.isPunct('[') && !cx.isPunct('![')) cx.unexpected("'[' to open a sequence term")
  cx.next()
  const query = parseTermQuery(cx)
  const keys = cx.eatWord('by') ? parseKeys(cx) : []
  let runs = 1
  if (cx.isWord('fork')) {
    const f = cx.next()
    cx.fail('unsupported', 'Fork is not supported', span(f.start, f.end), 'Elasticsearch sequences have no fork')
  }
  if (cx.isWord('with') && !cx.isWord('maxspan', 1)) {
    cx.next()
    const key = cx.peek()
    if (key.kind !== 'word' || key.text !== 'runs') cx.unexpected("'runs'")
    cx.next()
    cx.expectPunct('=', "'='")
    const v = parseUnary(cx)
    if (v.kind !== 'literal' || v.type !== 'integer') {
      cx.fail('syntax', `A positive integer is required for runs; found [${cx.text.slice(v.span.start, v.span.end)}]`, v.span)
    }
    runs = v.value as number
  }
  return { query, keys, isMissing: open.text === '![', runs, span: span(open.start, cx.lastEnd()) }
}

function parseSequence(cx: Cursor): Sequence {
  const start = cx.next().start
  let keys: Expr[] = []
  let maxspan: Maxspan | null = null
  if (cx.eatWord('by')) keys = parseKeys(cx)
  if (cx.eatWord('with')) {
    maxspan = parseMaxspan(cx)
    const by = cx.peek()
    if (cx.isWord('by')) {
      cx.next()
      cx.report('syntax', 'Please specify sequence [by] before [with] not after', span(by.start, by.end),
        'write sequence by <keys> with maxspan=<n><unit>')
      const late = parseKeys(cx)
      if (keys.length === 0) keys = late
    }
  }
  const terms: Term[] = []
  while (cx.isPunct('[') || cx.isPunct('![')) terms.push(parseTerm(cx))
  if (terms.length === 0) cx.unexpected("'[' to open a sequence term")
  let until: Term | null = null
  if (cx.eatWord('until')) until = parseTerm(cx)
  return { kind: 'sequence', keys, maxspan, terms, until, span: span(start, cx.lastEnd()) }
}

function parseSample(cx: Cursor): Sample {
  const start = cx.next().start
  const keys = cx.eatWord('by') ? parseKeys(cx) : []
  if (cx.isWord('with')) {
    const w = cx.next()
    const m = parseMaxspan(cx)
    cx.report('syntax', 'Samples do not support [with maxspan]', span(w.start, m.span.end), 'remove with maxspan from the sample')
  }
  const terms: Term[] = []
  while (cx.isPunct('[') || cx.isPunct('![')) terms.push(parseTerm(cx))
  if (terms.length === 0) cx.unexpected("'[' to open a sample term")
  if (cx.isWord('until')) {
    const u = cx.next()
    const term = parseTerm(cx)
    cx.report('syntax', 'Samples do not support [until]', span(u.start, term.span.end), 'remove the until clause')
  }
  return { kind: 'sample', keys, terms, span: span(start, cx.lastEnd()) }
}

/** `| head N` / `| tail N`; Endgame pipes are reported and skipped so the rest is still checked. */
function parsePipe(cx: Cursor): Pipe | null {
  const bar = cx.next()
  const name = cx.peek()
  if (name.kind !== 'word') return cx.unexpected('a pipe name (head or tail)')
  cx.next()
  if (name.text !== 'head' && name.text !== 'tail') {
    if (ENDGAME_PIPES.has(name.text)) {
      cx.report('unsupported', `Pipe [${name.text}] is not supported`, span(name.start, name.end),
        'Elasticsearch EQL supports only | head N and | tail N')
    } else {
      cx.report('unsupported', `Unrecognized pipe [${name.text}]`, span(name.start, name.end), 'use | head N or | tail N')
    }
    while (cx.peek().kind !== 'eof' && !cx.isPunct('|')) cx.next()
    return null
  }
  const arg = cx.peek()
  if (arg.kind === 'eof' || cx.isPunct('|')) {
    cx.report('syntax', `Pipe [${name.text}] expects exactly one argument but found [0]`, span(bar.start, name.end), `write | ${name.text} 10`)
    return null
  }
  const v = parseUnary(cx)
  if (v.kind !== 'literal' || v.type !== 'integer') {
    cx.report('type', `Pipe [${name.text}] expects a positive integer but found [${cx.text.slice(v.span.start, v.span.end)}]`, v.span)
    return null
  }
  return { kind: name.text, count: v.value as number, span: span(bar.start, cx.lastEnd()) }
}

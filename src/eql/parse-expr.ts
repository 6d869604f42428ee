// Recursive-descent parser for EQL conditions, shaped like Elasticsearch's grammar (EqlBase.g4). Precedence,
// lowest first: or < and < not < comparison < + - < * / % < unary sign < predicate < atom. A predicate
// (`in`, `not in`, `:`, `like`, `regex`) attaches to the primary expression before it, as ES's
// `operatorExpression: primaryExpression predicate?`: `a : "x" == true` compares the match with true, and
// `a + 1 in (2)` is `a + (1 in (2))` — which the validator then rejects, as Elasticsearch does.
import type { ArithOp, CompareOp, Expr, Field, Literal, Span } from './ast.js'
import { RESERVED_WORDS, type Cursor } from './cursor.js'
import type { Token } from './lexer.js'
import { ENDGAME_ONLY_FUNCTIONS, lookupFunction, similarFunctions } from './signatures.js'

const COMPARE_OPS: ReadonlySet<string> = new Set(['==', '!=', '<', '<=', '>', '>='])
/** Words that start an Endgame lineage clause: `descendant of [...]`. */
const LINEAGE_WORDS: ReadonlySet<string> = new Set(['descendant', 'child', 'event'])

const span = (start: number, end: number): Span => ({ start, end })

export function parseExpr(cx: Cursor): Expr {
  cx.enter()
  const first = parseAnd(cx)
  if (!cx.isWord('or')) {
    cx.leave()
    return first
  }
  const terms: Expr[] = [first]
  while (cx.eatWord('or')) terms.push(parseAnd(cx))
  cx.leave()
  return { kind: 'or', terms, span: span(first.span.start, cx.lastEnd()) }
}

function parseAnd(cx: Cursor): Expr {
  const first = parseNot(cx)
  if (!cx.isWord('and')) return first
  const terms: Expr[] = [first]
  while (cx.eatWord('and')) terms.push(parseNot(cx))
  return { kind: 'and', terms, span: span(first.span.start, cx.lastEnd()) }
}

function parseNot(cx: Cursor): Expr {
  const not = cx.eatWord('not')
  if (!not) return parseComparison(cx)
  cx.enter()
  const operand = parseNot(cx)
  cx.leave()
  return { kind: 'not', operand, span: span(not.start, cx.lastEnd()) }
}

function isCompareToken(t: Token): boolean {
  return t.kind === 'punct' && (COMPARE_OPS.has(t.text) || t.text === '=')
}

function parseComparison(cx: Cursor): Expr {
  const left = parseSum(cx)
  const t = cx.peek()
  if (!isCompareToken(t)) return left
  cx.next()
  let op = t.text as CompareOp
  if (t.text === '=') {
    cx.report('unsupported', 'Single [=] is not a supported operator', span(t.start, t.end),
      'use == for case-sensitive equality or : for case-insensitive matching')
    op = '=='
  }
  const right = parseSum(cx)
  const after = cx.peek()
  if (isCompareToken(after)) {
    cx.fail('syntax', `Comparisons cannot be chained: unexpected '${after.text}'`, span(after.start, after.end),
      'combine them with and, e.g. a < b and b < c')
  }
  return { kind: 'compare', op, left, right, span: span(left.span.start, cx.lastEnd()) }
}

/** True when the token `at` ahead starts a predicate: `:`, `!:`, `like`, `regex`, `in`, `not in` (any `~`). */
function startsPredicate(cx: Cursor, at: number): boolean {
  const t = cx.peek(at)
  if (t.kind === 'punct') return t.text === ':' || t.text === '!:'
  if (t.kind !== 'word') return false
  if (t.text === 'like' || t.text === 'regex' || t.text === 'in') return true
  if (t.text !== 'not' || t.hasTilde === true) return false
  const t2 = cx.peek(at + 1)
  return t2.kind === 'word' && t2.text === 'in'
}

/** The optional predicate after a primary expression. */
function parsePredicateSuffix(cx: Cursor, left: Expr): Expr {
  const t = cx.peek()
  if (t.kind === 'punct' && t.text === ':') {
    cx.next()
    return parseMatch(cx, left, ':', false)
  }
  if (t.kind === 'punct' && t.text === '!:') {
    cx.next()
    cx.report('unsupported', 'Operator [!:] is not supported', span(t.start, t.end), 'write not field : "value"')
    const match = parseMatch(cx, left, ':', false)
    return { kind: 'not', operand: match, span: match.span }
  }
  if (t.kind === 'word') {
    if (t.text === 'like' || t.text === 'regex') {
      cx.next()
      return parseMatch(cx, left, t.text, t.hasTilde === true)
    }
    if (t.text === 'in') {
      cx.next()
      return parseIn(cx, left, false, t.hasTilde === true)
    }
    if (t.text === 'not' && t.hasTilde !== true) {
      const t2 = cx.peek(1)
      if (t2.kind === 'word' && t2.text === 'in') {
        cx.next()
        cx.next()
        return parseIn(cx, left, true, t2.hasTilde === true)
      }
    }
  }
  return left
}

function parseIn(cx: Cursor, value: Expr, isNegated: boolean, isCaseInsensitive: boolean): Expr {
  cx.expectPunct('(', "'(' to open the list of values")
  const list: Expr[] = [parseExpr(cx)]
  while (cx.eatPunct(',')) list.push(parseExpr(cx))
  cx.expectPunct(')', "',' or ')'")
  return { kind: 'in', value, list, isNegated, isCaseInsensitive, span: span(value.span.start, cx.lastEnd()) }
}

function parseMatch(cx: Cursor, value: Expr, op: ':' | 'like' | 'regex', isCaseInsensitive: boolean): Expr {
  const t = cx.peek()
  // Endgame method syntax `field:length()` has no ES equivalent.
  if (op === ':' && (t.kind === 'word' || t.kind === 'quoted') && cx.isPunct('(', 1)) {
    cx.fail('unsupported', `Method syntax [${cx.text.slice(value.span.start, t.end)}()] is not supported`,
      span(value.span.start, t.end), `call the function instead: ${t.text}(${cx.text.slice(value.span.start, value.span.end)})`)
  }
  if (cx.eatPunct('(')) {
    const patterns: Literal[] = [parsePattern(cx, op)]
    while (cx.eatPunct(',')) patterns.push(parsePattern(cx, op))
    cx.expectPunct(')', "',' or ')'")
    return { kind: 'match', op, isCaseInsensitive, value, patterns, isList: true, span: span(value.span.start, cx.lastEnd()) }
  }
  const pattern = parsePattern(cx, op)
  return { kind: 'match', op, isCaseInsensitive, value, patterns: [pattern], isList: false, span: span(value.span.start, cx.lastEnd()) }
}

/** A pattern must be a constant (ES grammar); the validator checks that it is a string. */
function parsePattern(cx: Cursor, op: string): Literal {
  const start = cx.peek().start
  const e = parseSigned(cx, false)
  if (e.kind !== 'literal') {
    cx.fail('type', `Pattern of [${op}] must be a string literal, found [${cx.text.slice(e.span.start, e.span.end)}]`,
      span(start, e.span.end), 'write the pattern as "…"; comparing a field to a field is not supported')
  }
  return e
}

function parseSum(cx: Cursor): Expr {
  let left = parseProduct(cx)
  // Each operator deepens the (left-leaning) tree, so long chains count as nesting too.
  let levels = 0
  for (;;) {
    const t = cx.peek()
    if (t.kind !== 'punct' || (t.text !== '+' && t.text !== '-')) break
    cx.next()
    cx.enter()
    levels++
    const right = parseProduct(cx)
    left = { kind: 'arith', op: t.text as ArithOp, left, right, span: span(left.span.start, cx.lastEnd()) }
  }
  for (; levels > 0; levels--) cx.leave()
  return left
}

function parseProduct(cx: Cursor): Expr {
  let left = parseSigned(cx, true)
  // Each operator deepens the (left-leaning) tree, so long chains count as nesting too.
  let levels = 0
  for (;;) {
    const t = cx.peek()
    if (t.kind !== 'punct' || (t.text !== '*' && t.text !== '/' && t.text !== '%')) break
    cx.next()
    cx.enter()
    levels++
    const right = parseSigned(cx, true)
    left = { kind: 'arith', op: t.text as ArithOp, left, right, span: span(left.span.start, cx.lastEnd()) }
  }
  for (; levels > 0; levels--) cx.leave()
  return left
}

/** A constant where the grammar wants one (a pattern, `runs=`, a pipe count): a signed primary, no predicate. */
export function parseUnary(cx: Cursor): Expr {
  return parseSigned(cx, false)
}

/**
 * `-x`, `+x`, or a primary with (when `withPredicate`) its optional predicate. A sign directly before a number
 * folds into the literal (`substring(x, 0, -1)`) unless a predicate follows the number: `-5 in (1)` is
 * `-(5 in (1))` in Elasticsearch's grammar.
 */
function parseSigned(cx: Cursor, withPredicate: boolean): Expr {
  const t = cx.peek()
  if (t.kind === 'punct' && (t.text === '-' || t.text === '+')) {
    cx.next()
    const n = cx.peek()
    if ((n.kind === 'integer' || n.kind === 'float') && !(withPredicate && startsPredicate(cx, 1))) {
      cx.next()
      const v = t.text === '-' ? -(n.value ?? 0) : (n.value ?? 0)
      return { kind: 'literal', type: n.kind, value: n.kind === 'integer' && v === 0 ? 0 : v, span: span(t.start, n.end) }
    }
    cx.enter()
    const operand = parseSigned(cx, withPredicate)
    cx.leave()
    if (t.text === '+') {
      // The AST has no unary plus, so its operand's type is checked here: `+a in (1)` is `+(a in (1))`.
      if (operand.kind === 'in' || operand.kind === 'match') {
        cx.report('type', `Argument of [+${cx.text.slice(operand.span.start, operand.span.end)}] must be [numeric], found a condition of type [boolean]`,
          operand.span, 'in, :, like and regex bind tighter than arithmetic: put the arithmetic in parentheses, e.g. (+a) in (1)')
      }
      return operand
    }
    return { kind: 'negate', operand, span: span(t.start, cx.lastEnd()) }
  }
  const primary = parsePrimary(cx)
  return withPredicate ? parsePredicateSuffix(cx, primary) : primary
}

function parsePrimary(cx: Cursor): Expr {
  const t = cx.peek()
  switch (t.kind) {
    case 'string':
      cx.next()
      return { kind: 'literal', type: 'string', value: t.text, span: span(t.start, t.end) }
    case 'integer':
    case 'float':
      cx.next()
      return { kind: 'literal', type: t.kind, value: t.value ?? 0, span: span(t.start, t.end) }
    case 'punct':
      if (t.text === '(') {
        cx.next()
        const inner = parseExpr(cx)
        cx.expectPunct(')', "')'")
        return inner
      }
      if (t.text === '?') {
        cx.next()
        const f = cx.peek()
        if (f.kind === 'quoted') return parseField(cx, t.start, true)
        if (f.kind !== 'word' || RESERVED_WORDS.has(f.text) || f.hasTilde === true || cx.isPunct('(', 1)) cx.unexpected('a field name after ?')
        return parseField(cx, t.start, true)
      }
      if (t.text === '!') {
        cx.fail('syntax', "unexpected '!', expected an expression", span(t.start, t.end), 'write not to negate a condition')
      }
      return cx.unexpected('an expression')
    case 'quoted':
      return parseField(cx, t.start, false)
    case 'word': {
      if (t.text === 'true' || t.text === 'false') {
        cx.next()
        return { kind: 'literal', type: 'boolean', value: t.text === 'true', span: span(t.start, t.end) }
      }
      if (t.text === 'null') {
        cx.next()
        return { kind: 'literal', type: 'null', value: null, span: span(t.start, t.end) }
      }
      if (cx.isPunct('(', 1) && !RESERVED_WORDS.has(t.text)) return parseCall(cx)
      if (LINEAGE_WORDS.has(t.text) && cx.isWord('of', 1)) {
        cx.fail('unsupported', `Process relationships are not supported [${t.text} of]`, span(t.start, cx.peek(1).end),
          'Elasticsearch has no lineage queries; use a sequence joined by process.entity_id / process.parent.entity_id')
      }
      if (RESERVED_WORDS.has(t.text) || t.hasTilde === true) return cx.unexpected('an expression')
      return parseField(cx, t.start, false)
    }
    default:
      return cx.unexpected('an expression')
  }
}

function parseField(cx: Cursor, start: number, isOptional: boolean): Field {
  const path: string[] = [cx.next().text]
  while (cx.isPunct('.') && (cx.peek(1).kind === 'word' || cx.peek(1).kind === 'quoted') && cx.peek(1).hasTilde !== true) {
    cx.next()
    const seg = cx.next()
    // ES tokenises keywords everywhere, so `event.sequence` needs backticks there; say so, then carry on.
    if (seg.kind === 'word' && RESERVED_WORDS.has(seg.text)) {
      cx.report('syntax', `Field name segment [${seg.text}] is a reserved word`, span(seg.start, seg.end),
        `quote it with backticks: \`${seg.text}\``)
    }
    path.push(seg.text)
  }
  if (cx.isPunct('.')) cx.next(), cx.unexpected('a field name after .')
  const field: Field = { kind: 'field', path, isOptional, span: span(start, cx.lastEnd()) }
  // Endgame array indexes `a[0]`: ES rejects them.
  if (cx.isPunct('[') && cx.peek(1).kind === 'integer') {
    const open = cx.next()
    while (cx.peek().kind === 'integer') cx.next()
    const close = cx.expectPunct(']', "']'")
    cx.report('unsupported', 'Array indexes are not supported', span(open.start, close.end),
      'multi-valued fields match if any value matches: compare the field itself')
  }
  return field
}

function parseCall(cx: Cursor): Expr {
  const name = cx.next()
  cx.next() // (
  const args: Expr[] = []
  if (!cx.isPunct(')')) {
    args.push(parseExpr(cx))
    while (cx.eatPunct(',')) args.push(parseExpr(cx))
  }
  cx.expectPunct(')', "',' or ')'")
  const callSpan = span(name.start, cx.lastEnd())
  const sig = lookupFunction(name.text)
  if (!sig) {
    const hint = ENDGAME_ONLY_FUNCTIONS.get(name.text.toLowerCase())
    const similar = hint === undefined ? similarFunctions(name.text) : []
    const didYouMean = similar.length === 0 ? '' : similar.length === 1 ? `, did you mean [${similar[0]}]?` : `, did you mean any of [${similar.join(', ')}]?`
    cx.report('unknown-function', `Unknown function [${name.text}]${didYouMean}`, span(name.start, name.end), hint)
    // Stand in with a null literal so the rest of the query is still checked.
    return { kind: 'literal', type: 'null', value: null, span: callSpan }
  }
  return { kind: 'call', name: sig.name, isCaseInsensitive: name.hasTilde === true, args, span: callSpan }
}

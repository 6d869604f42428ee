// Canonical EQL text for an AST: `parse(print(q))` gives back `q` (spans aside). Parentheses are added only
// where precedence needs them, plus around nested and/or so the tree shape survives a round trip.
import { assertNever, type EventQuery, type Expr, type Literal, type Query, type Term } from './ast.js'
import { RESERVED_WORDS } from './cursor.js'
import { isWordPart, isWordStart } from './lexer.js'

// Precedence levels, lowest first (parse-expr.ts): a predicate binds to the primary expression before it.
const P_OR = 1, P_AND = 2, P_NOT = 3, P_COMPARE = 4, P_SUM = 5, P_PRODUCT = 6, P_UNARY = 7, P_PREDICATE = 8, P_ATOM = 9

function precedence(e: Expr): number {
  switch (e.kind) {
    case 'or': return P_OR
    case 'and': return P_AND
    case 'not': return P_NOT
    case 'compare': return P_COMPARE
    case 'in': case 'match': return P_PREDICATE
    case 'arith': return e.op === '+' || e.op === '-' ? P_SUM : P_PRODUCT
    case 'negate': return P_UNARY
    case 'literal': return typeof e.value === 'number' && (e.value < 0 || Object.is(e.value, -0)) ? P_UNARY : P_ATOM
    case 'field': case 'call': return P_ATOM
    default: return assertNever(e)
  }
}

/** Canonical text of a whole query. */
export function print(q: Query): string {
  const base = q.base
  let text: string
  switch (base.kind) {
    case 'event':
      text = printEventQuery(base)
      break
    case 'sequence': {
      const parts = ['sequence']
      if (base.keys.length > 0) parts.push(`by ${printKeys(base.keys)}`)
      if (base.maxspan) parts.push(`with maxspan=${base.maxspan.value}${base.maxspan.unit}`)
      for (const t of base.terms) parts.push(printTerm(t))
      if (base.until) parts.push(`until ${printTerm(base.until)}`)
      text = parts.join(' ')
      break
    }
    case 'sample': {
      const parts = ['sample']
      if (base.keys.length > 0) parts.push(`by ${printKeys(base.keys)}`)
      for (const t of base.terms) parts.push(printTerm(t))
      text = parts.join(' ')
      break
    }
    default:
      return assertNever(base)
  }
  for (const p of q.pipes) text += ` | ${p.kind} ${p.count}`
  return text
}

function printEventQuery(q: EventQuery): string {
  const category = q.category === null ? 'any' : isBareWord(q.category) ? q.category : printString(q.category)
  return `${category} where ${printExpr(q.condition)}`
}

function printTerm(t: Term): string {
  let s = `${t.isMissing ? '![' : '['}${printEventQuery(t.query)}]`
  if (t.keys.length > 0) s += ` by ${printKeys(t.keys)}`
  if (t.runs !== 1) s += ` with runs=${t.runs}`
  return s
}

function printKeys(keys: readonly Expr[]): string {
  return keys.map((k) => printExpr(k)).join(', ')
}

/** Canonical text of an expression. */
export function printExpr(e: Expr): string {
  return printAt(e, P_OR)
}

function printAt(e: Expr, min: number): string {
  const s = printBare(e)
  return precedence(e) < min ? `(${s})` : s
}

function printBare(e: Expr): string {
  switch (e.kind) {
    case 'literal': return printLiteral(e)
    case 'field': return (e.isOptional ? '?' : '') + e.path.map(printSegment).join('.')
    case 'or': return e.terms.map((t) => printAt(t, P_AND)).join(' or ')
    case 'and': return e.terms.map((t) => printAt(t, P_NOT)).join(' and ')
    case 'not': return `not ${printAt(e.operand, P_NOT)}`
    case 'compare': return `${printAt(e.left, P_SUM)} ${e.op} ${printAt(e.right, P_SUM)}`
    case 'in':
      return `${printAt(e.value, P_ATOM)} ${e.isNegated ? 'not ' : ''}in${e.isCaseInsensitive ? '~' : ''} (${e.list.map((x) => printExpr(x)).join(', ')})`
    case 'match': {
      const op = `${e.op}${e.isCaseInsensitive ? '~' : ''}`
      const patterns = e.patterns.map(printLiteral)
      const rhs = e.isList || patterns.length !== 1 ? `(${patterns.join(', ')})` : patterns[0]!
      return `${printAt(e.value, P_ATOM)} ${op} ${rhs}`
    }
    case 'arith': {
      const p = precedence(e)
      return `${printAt(e.left, p)} ${e.op} ${printAt(e.right, p + 1)}`
    }
    case 'negate':
      // `-5` would fold back into a literal, so a literal (or anything but a field/call) gets parentheses.
      return e.operand.kind === 'field' || e.operand.kind === 'call' ? `-${printBare(e.operand)}` : `-(${printExpr(e.operand)})`
    case 'call': return `${e.name}${e.isCaseInsensitive ? '~' : ''}(${e.args.map((a) => printExpr(a)).join(', ')})`
    default: return assertNever(e)
  }
}

function printLiteral(l: Literal): string {
  switch (l.type) {
    case 'null': return 'null'
    case 'boolean': return l.value ? 'true' : 'false'
    case 'string': return printString(String(l.value))
    case 'integer': return String(l.value)
    case 'float': {
      const v = l.value as number
      if (Object.is(v, -0)) return '-0.0'
      const s = String(v)
      // Keep the float a float when read back: `1` would be an integer.
      return /[.eE]/.test(s) ? s : `${s}.0`
    }
    default: return assertNever(l.type)
  }
}

/** A `"…"` string with ES escapes; other control characters as `\u{XX}`. */
export function printString(s: string): string {
  let out = '"'
  let chunk = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    let rep: string | null = null
    if (c === 34) rep = '\\"'
    else if (c === 92) rep = '\\\\'
    else if (c === 10) rep = '\\n'
    else if (c === 13) rep = '\\r'
    else if (c === 9) rep = '\\t'
    else if (c < 32 || c === 127) rep = `\\u{${c.toString(16).padStart(2, '0')}}`
    if (rep !== null) {
      out += s.slice(chunk, i) + rep
      chunk = i + 1
    }
  }
  return out + s.slice(chunk) + '"'
}

function isBareWord(s: string): boolean {
  if (s.length === 0 || !isWordStart(s.charCodeAt(0)) || RESERVED_WORDS.has(s)) return false
  for (let i = 1; i < s.length; i++) if (!isWordPart(s.charCodeAt(i))) return false
  return true
}

function printSegment(seg: string): string {
  return isBareWord(seg) ? seg : '`' + seg.replaceAll('`', '``') + '`'
}

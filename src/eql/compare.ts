// Comparisons (`==` `!=` `<` `<=` `>` `>=`) and `in` / `not in` / `in~`, with Elasticsearch semantics:
// case-sensitive and literal; `== null` / `!= null` test presence; any other comparison with null
// gives null; a multi-valued field matches if any value matches, and `!=` / `not in` are the
// negation of that (a term query under must_not: ["a","b"] != "a" is false). Typed fields compare
// by type: ip as addresses, date against date strings (rounded as range queries round) or epoch
// millis, version semantically, numbers numerically (numeric strings are converted).
import type { CompareOp, Span } from './ast.js'
import type { Scalar, Value } from './value.js'
import { anyOf, constantOperand, parseNumeric, scalarToString, type ErrorSink, type Operand } from './operand.js'
import { canonicalIp, compareIp, parseIp } from './ip.js'
import { compileDateFormat, DEFAULT_DATE_FORMAT, type DateInterval } from './date.js'
import { compareVersions } from './version.js'
import { foldCase } from './casefold.js'

const FLIP: Record<CompareOp, CompareOp> = { '==': '==', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' }

type Test = (x: Scalar) => boolean | null

/** Compiles `left op right` into a boolean-or-null operand. */
export function compileCompare(op: CompareOp, left: Operand, right: Operand, span: Span, sink: ErrorSink): Operand {
  if (left.constant && right.constant) {
    const l = left.constant.value, r = right.constant.value
    return constantOperand(genericCompare(op, l, r), 'boolean', span)
  }
  if (left.constant && !right.constant) return compileCompare(FLIP[op], right, left, span, sink)
  const value = left.eval
  if (right.constant) {
    const lit = right.constant.value
    if (lit === null) {
      if (op === '==') return { eval: (e) => value(e) === null, sort: 'boolean', span }
      if (op === '!=') return { eval: (e) => value(e) !== null, sort: 'boolean', span }
      return constantOperand(null, 'boolean', span)
    }
    if (Array.isArray(lit)) return constantOperand(null, 'boolean', span)
    const eq = equalityTest(left, lit as Scalar, right.span, sink)
    if (op === '==') {
      if (typeof lit === 'string' && (left.sort === 'string' || left.sort === 'any' || left.sort === 'version')) {
        // fast path for the commonest shape, `field == "literal"`
        return {
          eval: (e) => {
            const v = value(e)
            if (v === lit) return true
            if (typeof v === 'string') return false
            return anyOf(v, eq)
          },
          sort: 'boolean', span,
        }
      }
      return { eval: (e) => anyOf(value(e), eq), sort: 'boolean', span }
    }
    if (op === '!=') return { eval: (e) => not3(anyOf(value(e), eq)), sort: 'boolean', span }
    const test = rangeTest(op, left, lit as Scalar, right.span, sink)
    return { eval: (e) => anyOf(value(e), test), sort: 'boolean', span }
  }
  // both sides depend on the event (e.g. `add(0, 1) == serial_event_id`)
  const rightEval = right.eval
  if (op === '!=') return { eval: (e) => not3(anyPair(value(e), rightEval(e), '==')), sort: 'boolean', span }
  return { eval: (e) => anyPair(value(e), rightEval(e), op), sort: 'boolean', span }
}

export function not3(b: boolean | null): boolean | null {
  return b === null ? null : !b
}

function anyPair(a: Value, b: Value, op: CompareOp): boolean | null {
  if (b === null) return op === '==' ? a === null : null
  if (a === null) return null
  return anyOf(a, (x) => anyOf(b, (y) => compareScalars(op, x, y)))
}

function genericCompare(op: CompareOp, a: Value, b: Value): boolean | null {
  if (a === null || b === null) {
    if (op === '==') return a === b
    if (op === '!=') return a !== b
    return null
  }
  if (op === '!=') return not3(anyPair(a, b, '=='))
  return anyPair(a, b, op)
}

/** Orders two scalars of any type: numbers numerically, strings by UTF-16 code unit, booleans false<true. */
export function orderScalars(a: Scalar, b: Scalar): number | null {
  if (a === null || b === null) return null
  if (typeof a === typeof b) return a === b ? 0 : (a as string | number | boolean) < (b as string | number | boolean) ? -1 : 1
  // a number against a numeric string compares numerically (dynamic mapping coerces either way)
  if (typeof a === 'number' && typeof b === 'string') { const n = parseNumeric(b); return n === null ? null : a - n }
  if (typeof a === 'string' && typeof b === 'number') { const n = parseNumeric(a); return n === null ? null : n - b }
  return null
}

function compareScalars(op: CompareOp, a: Scalar, b: Scalar): boolean | null {
  const c = orderScalars(a, b)
  return c === null ? null : holds(op, c)
}

/** Equality against one literal, prepared for the field's type. */
function equalityTest(left: Operand, lit: Scalar, litSpan: Span, sink: ErrorSink): Test {
  switch (left.sort) {
    case 'ip': {
      const ip = typeof lit === 'string' ? canonicalIp(lit) : null
      if (ip === null) { sink.error('type', `'${String(lit)}' is not an IP string literal.`, litSpan); return () => null }
      return (x) => x === ip
    }
    case 'date': {
      const iv = dateLiteral(left, lit, litSpan, sink)
      if (iv === null) return () => null
      return (x) => (typeof x === 'number' ? x >= iv.loMs && x <= iv.hiMs : null)
    }
    case 'int': case 'float': case 'number': {
      const n = typeof lit === 'number' ? lit : typeof lit === 'string' ? parseNumeric(lit) : null
      if (n === null) { sink.error('type', `cannot compare a number to [${String(lit)}]`, litSpan); return () => null }
      return (x) => (typeof x === 'number' ? x === n : compareScalars('==', x, n))
    }
    case 'string': case 'version': {
      const s = scalarToString(lit, 'any') as string
      return (x) => (typeof x === 'string' ? x === s : compareScalars('==', x, lit))
    }
    case 'boolean': {
      const b = lit === true || lit === 'true' ? true : lit === false || lit === 'false' ? false : null
      if (b === null) { sink.error('type', `cannot compare a boolean to [${String(lit)}]`, litSpan); return () => null }
      return (x) => (typeof x === 'boolean' ? x === b : null)
    }
    default:
      return (x) => compareScalars('==', x, lit)
  }
}

/** `<`, `<=`, `>`, `>=` against one literal, prepared for the field's type. */
function rangeTest(op: CompareOp, left: Operand, lit: Scalar, litSpan: Span, sink: ErrorSink): Test {
  switch (left.sort) {
    case 'ip': {
      const ip = typeof lit === 'string' ? parseIp(lit) : null
      if (ip === null) { sink.error('type', `'${String(lit)}' is not an IP string literal.`, litSpan); return () => null }
      return (x) => {
        const b = typeof x === 'string' ? parseIp(x) : null
        return b === null ? null : holds(op, compareIp(b, ip))
      }
    }
    case 'date': {
      const iv = dateLiteral(left, lit, litSpan, sink)
      if (iv === null) return () => null
      // range queries round the bound: `>`/`<=` use the last millisecond, `<`/`>=` the first
      const bound = op === '>' || op === '<=' ? iv.hiMs : iv.loMs
      return (x) => (typeof x === 'number' ? holds(op, x - bound) : null)
    }
    case 'version': {
      const s = scalarToString(lit, 'any') as string
      return (x) => (typeof x === 'string' ? holds(op, compareVersions(x, s)) : null)
    }
    case 'int': case 'float': case 'number': {
      const n = typeof lit === 'number' ? lit : typeof lit === 'string' ? parseNumeric(lit) : null
      if (n === null) { sink.error('type', `cannot compare a number to [${String(lit)}]`, litSpan); return () => null }
      return (x) => (typeof x === 'number' ? holds(op, x - n) : compareScalars(op, x, n))
    }
    case 'string': {
      const s = scalarToString(lit, 'any') as string
      return (x) => (typeof x === 'string' ? holds(op, x === s ? 0 : x < s ? -1 : 1) : compareScalars(op, x, lit))
    }
    default:
      return (x) => compareScalars(op, x, lit)
  }
}

function holds(op: CompareOp, c: number): boolean {
  switch (op) {
    case '==': return c === 0
    case '!=': return c !== 0
    case '<': return c < 0
    case '<=': return c <= 0
    case '>': return c > 0
    case '>=': return c >= 0
  }
}

function dateLiteral(left: Operand, lit: Scalar, litSpan: Span, sink: ErrorSink): DateInterval | null {
  if (typeof lit === 'number') return { loMs: Math.floor(lit), hiMs: Math.floor(lit) }
  if (typeof lit === 'string') {
    const iv = compileDateFormat(left.fieldType?.format)(lit.trim())
    if (iv !== null) return iv
  }
  const format = left.fieldType?.format ?? DEFAULT_DATE_FORMAT
  sink.error('type', `failed to parse date field [${String(lit)}] with format [${format}]`, litSpan)
  return null
}

/** `value in (…)`, `value not in (…)`, `in~`: any value equal to any list element. */
export function compileIn(
  value: Operand, list: readonly Operand[], isNegated: boolean, isCaseInsensitive: boolean, span: Span, sink: ErrorSink,
): Operand {
  const v = value.eval
  const wrap = (f: (x: Value) => boolean | null): Operand => {
    const ev = isNegated ? (e: Parameters<typeof v>[0]) => not3(f(v(e))) : (e: Parameters<typeof v>[0]) => f(v(e))
    if (value.constant) return constantOperand(ev({}), 'boolean', span)
    return { eval: ev, sort: 'boolean', span }
  }
  if (list.some((o) => !o.constant)) {
    // elements that depend on the event: compare one by one (Elasticsearch allows only literals)
    const evals = list.map((o) => o.eval)
    return {
      eval: (e) => {
        const x = v(e)
        let sawNull = false
        for (const el of evals) {
          const r = genericCompare('==', x, el(e))
          if (r === true) return isNegated ? false : true
          if (r === null || x === null) sawNull = true
        }
        return sawNull ? null : isNegated
      },
      sort: 'boolean', span,
    }
  }
  const hasNull = list.some((o) => o.constant?.value === null)
  const present = list.filter((o) => o.constant !== undefined && o.constant.value !== null && !Array.isArray(o.constant.value))
  const literals = present.map((o) => o.constant?.value as Scalar)
  const miss = hasNull ? null : false
  if (isCaseInsensitive) {
    const folded = new Set(literals.map((l) => foldCase(scalarToString(l, 'any') as string)))
    return wrap((x) => anyOf(x, (s) => (folded.has(foldCase(scalarToString(s, value.sort) as string)) ? true : miss)))
  }
  if (value.sort === 'string' || value.sort === 'any' || value.sort === 'version') {
    const strings = new Set<string>()
    const others: Scalar[] = []
    for (const l of literals) {
      if (typeof l === 'string') strings.add(l)
      else if (value.sort === 'string') strings.add(scalarToString(l, 'any') as string)
      else others.push(l)
    }
    return wrap((x) => anyOf(x, (s) => {
      if (typeof s === 'string' && strings.has(s)) return true
      for (const o of others) if (compareScalars('==', s, o) === true) return true
      if (typeof s !== 'string' && value.sort === 'any') for (const l of strings) if (compareScalars('==', s, l) === true) return true
      return miss
    }))
  }
  const tests = present.map((o) => equalityTest(value, o.constant?.value as Scalar, o.span, sink))
  return wrap((x) => anyOf(x, (s) => {
    for (const t of tests) if (t(s) === true) return true
    return miss
  }))
}

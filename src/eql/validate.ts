// Verification after parsing: what Elasticsearch rejects although it parses (function arity and literal
// argument types, field-vs-field comparisons, sequence/sample shape rules, pipe counts). Messages follow
// Elasticsearch's wording where it has one.
import { assertNever, type Expr, type Literal, type Query, type Span, type Term } from './ast.js'
import type { EqlError, EqlErrorCode } from './errors.js'
import { argSpec, lookupFunction, type ArgKind } from './signatures.js'

const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth']
const MAX_RUNS = 100

function report(errors: EqlError[], code: EqlErrorCode, message: string, span: Span, hint?: string): void {
  errors.push(hint === undefined ? { code, message, span } : { code, message, hint, span })
}

/** Every verification error of a parsed query (empty when Elasticsearch would accept it). */
export function validate(q: Query): EqlError[] {
  const errors: EqlError[] = []
  const base = q.base
  switch (base.kind) {
    case 'event':
      checkExpr(base.condition, errors)
      break
    case 'sequence': {
      base.keys.forEach((k) => checkExpr(k, errors))
      const all = base.until ? [...base.terms, base.until] : base.terms
      all.forEach((t) => checkTerm(t, errors))
      if (base.maxspan && !(Number.isInteger(base.maxspan.value) && base.maxspan.value > 0)) {
        report(errors, 'syntax', `A positive maxspan value is required; found [${base.maxspan.value}]`, base.maxspan.span)
      }
      for (const t of base.terms) {
        if (!Number.isInteger(t.runs) || t.runs < 1) report(errors, 'syntax', `A positive runs value is required; found [${t.runs}]`, t.span)
        else if (t.runs > MAX_RUNS) report(errors, 'syntax', `A query cannot be repeated more than ${MAX_RUNS} times; found [${t.runs}]`, t.span)
      }
      const missing = base.terms.filter((t) => t.isMissing)
      if (missing.length > 0 && base.maxspan === null) {
        report(errors, 'syntax', 'A sequence with missing events [![…]] requires [with maxspan]', missing[0]!.span,
          'add with maxspan=<n><unit> after the sequence keys')
      }
      if (missing.length === base.terms.length) {
        report(errors, 'syntax', 'A sequence requires at least one positive (non-missing) term', base.span)
      }
      const queries = base.terms.reduce((n, t) => n + Math.max(1, Math.min(t.runs, MAX_RUNS)), 0)
      if (queries < 2) {
        report(errors, 'syntax', `A sequence requires a minimum of 2 queries, found [${queries}]`, base.span,
          'add a second term or repeat the term with runs=N')
      }
      if (base.until) {
        if (base.until.isMissing) report(errors, 'syntax', 'The [until] term cannot be a missing event', base.until.span)
        if (base.until.runs !== 1) report(errors, 'syntax', 'The [until] term cannot use [runs]', base.until.span)
      }
      checkKeyCounts(base.keys.length, all, errors)
      break
    }
    case 'sample':
      base.keys.forEach((k) => checkExpr(k, errors))
      for (const t of base.terms) {
        checkTerm(t, errors)
        if (t.isMissing) report(errors, 'syntax', 'Samples do not support missing events [![…]]', t.span, 'write [ … ] instead of ![ … ]')
        if (t.runs !== 1) report(errors, 'syntax', 'Samples do not support [runs]', t.span, 'repeat the term instead')
      }
      checkKeyCounts(base.keys.length, base.terms, errors)
      break
    default:
      assertNever(base)
  }
  for (const p of q.pipes) {
    if (!Number.isInteger(p.count) || p.count < 1) {
      report(errors, 'type', `Pipe [${p.kind}] expects a positive integer but found [${p.count}]`, p.span, `write | ${p.kind} 10`)
    }
  }
  return errors
}

/** Verification errors of a lone condition. */
export function validateExpr(e: Expr): EqlError[] {
  const errors: EqlError[] = []
  checkExpr(e, errors)
  return errors
}

function checkTerm(t: Term, errors: EqlError[]): void {
  checkExpr(t.query.condition, errors)
  t.keys.forEach((k) => checkExpr(k, errors))
}

function checkKeyCounts(topKeys: number, terms: readonly Term[], errors: EqlError[]): void {
  const first = terms[0]
  if (!first) return
  for (const t of terms.slice(1)) {
    if (t.keys.length !== first.keys.length) {
      const where = t.keys.length > 0 ? { start: t.keys[0]!.span.start, end: t.keys[t.keys.length - 1]!.span.end } : t.span
      report(errors, 'syntax', `Inconsistent number of join keys specified; expected [${first.keys.length}] but found [${t.keys.length}]`,
        where, topKeys > 0 ? 'every term needs the same number of by keys (the sequence keys come first)' : 'every term needs the same number of by keys')
    }
  }
}

/**
 * True when Elasticsearch may fold the expression to a constant: it reads no field, or only `?optional`
 * fields, which become `null` when the index does not map them (we have no mapping, so give the benefit of
 * the doubt: ES's own tests compare `?x == ?y`).
 */
function isConstant(e: Expr): boolean {
  switch (e.kind) {
    case 'literal': return true
    case 'field': return e.isOptional
    case 'not': case 'negate': return isConstant(e.operand)
    case 'and': case 'or': return e.terms.every(isConstant)
    case 'compare': case 'arith': return isConstant(e.left) && isConstant(e.right)
    case 'in': return isConstant(e.value) && e.list.every(isConstant)
    case 'match': return isConstant(e.value)
    case 'call': return e.args.every(isConstant)
    default: return assertNever(e)
  }
}

function literalTypeName(l: Literal): string {
  return l.type === 'string' ? 'keyword' : l.type
}

function literalText(l: Literal): string {
  const s = l.value === null ? 'null' : String(l.value)
  return s.length > 80 ? `${s.slice(0, 79)}…` : s
}

function acceptsLiteral(kind: ArgKind, l: Literal): boolean {
  if (l.type === 'null') return true
  switch (kind) {
    case 'any': return true
    case 'string': return l.type === 'string'
    case 'number': return l.type === 'integer' || l.type === 'float'
    case 'integer': return l.type === 'integer'
    case 'boolean': return l.type === 'boolean'
    default: return assertNever(kind)
  }
}

const KIND_NAMES: Readonly<Record<ArgKind, string>> = {
  any: 'any', string: 'string', number: 'numeric', integer: 'integer', boolean: 'boolean',
}

function checkCall(e: Extract<Expr, { kind: 'call' }>, errors: EqlError[]): void {
  const sig = lookupFunction(e.name)
  if (!sig) return
  const n = e.args.length
  if (n < sig.minArgs || (sig.maxArgs !== null && n > sig.maxArgs)) {
    const expected = sig.maxArgs === null ? `at least ${sig.minArgs}` : sig.minArgs === sig.maxArgs ? `${sig.minArgs}` : `${sig.minArgs} to ${sig.maxArgs}`
    report(errors, 'arity', `Function [${e.name}] expects ${expected} argument${expected === '1' ? '' : 's'} but found [${n}]`, e.span)
  }
  if (e.isCaseInsensitive && !sig.hasInsensitiveForm) {
    report(errors, 'type', `Function [${e.name}] does not have a case-insensitive [~] form`, e.span,
      'only between, endsWith, indexOf, startsWith and stringContains take ~')
  }
  e.args.forEach((arg, i) => {
    const spec = argSpec(sig, i)
    if (!spec) return
    const ordinal = ORDINALS[i] ?? `#${i + 1}`
    if (spec.isConstant && !isConstant(arg)) {
      report(errors, 'type', `${ordinal} argument of [${describeExpr(e)}] must be a constant, received [${describeExpr(arg)}]`, arg.span)
      return
    }
    if (arg.kind === 'literal' && !acceptsLiteral(spec.kind, arg)) {
      report(errors, 'type', `${ordinal} argument of [${describeExpr(e)}] must be [${KIND_NAMES[spec.kind]}], found value [${literalText(arg)}] type [${literalTypeName(arg)}]`, arg.span)
    }
  })
}

/**
 * Arithmetic needs numbers. A predicate binds tighter than arithmetic (`a + 1 in (2)` is `a + (1 in (2))`, as in
 * Elasticsearch's grammar), so a condition or a non-numeric literal in an operand is rejected the way ES does.
 */
function checkNumericOperand(whole: Expr, operand: Expr, which: string, errors: EqlError[]): void {
  const isCondition = operand.kind === 'compare' || operand.kind === 'in' || operand.kind === 'match'
    || operand.kind === 'not' || operand.kind === 'and' || operand.kind === 'or'
  const isWrongLiteral = operand.kind === 'literal' && (operand.type === 'string' || operand.type === 'boolean')
  if (!isCondition && !isWrongLiteral) return
  const type = isCondition ? 'boolean' : literalTypeName(operand as Literal)
  const hint = isCondition && (operand.kind === 'in' || operand.kind === 'match')
    ? 'in, :, like and regex bind tighter than arithmetic: put the arithmetic in parentheses, e.g. (a + 1) in (2)'
    : undefined
  report(errors, 'type', `${which[0]!.toUpperCase()}${which.slice(1)} of [${describeExpr(whole)}] must be [numeric], found value [${describeExpr(operand)}] type [${type}]`, operand.span, hint)
}

function checkExpr(e: Expr, errors: EqlError[]): void {
  switch (e.kind) {
    case 'literal': case 'field': return
    case 'not': checkExpr(e.operand, errors); return
    case 'negate':
      checkExpr(e.operand, errors)
      checkNumericOperand(e, e.operand, 'argument', errors)
      return
    case 'and': case 'or': e.terms.forEach((x) => checkExpr(x, errors)); return
    case 'arith':
      checkExpr(e.left, errors)
      checkExpr(e.right, errors)
      checkNumericOperand(e, e.left, 'first argument', errors)
      checkNumericOperand(e, e.right, 'second argument', errors)
      return
    case 'compare':
      checkExpr(e.left, errors)
      checkExpr(e.right, errors)
      if (!isConstant(e.left) && !isConstant(e.right)) {
        report(errors, 'field-comparison', `Comparisons against fields are not (currently) supported; offender [${describeExpr(e.right)}] in [${e.op}]`,
          e.right.span, 'compare each field with a literal value; Elasticsearch cannot compare two fields')
      }
      return
    case 'in':
      checkExpr(e.value, errors)
      for (const item of e.list) {
        checkExpr(item, errors)
        if (!isConstant(item) && !isConstant(e.value)) {
          report(errors, 'field-comparison', `Comparisons against fields are not (currently) supported; offender [${describeExpr(item)}] in [in]`,
            item.span, 'list only literal values')
        } else if (item.kind !== 'literal' && item.kind !== 'field') {
        // (a field here is `?optional`: possibly unmapped, hence null)
          report(errors, 'type', `Values of [in] must be literals, found [${describeExpr(item)}]`, item.span, 'list only literal values')
        }
      }
      return
    case 'match':
      checkExpr(e.value, errors)
      for (const p of e.patterns) {
        if (p.type !== 'string') {
          report(errors, 'type', `Pattern of [${e.op}${e.isCaseInsensitive ? '~' : ''}] must be [string], found value [${literalText(p)}] type [${literalTypeName(p)}]`,
            p.span, 'write the pattern as "…"')
        }
      }
      return
    case 'call':
      e.args.forEach((x) => checkExpr(x, errors))
      checkCall(e, errors)
      return
    default:
      assertNever(e)
  }
}

/** Short rendering of an expression for messages (`process.name`, `length(1)`), at most ~80 characters. */
function describeExpr(e: Expr): string {
  const s = renderExpr(e)
  return s.length > 80 ? `${s.slice(0, 79)}…` : s
}

function renderExpr(e: Expr): string {
  switch (e.kind) {
    case 'literal': return e.type === 'string' ? JSON.stringify(e.value) : literalText(e)
    case 'field': return (e.isOptional ? '?' : '') + e.path.join('.')
    case 'call': return `${e.name}${e.isCaseInsensitive ? '~' : ''}(${e.args.map(describeExpr).join(', ')})`
    case 'negate': return `-${describeExpr(e.operand)}`
    case 'arith': return `${describeExpr(e.left)} ${e.op} ${describeExpr(e.right)}`
    case 'compare': return `${describeExpr(e.left)} ${e.op} ${describeExpr(e.right)}`
    case 'not': return `not ${describeExpr(e.operand)}`
    case 'and': case 'or': return e.terms.map(describeExpr).join(` ${e.kind} `)
    case 'in': return `${describeExpr(e.value)} ${e.isNegated ? 'not ' : ''}in${e.isCaseInsensitive ? '~' : ''} (…)`
    case 'match': return `${describeExpr(e.value)} ${e.op}${e.isCaseInsensitive ? '~' : ''} …`
    default: return assertNever(e)
  }
}

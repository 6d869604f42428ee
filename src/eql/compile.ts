// AST → closures. One exhaustive switch on `kind`; everything that does not depend on the event
// (field paths and types, folded constants, wildcard and regex matchers) is prepared here, so the
// closures do only per-event work. Never `eval`/`new Function`.
import { assertNever, type EventQuery, type Expr, type Query, type Span, type Term } from './ast.js'
import type { CompiledKey, CompiledQuery, CompiledStage, EventTime } from './compiled.js'
import type { EqlError, Parsed } from './errors.js'
import type { EcsEvent, Eval, Matcher, Value } from './value.js'
import { defaultFieldTypes, resolveField, type FieldType, type FieldTypes } from './fieldtypes.js'
import { compileFieldAccessor } from './accessor.js'
import { constantOperand, sortOfValue, truth, type ErrorSink, type Operand, type Sort } from './operand.js'
import { compileCompare, compileIn, not3 } from './compare.js'
import { compileMatch } from './match.js'
import { compileArith, compileCall, compileNegate } from './functions.js'
import { compileDateFormat, dateValueMs } from './date.js'
import { printExpr } from './print.js'

export interface CompileOptions {
  /** Field types (ECS defaults when absent; merge a mapping with mergeFieldTypes). */
  readonly fieldTypes?: FieldTypes
  /** Field holding the event category (Elasticsearch `event_category_field`). */
  readonly eventCategoryField?: string
  /** Field ordering events (Elasticsearch `timestamp_field`). */
  readonly timestampField?: string
  /** Secondary sort field (Elasticsearch `tiebreaker_field`), e.g. `event.sequence`. */
  readonly tiebreakerField?: string
  /** The query text, used to label join keys with the expression as written. */
  readonly source?: string
}

interface Context extends ErrorSink {
  readonly types: FieldTypes
}

function makeContext(opts: CompileOptions | undefined): { cx: Context; errors: EqlError[] } {
  const errors: EqlError[] = []
  const cx: Context = {
    types: opts?.fieldTypes ?? defaultFieldTypes(),
    error: (code, message, span) => { errors.push({ code, message, span }) },
  }
  return { cx, errors }
}

function done<T>(value: T, errors: readonly EqlError[]): Parsed<T> {
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value }
}

function orThrow<T>(r: Parsed<T>, what: string): T {
  if (r.ok) return r.value
  throw new Error(`${what}: ${r.errors.map((e) => `${e.message} [${e.span.start}..${e.span.end}]`).join('; ')}`)
}

/** Compiles a whole query; every compile error is returned with its span. */
export function tryCompile(query: Query, opts?: CompileOptions): Parsed<CompiledQuery> {
  const { cx, errors } = makeContext(opts)
  const time = compileTime(cx, opts)
  const pipes = query.pipes.map((p) => ({ kind: p.kind, count: p.count }))
  const base = query.base
  switch (base.kind) {
    case 'event':
      return done({ kind: 'event', match: compileEventQuery(base, cx, opts), pipes, time }, errors)
    case 'sequence': {
      const stages: CompiledStage[] = []
      for (const term of base.terms) {
        const stage = compileStage(term, base.keys, cx, opts)
        for (let i = 0; i < Math.max(1, term.runs); i++) stages.push(stage)
      }
      const until = base.until === null ? null : compileStage(base.until, base.keys, cx, opts)
      return done({ kind: 'sequence', stages, until, maxspanMs: base.maxspan?.ms ?? null, pipes, time }, errors)
    }
    case 'sample': {
      const stages = base.terms.map((t) => compileStage(t, base.keys, cx, opts))
      return done({ kind: 'sample', stages, pipes, time }, errors)
    }
    default:
      return assertNever(base)
  }
}

/** Like tryCompile, for queries already known to compile (throws on compile errors). */
export function compile(query: Query, opts?: CompileOptions): CompiledQuery {
  return orThrow(tryCompile(query, opts), 'EQL compile error')
}

/** Compiles a condition into a matcher (true only when the condition is true). */
export function tryCompileCondition(expr: Expr, opts?: CompileOptions): Parsed<Matcher> {
  const { cx, errors } = makeContext(opts)
  return done(toMatcher(compileExprIn(expr, cx)), errors)
}

export function compileCondition(expr: Expr, opts?: CompileOptions): Matcher {
  return orThrow(tryCompileCondition(expr, opts), 'EQL compile error')
}

/** Compiles an expression into a value closure (null follows Elasticsearch null logic). */
export function tryCompileExpr(expr: Expr, opts?: CompileOptions): Parsed<Eval> {
  const { cx, errors } = makeContext(opts)
  return done(compileExprIn(expr, cx).eval, errors)
}

export function compileExpr(expr: Expr, opts?: CompileOptions): Eval {
  return orThrow(tryCompileExpr(expr, opts), 'EQL compile error')
}

/**
 * Whether the operand yields only true/false/null. A boolean *field* may be multi-valued
 * (`[true, false]`), so it goes through truth() like any other non-predicate value.
 */
function isPredicate(op: Operand): boolean {
  return op.sort === 'boolean' && op.fieldType === undefined
}

function toMatcher(cond: Operand): Matcher {
  if (cond.constant) {
    const isTrue = truth(cond.constant.value) === true
    return () => isTrue
  }
  const ev = cond.eval
  return isPredicate(cond) ? (e) => ev(e) === true : (e) => truth(ev(e)) === true
}

function compileEventQuery(q: EventQuery, cx: Context, opts: CompileOptions | undefined): Matcher {
  const cond = toMatcher(compileExprIn(q.condition, cx))
  if (q.category === null) return cond
  const category = q.category
  const field = resolveField(cx.types, opts?.eventCategoryField ?? 'event.category')
  const read = compileFieldAccessor(field.path.split('.'), field.type)
  // a multi-valued category matches if any value equals the query's category (case-sensitive)
  return (e) => {
    const c = read(e)
    if (c === category) return cond(e)
    if (Array.isArray(c) && c.includes(category)) return cond(e)
    return false
  }
}

function compileStage(term: Term, topKeys: readonly Expr[], cx: Context, opts: CompileOptions | undefined): CompiledStage {
  const keys: CompiledKey[] = [...topKeys, ...term.keys].map((k) => {
    const op = compileExprIn(k, cx)
    const key: { -readonly [K in keyof CompiledKey]: CompiledKey[K] } = {
      eval: op.eval,
      isOptional: k.kind === 'field' && k.isOptional,
      text: keyText(k, opts?.source),
    }
    if (op.fieldType !== undefined) key.esType = op.fieldType.esType
    return key
  })
  return { match: compileEventQuery(term.query, cx, opts), keys, isMissing: term.isMissing, span: term.span }
}

function keyText(k: Expr, source: string | undefined): string {
  return source !== undefined ? source.slice(k.span.start, k.span.end).trim() : printExpr(k)
}

function compileTime(cx: Context, opts: CompileOptions | undefined): EventTime {
  const ts = resolveField(cx.types, opts?.timestampField ?? '@timestamp')
  const readTs = compileFieldAccessor(ts.path.split('.'), ts.type)
  // a timestamp field that is not mapped as a date is still read as one (epoch millis or ISO text)
  const parse = compileDateFormat(ts.type?.kind === 'date' ? ts.type.format : undefined)
  const isDate = ts.type?.kind === 'date'
  const timestampMs = (e: EcsEvent): number | null => {
    let v = readTs(e)
    if (Array.isArray(v)) v = minValue(v)
    if (typeof v === 'number') return isDate ? v : Math.floor(v)
    if (typeof v === 'string') return dateValueMs(v, parse)
    return null
  }
  let tiebreaker: ((e: EcsEvent) => Value) | null = null
  if (opts?.tiebreakerField !== undefined) {
    const tb = resolveField(cx.types, opts.tiebreakerField)
    const readTb = compileFieldAccessor(tb.path.split('.'), tb.type)
    tiebreaker = (e) => {
      const v = readTb(e)
      return Array.isArray(v) ? minValue(v) : v
    }
  }
  return { timestampMs, tiebreaker }
}

/** Sorting on a multi-valued field uses its minimum in ascending order (Elasticsearch default). */
function minValue(vs: readonly Value[]): Value {
  let best: Value = null
  for (const v of vs) if (best === null || (v !== null && (v as number | string) < (best as number | string))) best = v
  return best
}

function sortOfField(t: FieldType | undefined): Sort {
  switch (t?.kind) {
    case 'keyword': case 'text': return 'string'
    case 'long': return 'int'
    case 'double': return 'float'
    case 'boolean': return 'boolean'
    case 'ip': return 'ip'
    case 'date': return 'date'
    case 'version': return 'version'
    default: return 'any'
  }
}

function compileExprIn(e: Expr, cx: Context): Operand {
  switch (e.kind) {
    case 'literal':
      return constantOperand(e.value, sortOfValue(e.value, e.type === 'float'), e.span)
    case 'field': {
      const { path, type } = resolveField(cx.types, e.path.join('.'))
      const segments = path === e.path.join('.') ? e.path : path.split('.')
      const op: Operand = { eval: compileFieldAccessor(segments, type), sort: sortOfField(type), span: e.span }
      return type === undefined ? op : { ...op, fieldType: type }
    }
    case 'not': {
      const inner = compileExprIn(e.operand, cx)
      const ev = inner.eval
      if (inner.constant) return constantOperand(not3(truth(inner.constant.value)), 'boolean', e.span)
      return {
        eval: isPredicate(inner) ? (x) => not3(ev(x) as boolean | null) : (x) => not3(truth(ev(x))),
        sort: 'boolean', span: e.span,
      }
    }
    case 'and': case 'or':
      return compileLogic(e.kind, e.terms.map((t) => compileExprIn(t, cx)), e.span)
    case 'compare':
      return compileCompare(e.op, compileExprIn(e.left, cx), compileExprIn(e.right, cx), e.span, cx)
    case 'in':
      return compileIn(compileExprIn(e.value, cx), e.list.map((x) => compileExprIn(x, cx)), e.isNegated, e.isCaseInsensitive, e.span, cx)
    case 'match':
      return compileMatch(e.op, e.isCaseInsensitive, compileExprIn(e.value, cx), e.patterns, e.span, cx)
    case 'arith':
      return compileArith(e.op, compileExprIn(e.left, cx), compileExprIn(e.right, cx), e.span)
    case 'negate':
      return compileNegate(compileExprIn(e.operand, cx), e.span)
    case 'call':
      return compileCall(e.name, e.isCaseInsensitive, e.args.map((a) => compileExprIn(a, cx)), e.span, cx)
    default:
      return assertNever(e)
  }
}

/** Three-valued and/or with short-circuit: `and` stops at false, `or` at true; null otherwise sticks. */
function compileLogic(kind: 'and' | 'or', terms: readonly Operand[], span: Span): Operand {
  const stop = kind === 'or' // the value that decides the result
  const live: Eval[] = []
  let sawNull = false
  for (const t of terms) {
    if (t.constant) {
      const b = truth(t.constant.value)
      if (b === stop) return constantOperand(stop, 'boolean', span)
      if (b === null) sawNull = true
      continue
    }
    const ev = t.eval
    live.push(isPredicate(t) ? ev : (x) => truth(ev(x)))
  }
  const rest: boolean | null = sawNull ? null : !stop
  if (live.length === 0) return constantOperand(rest, 'boolean', span)
  if (live.length === 1 && !sawNull) return { eval: live[0] as Eval, sort: 'boolean', span }
  if (live.length === 2 && !sawNull) {
    const [a, b] = live as [Eval, Eval]
    const evalPair = kind === 'and'
      ? (x: EcsEvent): boolean | null => {
        const ra = a(x)
        if (ra === false) return false
        const rb = b(x)
        if (rb === false) return false
        return ra === null || rb === null ? null : true
      }
      : (x: EcsEvent): boolean | null => {
        const ra = a(x)
        if (ra === true) return true
        const rb = b(x)
        if (rb === true) return true
        return ra === null || rb === null ? null : false
      }
    return { eval: evalPair, sort: 'boolean', span }
  }
  return {
    eval: (x) => {
      let result: boolean | null = rest
      for (const t of live) {
        const r = t(x)
        if (r === stop) return stop
        if (r === null) result = null
      }
      return result
    },
    sort: 'boolean', span,
  }
}

// The 16 Elasticsearch EQL functions and their case-insensitive `fn~()` forms.
// Null in → null out unless the reference says otherwise. A multi-valued first argument is mapped
// value by value (so `length(process.args) > 5` means "some argument is longer than 5"); the
// boolean functions (startsWith, endsWith, stringContains, cidrMatch) fold that into "any value".
import type { ArithOp, FunctionName, Span } from './ast.js'
import type { EcsEvent, Eval, Scalar, Value } from './value.js'
import { anyOf, constantOperand, parseNumeric, scalarToString, type ErrorSink, type Operand, type Sort } from './operand.js'
import { foldCase } from './casefold.js'
import { cidrContains, parseCidr, parseIp, type Cidr } from './ip.js'

const ARITY: Record<FunctionName, readonly [number, number]> = {
  add: [2, 2], between: [3, 4], cidrMatch: [2, Infinity], concat: [1, Infinity], divide: [2, 2], endsWith: [2, 2],
  indexOf: [2, 3], length: [1, 1], modulo: [2, 2], multiply: [2, 2], number: [1, 2], startsWith: [2, 2],
  string: [1, 1], stringContains: [2, 2], substring: [2, 3], subtract: [2, 2],
}

const CASE_INSENSITIVE_FORMS: ReadonlySet<FunctionName> = new Set(['between', 'endsWith', 'indexOf', 'startsWith', 'stringContains'])

/** Compiles a call; constant calls (`add(1, 2)`) are folded at compile time. */
export function compileCall(
  name: FunctionName, isCaseInsensitive: boolean, args: readonly Operand[], span: Span, sink: ErrorSink,
): Operand {
  const [min, max] = ARITY[name]
  if (args.length < min || args.length > max) {
    const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`
    sink.error('arity', `error building [${name}]: expects ${expected} argument(s), found ${args.length}`, span)
    return constantOperand(null, 'any', span)
  }
  if (isCaseInsensitive && !CASE_INSENSITIVE_FORMS.has(name)) {
    sink.error('type', `Function [${name}] does not support case-insensitive matching (~)`, span)
  }
  const built = build(name, isCaseInsensitive, args, span, sink)
  if (args.every((a) => a.constant !== undefined)) {
    return constantOperand(built.eval({}), built.sort, span)
  }
  return built
}

function build(name: FunctionName, ci: boolean, args: readonly Operand[], span: Span, sink: ErrorSink): Operand {
  const a0 = args[0] as Operand
  const ev = args.map((a) => a.eval)
  const e0 = ev[0] as Eval
  const e1 = ev[1] as Eval
  const op = (f: (e: EcsEvent) => Value, sort: Sort): Operand => ({ eval: f, sort, span })
  const fold = ci ? foldCase : (s: string) => s
  switch (name) {
    case 'add': return compileArith('+', a0, args[1] as Operand, span)
    case 'subtract': return compileArith('-', a0, args[1] as Operand, span)
    case 'multiply': return compileArith('*', a0, args[1] as Operand, span)
    case 'divide': return compileArith('/', a0, args[1] as Operand, span)
    case 'modulo': return compileArith('%', a0, args[1] as Operand, span)
    case 'between': {
      const eGreedy = ev[3]
      return op((e) => {
        const left = str1(e1(e)), right = str1((ev[2] as Eval)(e))
        const greedy = eGreedy === undefined ? false : eGreedy(e) === true
        if (left === null || right === null) return null
        const l = fold(left), r = fold(right)
        return mapValues(e0(e), (x) => {
          const s = scalarToString(x, a0.sort)
          return s === null ? null : between(s, fold(s), l, r, greedy)
        })
      }, 'string')
    }
    case 'cidrMatch': return compileCidrMatch(a0, args.slice(1), span, sink)
    case 'concat': {
      const sorts = args.map((a) => a.sort)
      return op((e) => {
        const rest: string[] = []
        for (let i = 1; i < ev.length; i++) {
          const s = scalarToString(first((ev[i] as Eval)(e)), sorts[i] as Sort)
          if (s === null) return null
          rest.push(s)
        }
        const tail = rest.join('')
        return mapValues(e0(e), (x) => {
          const s = scalarToString(x, a0.sort)
          return s === null ? null : s + tail
        })
      }, 'string')
    }
    case 'endsWith': return stringPredicate(a0, args[1] as Operand, (s, sub) => fold(s).endsWith(fold(sub)), span)
    case 'startsWith': return stringPredicate(a0, args[1] as Operand, (s, sub) => fold(s).startsWith(fold(sub)), span)
    // Elasticsearch documents stringContains(x, "") as false (unlike Java's String.contains)
    case 'stringContains': return stringPredicate(a0, args[1] as Operand, (s, sub) => sub !== '' && fold(s).includes(fold(sub)), span)
    case 'indexOf': {
      const eStart = ev[2]
      return op((e) => {
        const sub = str1(e1(e))
        if (sub === null) return null
        let start = 0
        if (eStart !== undefined) {
          const st = first(eStart(e))
          if (typeof st !== 'number') return null
          start = Math.max(0, Math.trunc(st))
        }
        const needle = fold(sub)
        return mapValues(e0(e), (x) => {
          const s = scalarToString(x, a0.sort)
          if (s === null || start > s.length) return null
          const at = fold(s).indexOf(needle, start)
          return at < 0 ? null : at
        })
      }, 'int')
    }
    case 'length':
      return op((e) => mapValues(e0(e), (x) => {
        const s = scalarToString(x, a0.sort)
        return s === null ? null : s.length
      }), 'int')
    case 'number': {
      const eBase = ev[1]
      return op((e) => {
        let base: number | null = null
        if (eBase !== undefined) {
          const b = first(eBase(e))
          if (b !== null && typeof b !== 'number') return null
          base = b
        }
        return mapValues(e0(e), (x) => (typeof x === 'number' ? x : typeof x === 'string' ? parseNumber(x, base) : null))
      }, 'number')
    }
    case 'string':
      return op((e) => mapValues(e0(e), (x) => scalarToString(x, a0.sort)), 'string')
    case 'substring': {
      const eEnd = ev[2]
      return op((e) => {
        const st = first(e1(e))
        if (typeof st !== 'number') return null
        const en = eEnd === undefined ? null : first(eEnd(e))
        if (en !== null && typeof en !== 'number') return null
        return mapValues(e0(e), (x) => {
          const s = scalarToString(x, a0.sort)
          return s === null ? null : pythonSlice(s, Math.trunc(st), en === null ? null : Math.trunc(en))
        })
      }, 'string')
    }
  }
}

/** Applies a scalar function to each value of a possibly multi-valued value. */
function mapValues(v: Value, f: (x: Scalar) => Value): Value {
  if (v === null) return null
  if (!Array.isArray(v)) return f(v as Scalar)
  return (v as readonly Value[]).map((x) => (Array.isArray(x) ? null : f(x as Scalar)))
}

/** The first value of a multi-valued argument that is not mapped (Elasticsearch scripts read doc[f][0]). */
function first(v: Value): Scalar {
  if (Array.isArray(v)) return (v.length === 0 ? null : first(v[0] as Value))
  return v as Scalar
}

function str1(v: Value): string | null {
  return scalarToString(first(v), 'any')
}

function between(original: string, s: string, left: string, right: string, greedy: boolean): string {
  if (s === '') return ''
  const i = s.indexOf(left)
  if (i < 0) return ''
  const start = i + left.length
  const j = greedy ? s.lastIndexOf(right) : s.indexOf(right, start)
  if (j < start) return ''
  return original.slice(start, j)
}

/** Python slice semantics: negative offsets count from the end; an empty result when start >= end. */
function pythonSlice(s: string, start: number, end: number | null): string {
  const n = s.length
  const norm = (i: number): number => (i < 0 ? Math.max(n + i, 0) : Math.min(i, n))
  const a = norm(start), b = end === null ? n : norm(end)
  return a >= b ? '' : s.slice(a, b)
}

/**
 * `number(s[, base])`: surrounding whitespace ignored, `+`/`-` allowed, `0x` means hexadecimal
 * (also with an explicit null base); otherwise the base (default 10) reads the digits.
 */
export function parseNumber(text: string, base: number | null): number | null {
  const t = text.trim()
  if (t === '') return null
  let sign = 1
  let body = t
  if (body[0] === '+' || body[0] === '-') { sign = body[0] === '-' ? -1 : 1; body = body.slice(1) }
  let radix = base ?? 10
  if ((base === null || base === 16) && /^0x/i.test(body)) { radix = 16; body = body.slice(2) }
  if (radix === 10) {
    if (/^\d+$/.test(body)) return sign * Number(body)
    const f = parseNumeric(body)
    return f === null || /^[+-]/.test(body) ? null : sign * f
  }
  if (!Number.isInteger(radix) || radix < 2 || radix > 36 || body === '') return null
  const digits = '0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, radix)
  for (const ch of body.toLowerCase()) if (!digits.includes(ch)) return null
  return sign * parseInt(body, radix)
}

function stringPredicate(a: Operand, b: Operand, f: (s: string, sub: string) => boolean, span: Span): Operand {
  const ea = a.eval, eb = b.eval
  return {
    eval: (e) => {
      const subs = eb(e)
      return anyOf(ea(e), (x) => {
        const s = scalarToString(x, a.sort)
        if (s === null) return null
        return anyOf(subs, (y) => {
          const sub = scalarToString(y, b.sort)
          return sub === null ? null : f(s, sub)
        })
      })
    },
    sort: 'boolean', span,
  }
}

function compileCidrMatch(ip: Operand, blocks: readonly Operand[], span: Span, sink: ErrorSink): Operand {
  const fixed: Cidr[] = []
  let hasNullBlock = false
  const dynamic: Eval[] = []
  for (const b of blocks) {
    if (b.constant) {
      const v = b.constant.value
      if (v === null) { hasNullBlock = true; continue }
      const c = typeof v === 'string' ? parseCidr(v) : null
      if (c === null) sink.error('type', `[${String(v)}] is not a valid CIDR block`, b.span)
      else fixed.push(c)
    } else dynamic.push(b.eval)
  }
  const eip = ip.eval
  return {
    eval: (e) => {
      if (hasNullBlock) return null
      let cidrs = fixed
      if (dynamic.length > 0) {
        cidrs = [...fixed]
        for (const d of dynamic) {
          const v = first(d(e))
          if (v === null) return null
          const c = typeof v === 'string' ? parseCidr(v) : null
          if (c !== null) cidrs.push(c)
        }
      }
      return anyOf(eip(e), (x) => {
        const bytes = typeof x === 'string' ? parseIp(x) : null
        if (bytes === null) return false
        for (const c of cidrs) if (cidrContains(c, bytes)) return true
        return false
      })
    },
    sort: 'boolean', span,
  }
}

function numericSort(a: Sort, b: Sort): Sort {
  if (a === 'float' || b === 'float') return 'float'
  if (a === 'int' && b === 'int') return 'int'
  return 'number'
}

function toNum(x: Scalar): number | null {
  if (typeof x === 'number') return x
  if (typeof x === 'string') return parseNumeric(x)
  return null
}

/**
 * Arithmetic (`+ - * / %` and add/subtract/multiply/divide/modulo). Two integers divide as Java
 * longs do (truncation toward zero) and `%` takes the dividend's sign; a zero divisor gives null.
 */
export function compileArith(op: ArithOp, a: Operand, b: Operand, span: Span): Operand {
  const sort = numericSort(a.sort, b.sort)
  const isStaticInt = sort === 'int'
  const isStaticFloat = sort === 'float'
  const apply = (x: number, y: number): Scalar => {
    switch (op) {
      case '+': return x + y
      case '-': return x - y
      case '*': return x * y
      case '/': {
        if (y === 0) return null
        const isInt = isStaticInt || (!isStaticFloat && Number.isInteger(x) && Number.isInteger(y))
        return isInt ? Math.trunc(x / y) : x / y
      }
      case '%': return y === 0 ? null : x % y
    }
  }
  const ea = a.eval, eb = b.eval
  const scalarOp = (x: Scalar, y: Scalar): Scalar => {
    const nx = toNum(x), ny = toNum(y)
    return nx === null || ny === null ? null : apply(nx, ny)
  }
  const ev = (e: EcsEvent): Value => {
    const x = ea(e), y = eb(e)
    if (x === null || y === null) return null
    if (!Array.isArray(y)) return mapValues(x, (xx) => scalarOp(xx, y as Scalar))
    if (!Array.isArray(x)) return mapValues(y, (yy) => scalarOp(x as Scalar, yy))
    return null
  }
  if (a.constant && b.constant) return constantOperand(ev({}), sort, span)
  return { eval: ev, sort, span }
}

/** Unary minus. */
export function compileNegate(a: Operand, span: Span): Operand {
  const ea = a.eval
  const sort: Sort = a.sort === 'int' || a.sort === 'float' ? a.sort : 'number'
  const ev = (e: EcsEvent): Value => mapValues(ea(e), (x) => {
    const n = toNum(x)
    return n === null ? null : -n
  })
  if (a.constant) return constantOperand(ev({}), sort, span)
  return { eval: ev, sort, span }
}

// What the compiler knows about a sub-expression at compile time: its closure, the static "sort"
// of its values (decides integer division, ip/date/version comparison, literal conversion), and
// its value when it is a constant (so literals and constant calls are folded once).
import type { Span } from './ast.js'
import type { Eval, Scalar, Value } from './value.js'
import type { EqlErrorCode } from './errors.js'
import type { FieldType } from './fieldtypes.js'
import { formatJavaDateTime } from './date.js'

export type Sort = 'string' | 'int' | 'float' | 'number' | 'boolean' | 'ip' | 'date' | 'version' | 'null' | 'any'

export interface Operand {
  readonly eval: Eval
  readonly sort: Sort
  /** Present when the value does not depend on the event. */
  readonly constant?: { readonly value: Value }
  /** The mapping type when the operand is a field reference. */
  readonly fieldType?: FieldType
  readonly span: Span
}

/** Collects compile errors (a regex RE2 cannot run, an invalid IP literal, …). */
export interface ErrorSink {
  error(code: EqlErrorCode, message: string, span: Span): void
}

export function constantOperand(value: Value, sort: Sort, span: Span): Operand {
  return { eval: () => value, sort, constant: { value }, span }
}

/** The static sort of a literal value. */
export function sortOfValue(v: Value, isFloat = false): Sort {
  if (v === null) return 'null'
  if (typeof v === 'string') return 'string'
  if (typeof v === 'boolean') return 'boolean'
  if (typeof v === 'number') return isFloat || !Number.isInteger(v) ? 'float' : 'int'
  return 'any'
}

/**
 * Three-valued "any value matches" over a possibly multi-valued value: true if the test holds for
 * some value; otherwise null if some value (or the whole value) is null; otherwise false.
 */
export function anyOf(v: Value, test: (x: Scalar) => boolean | null): boolean | null {
  if (v === null) return null
  if (!Array.isArray(v)) return test(v as Scalar)
  let sawNull = false
  for (const x of v as readonly Value[]) {
    if (x === null || Array.isArray(x)) { sawNull = true; continue }
    const r = test(x as Scalar)
    if (r === true) return true
    if (r === null) sawNull = true
  }
  return sawNull ? null : false
}

/** Condition truth of a value: booleans as they are, any-true for multi-valued, null otherwise. */
export function truth(v: Value): boolean | null {
  if (v === true || v === false) return v
  if (Array.isArray(v)) return anyOf(v, (x) => (x === true ? true : x === false ? false : null))
  return null
}

/** Java's String.valueOf for the values EQL functions render (`42`, `42.5`, `5.0` for a float 5). */
export function scalarToString(x: Scalar, sort: Sort): string | null {
  if (x === null) return null
  if (typeof x === 'string') return x
  if (typeof x === 'boolean') return x ? 'true' : 'false'
  // date fields hold epoch millis; as text Elasticsearch shows the date itself
  if (sort === 'date') return Number.isFinite(x) ? formatJavaDateTime(x) : null
  return formatNumber(x, sort === 'float')
}

/** Renders a number like Java: integers plainly, doubles with Double.toString rules. */
export function formatNumber(n: number, isFloat: boolean): string {
  if (!isFloat && Number.isInteger(n)) return String(n)
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity'
  const abs = Math.abs(n)
  if (abs === 0) return Object.is(n, -0) ? '-0.0' : '0.0'
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(n)
    return s.includes('.') ? s : `${s}.0`
  }
  // Java: computerized scientific notation, mantissa with at least one fractional digit
  const [mant, exp] = n.toExponential().split('e') as [string, string]
  return `${mant.includes('.') ? mant : `${mant}.0`}E${Number(exp)}`
}

/** Parses a numeric string strictly (as a long/double field would); null when it is not a number. */
export function parseNumeric(s: string): number | null {
  const t = s.trim()
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) ? Number(t) : null
}

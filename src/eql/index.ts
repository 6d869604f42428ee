// The EQL front end and compiler (Elasticsearch dialect): text → tokens → AST → validated AST → closures.
export type {
  Query, EventQuery, Sequence, Sample, Term, Pipe, Expr, Literal, Field, Call, Span, FunctionName, Maxspan,
} from './ast.js'
export type { EqlError, EqlErrorCode, Parsed } from './errors.js'
export type { EcsEvent, Value, Scalar, Eval, Matcher } from './value.js'
export type { CompiledQuery, CompiledStage, CompiledKey, CompiledPipe, EventTime } from './compiled.js'
export type { FieldType, FieldTypes, FieldKind, MappingResult, MappingProblem } from './fieldtypes.js'
export type { CompileOptions } from './compile.js'
export type { LinePrefilter, PrefilterOptions } from './prefilter.js'

export { renderError, lineColumn } from './errors.js'
export { parse, parseExpression } from './parser.js'
export { print, printExpr } from './print.js'
export { validate } from './validate.js'
export { compile, tryCompile, compileCondition, tryCompileCondition, compileExpr, tryCompileExpr } from './compile.js'
export { defaultFieldTypes, mergeFieldTypes, parseMapping, parseMappingText, resolveField } from './fieldtypes.js'
export { buildPrefilter } from './prefilter.js'
export { mergeIndexMappings } from './index-mappings.js'
export { isDateMs } from './date.js'
export { compileWildcard, type StringTest } from './wildcard.js'

import { compileRawAccessor } from './accessor.js'
import type { EcsEvent, Value } from './value.js'

/** Reads a dotted field of an event (nested objects and dotted keys both work), untyped: for display. */
export function fieldAccessor(path: string): (event: EcsEvent) => Value {
  const raw = compileRawAccessor(path.split('.'))
  return (event) => toValue(raw(event))
}

function toValue(v: unknown): Value {
  if (v === undefined || v === null) return null
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v
  if (Array.isArray(v)) return v.map(toValue)
  return JSON.stringify(v)
}

// A rule's EQL query → AST + compiled closures, with errors placed at their line in the rule file.
import {
  defaultFieldTypes, lineColumn, parse, tryCompile,
  type CompiledQuery, type EqlError, type FieldTypes, type Query,
} from '../eql/index.js'
import type { RuleError } from './errors.js'
import type { RuleData } from './schema.js'
import type { TomlLines } from './toml-lines.js'

export type CompiledRuleQuery =
  | { readonly ok: true; readonly ast: Query; readonly query: CompiledQuery }
  | { readonly ok: false; readonly errors: readonly RuleError[] }

export interface QueryOptions {
  /** Field types for validation and comparisons (default: ECS + Windows integration fields). */
  readonly fieldTypes?: FieldTypes
}

/** Parse and compile `rule.query` with the rule's timestamp, tiebreaker and category fields. */
export function compileRuleQuery(rule: RuleData, file: string, lines: TomlLines | null, opts: QueryOptions = {}): CompiledRuleQuery {
  const text = rule.query ?? ''
  const place = (offset: number): { line?: number; column?: number } => {
    const start = lines?.valueStart(['rule', 'query'])
    const at = lineColumn(text, offset)
    if (!start) return {}
    // Exact for literal strings ('''…'''), which is how rule files write queries; close enough for others.
    return { line: start.line + at.line - 1, column: at.line === 1 ? start.column + at.column - 1 : at.column }
  }
  const toErrors = (errors: readonly EqlError[]): RuleError[] => errors.map((e) => ({
    code: 'query', file, ...place(e.span.start), field: 'rule.query',
    message: `${e.message}${e.hint ? ` (hint: ${e.hint})` : ''}`,
  }))

  const parsed = parse(text)
  if (!parsed.ok) return { ok: false, errors: toErrors(parsed.errors) }
  const compiled = tryCompile(parsed.value, {
    fieldTypes: opts.fieldTypes ?? defaultFieldTypes(),
    source: text,
    ...(rule.timestamp_field !== undefined ? { timestampField: rule.timestamp_field } : {}),
    ...(rule.tiebreaker_field !== undefined ? { tiebreakerField: rule.tiebreaker_field } : {}),
    ...(rule.event_category_override !== undefined ? { eventCategoryField: rule.event_category_override } : {}),
  })
  if (!compiled.ok) return { ok: false, errors: toErrors(compiled.errors) }
  return { ok: true, ast: parsed.value, query: compiled.value }
}

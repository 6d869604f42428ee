// Errors are values: parsing and validation return every problem found, each with a span.
import type { Span } from './ast.js'

export type EqlErrorCode =
  | 'syntax'            // the text does not parse
  | 'unknown-function'  // `foo()`, or an Endgame-only function such as `arrayContains`
  | 'arity'             // wrong number of arguments
  | 'type'              // wrong argument or operand type (literal-level; we have no index mapping)
  | 'field-comparison'  // field compared to field with an operator (Elasticsearch rejects it)
  | 'unsupported'       // Endgame-only syntax: join, `descendant of`, `| count`, `=` …

export interface EqlError {
  readonly code: EqlErrorCode
  /** Elasticsearch-like wording: "Unknown function [fooo]". */
  readonly message: string
  /** How to fix it, for rule authors ("use == instead of ="). */
  readonly hint?: string
  readonly span: Span
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: readonly EqlError[] }

/** 1-based line and column of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1
  let lineStart = 0
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) { line++; lineStart = i + 1 }
  }
  return { line, column: offset - lineStart + 1 }
}

/** `line 1:19: message (hint)`, like Kibana shows EQL errors. */
export function renderError(query: string, e: EqlError): string {
  const { line, column } = lineColumn(query, e.span.start)
  return `line ${line}:${column}: ${e.message}${e.hint ? ` (hint: ${e.hint})` : ''}`
}

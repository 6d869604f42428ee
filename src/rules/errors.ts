// Rule-loading problems as values: every one names the file, the line (and column) and the field.

export type RuleErrorCode =
  | 'io'          // the file or directory cannot be read
  | 'toml'        // not valid TOML
  | 'schema'      // valid TOML, not a valid rule (missing key, wrong type, value out of range)
  | 'query'       // the EQL query does not parse or compile
  | 'exceptions'  // an exception list or allowlist is invalid
  | 'fixtures'    // a fixture manifest or fixture file is invalid

export interface RuleError {
  readonly code: RuleErrorCode
  readonly file: string
  /** 1-based; absent when the problem has no single place (a missing file). */
  readonly line?: number
  readonly column?: number
  /** Dotted path of the offending key: `rule.threat[0].tactic.id`. */
  readonly field?: string
  readonly message: string
}

/** A problem that does not stop the rule from loading (an unknown key, a repository convention broken). */
export type RuleWarning = RuleError

/** `file:line:column: field: message`, the shape editors and CI annotations understand. */
export function renderRuleError(e: RuleError): string {
  const at = e.line === undefined ? e.file : `${e.file}:${e.line}${e.column === undefined ? '' : `:${e.column}`}`
  return `${at}: ${e.field ? `${e.field}: ` : ''}${e.message}`
}

/** `rule.threat[0].tactic.id` from `['rule', 'threat', 0, 'tactic', 'id']`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`
    else out += out === '' ? String(seg) : `.${String(seg)}`
  }
  return out
}

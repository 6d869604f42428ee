// One rule file's text → a validated RuleFile, or every problem found with its line and field.
// No EQL here: the query is compiled by load.ts, so schema problems are reported even without a parser.
import { parse as parseToml, TomlError } from 'smol-toml'
import type { z } from 'zod'
import { FORBIDDEN_RULE_KEYS, KNOWN_KEYS, ruleFileSchema, type RuleFile } from './schema.js'
import { fieldPath, type RuleError, type RuleWarning } from './errors.js'
import { lazyTomlLines, type TomlLines } from './toml-lines.js'

export type ParsedRuleFile =
  | { readonly ok: true; readonly rule: RuleFile; readonly warnings: readonly RuleWarning[]; readonly lines: TomlLines }
  | { readonly ok: false; readonly errors: readonly RuleError[]; readonly warnings: readonly RuleWarning[] }

/** Severity ↔ risk score ranges the detection-rules repository enforces (test_rule_risk_score_severity_mismatch). */
const RISK_RANGES = { low: [0, 21], medium: [22, 47], high: [48, 73], critical: [74, 100] } as const

/** Parse TOML text as a detection rule: TOML syntax, Elastic's schema, then vigil's extras. */
export function parseRuleText(input: string, file: string): ParsedRuleFile {
  // Editors on Windows may save a byte-order mark; TOML does not allow one.
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input
  let doc: unknown
  try {
    doc = parseToml(text)
  } catch (e) {
    if (e instanceof TomlError) {
      const message = (e.message.split('\n')[0] ?? e.message).replace(/^Invalid TOML document: /, '')
      return { ok: false, errors: [{ code: 'toml', file, line: e.line, column: e.column, message }], warnings: [] }
    }
    return { ok: false, errors: [{ code: 'toml', file, message: String(e) }], warnings: [] }
  }
  return validateRuleDocument(doc, text, file)
}

/** Validate an already-parsed TOML document; `text` is used only to find the lines of keys. */
export function validateRuleDocument(doc: unknown, text: string, file: string): ParsedRuleFile {
  const lines = lazyTomlLines(text)
  const at = (path: readonly PropertyKey[]): { line?: number; column?: number } => {
    const found = lines.locate(path.filter((p): p is string | number => typeof p !== 'symbol'))
    return found ? { line: found.position.line, column: found.position.column } : {}
  }
  const errors: RuleError[] = []
  const warnings: RuleWarning[] = []

  for (const [table, known] of Object.entries(KNOWN_KEYS)) {
    const path = table === '' ? [] : table.split('.')
    const node = readPath(doc, path)
    if (!isTable(node)) continue
    for (const key of Object.keys(node)) {
      if (known.has(key)) continue
      const full = [...path, key]
      if (table === 'rule' && FORBIDDEN_RULE_KEYS.has(key)) {
        errors.push({ code: 'schema', file, ...at(full), field: fieldPath(full),
          message: `${key} is not allowed in a rule file; it comes from the version lock (use [rule.vigil] version)` })
      } else {
        warnings.push({ code: 'schema', file, ...at(full), field: fieldPath(full), message: 'unknown key (ignored)' })
      }
    }
  }

  const parsed = ruleFileSchema.safeParse(doc)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) errors.push(issueToError(issue, doc, file, at))
    return { ok: false, errors, warnings }
  }
  if (errors.length > 0) return { ok: false, errors, warnings }

  const rule = parsed.data.rule
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(rule.rule_id)) {
    warnings.push({ code: 'schema', file, ...at(['rule', 'rule_id']), field: 'rule.rule_id', message: `${rule.rule_id} is not a canonical UUID` })
  }
  if ((rule.risk_score_mapping?.length ?? 0) > 1) {
    warnings.push({ code: 'schema', file, ...at(['rule', 'risk_score_mapping', 1]), field: 'rule.risk_score_mapping[1]',
      message: 'only the first risk_score_mapping entry is used (as in Kibana)' })
  }
  const [lo, hi] = RISK_RANGES[rule.severity]
  if (rule.risk_score < lo || rule.risk_score > hi) {
    warnings.push({ code: 'schema', file, ...at(['rule', 'risk_score']), field: 'rule.risk_score',
      message: `risk_score ${rule.risk_score} is outside ${lo}-${hi}, the range for severity ${rule.severity}` })
  }
  return { ok: true, rule: parsed.data, warnings, lines }
}

function issueToError(
  issue: z.core.$ZodIssue,
  doc: unknown,
  file: string,
  at: (path: readonly PropertyKey[]) => { line?: number; column?: number },
): RuleError {
  const isMissing = issue.code !== 'custom' && readPath(doc, issue.path) === undefined
  return {
    code: 'schema',
    file,
    ...at(issue.path),
    field: fieldPath(issue.path),
    message: isMissing ? 'required key is missing' : issue.message,
  }
}

function isTable(x: unknown): x is { readonly [k: string]: unknown } {
  return x !== null && typeof x === 'object' && !Array.isArray(x)
}

function readPath(doc: unknown, path: readonly PropertyKey[]): unknown {
  let node = doc
  for (const seg of path) {
    if (typeof seg === 'number') {
      if (!Array.isArray(node)) return undefined
      node = node[seg]
    } else {
      if (!isTable(node) || typeof seg !== 'string' || !Object.hasOwn(node, seg)) return undefined
      node = node[seg]
    }
  }
  return node
}

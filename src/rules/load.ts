// Load rule files: one file, a directory tree, or a whole detection-rules checkout (its `rules/` and
// `rules_building_block/`, with versions from `detection_rules/etc/version.lock.json` when present).
// EQL rules are parsed and compiled; other languages, deprecated rules and TOML files that are not rules
// are counted as skipped. Every problem is a value naming file, line and field.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, dirname, extname, join, resolve } from 'node:path'
import type { AlertRule } from '../alerts/index.js'
import { defaultFieldTypes, type CompiledQuery, type FieldTypes, type Query } from '../eql/index.js'
import { fieldPath, type RuleError, type RuleWarning } from './errors.js'
import { parseExceptionText } from './exception-files.js'
import { compileExceptions, type CompiledExceptions, type ExceptionItem } from './exceptions.js'
import { compileOverrides, type OverrideFn } from './overrides.js'
import { parseRuleText } from './parse-file.js'
import { compileRuleQuery } from './query.js'
import type { RuleData, RuleMetadata } from './schema.js'

export interface LoadedRule {
  readonly file: string
  readonly metadata: RuleMetadata
  readonly data: RuleData
  readonly ruleId: string
  readonly name: string
  readonly version: number
  readonly isBuildingBlock: boolean
  readonly alertRule: AlertRule
  readonly ast: Query
  readonly query: CompiledQuery
  readonly overrides: OverrideFn
  /** Items from `[rule.vigil] exceptions` files, compiled; null when the rule bundles none. */
  readonly exceptions: CompiledExceptions | null
  readonly exceptionItems: readonly ExceptionItem[]
  readonly eventCategoryField: string
  readonly hasOwnTimestamp: boolean
  readonly suppression: {
    readonly groupBy: readonly string[]
    readonly durationMs: number | null
    readonly missingFieldsStrategy: 'suppress' | 'doNotSuppress'
  } | null
  /** Investigation guide (Markdown) next to the rule, when present. */
  readonly guidePath: string | null
  /** Fixtures directory (with `manifest.toml`), when present. */
  readonly fixturesDir: string | null
  readonly warnings: readonly RuleWarning[]
}

export type SkipReason = 'language' | 'deprecated' | 'not-a-rule'
export interface SkippedFile {
  readonly file: string
  readonly reason: SkipReason
  /** `kuery`, `esql`, `machine_learning` … for reason `language`. */
  readonly language?: string
}

export interface LoadResult {
  readonly rules: readonly LoadedRule[]
  readonly errors: readonly RuleError[]
  readonly warnings: readonly RuleWarning[]
  readonly skipped: readonly SkippedFile[]
  /** TOML files read. */
  readonly files: number
}

export interface LoadOptions {
  readonly fieldTypes?: FieldTypes
  /** rule_id → version, overriding the detection-rules version lock found in a checkout. */
  readonly versions?: ReadonlyMap<string, number>
  /** Epoch ms for exception expiry (default now). */
  readonly nowMs?: number
  /** Load rules with maturity `deprecated` too (default: skip them). */
  readonly includeDeprecated?: boolean
}

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000 } as const

/** Load every rule under the given files and directories. */
export function loadRules(paths: readonly string[], opts: LoadOptions = {}): LoadResult {
  const rules: LoadedRule[] = []
  const errors: RuleError[] = []
  const warnings: RuleWarning[] = []
  const skipped: SkippedFile[] = []
  let files = 0
  const seen = new Map<string, string>()
  // Field types are built once for the whole load, not per rule.
  const shared: LoadOptions = { ...opts, fieldTypes: opts.fieldTypes ?? defaultFieldTypes() }
  for (const path of paths) {
    const { tomlFiles, versions, error } = collect(path)
    if (error) { errors.push(error); continue }
    const versionMap = opts.versions ?? versions
    for (const file of tomlFiles) {
      files++
      let text: string
      try { text = readFileSync(file, 'utf8') } catch (e) {
        errors.push({ code: 'io', file, message: (e as Error).message })
        continue
      }
      const r = loadRuleText(text, file, { ...shared, ...(versionMap ? { versions: versionMap } : {}) })
      warnings.push(...r.warnings)
      if (r.skipped) { skipped.push(r.skipped); continue }
      if (!r.rule) { errors.push(...r.errors); continue }
      const previous = seen.get(r.rule.ruleId)
      if (previous !== undefined) {
        errors.push({ code: 'schema', file, field: 'rule.rule_id', message: `rule_id ${r.rule.ruleId} is also used by ${previous}` })
        continue
      }
      seen.set(r.rule.ruleId, file)
      rules.push(r.rule)
    }
  }
  return { rules, errors, warnings, skipped, files }
}

export interface LoadedText {
  readonly rule?: LoadedRule
  readonly skipped?: SkippedFile
  readonly errors: readonly RuleError[]
  readonly warnings: readonly RuleWarning[]
}

/** Load one rule from its TOML text. `file` names it in errors and anchors relative paths. */
export function loadRuleText(text: string, file: string, opts: LoadOptions = {}): LoadedText {
  if (!/^\s*\[rule\]/m.test(text) && !/^\s*\[metadata\]/m.test(text)) {
    return { skipped: { file, reason: 'not-a-rule' }, errors: [], warnings: [] }
  }
  const parsed = parseRuleText(text, file)
  if (!parsed.ok) return { errors: parsed.errors, warnings: parsed.warnings }
  const { metadata, rule: data } = parsed.rule
  const warnings = [...parsed.warnings]
  if (metadata.maturity === 'deprecated' && opts.includeDeprecated !== true) {
    return { skipped: { file, reason: 'deprecated' }, errors: [], warnings }
  }
  if (data.type !== 'eql' || data.language !== 'eql') {
    return { skipped: { file, reason: 'language', language: data.language ?? data.type }, errors: [], warnings }
  }
  const compiled = compileRuleQuery(data, file, parsed.lines, opts.fieldTypes ? { fieldTypes: opts.fieldTypes } : {})
  if (!compiled.ok) return { errors: compiled.errors, warnings }

  const dir = dirname(file)
  const base = basename(file, extname(file))
  const errors: RuleError[] = []
  const exceptionItems: ExceptionItem[] = []
  for (const rel of data.vigil?.exceptions ?? []) {
    const path = resolve(dir, rel)
    let body: string
    try { body = readFileSync(path, 'utf8') } catch (e) {
      errors.push({ code: 'io', file, field: 'rule.vigil.exceptions', ...lineOf(parsed.lines, ['rule', 'vigil', 'exceptions']), message: `${rel}: ${(e as Error).message}` })
      continue
    }
    const ex = parseExceptionText(body, path)
    if (!ex.ok) { errors.push(...ex.errors); continue }
    // Bundled exceptions apply to this rule whatever rule ids they name.
    exceptionItems.push(...ex.items.map((i) => ({ ...i, ruleIds: [data.rule_id] })))
  }
  let exceptions: CompiledExceptions | null = null
  if (exceptionItems.length > 0) {
    const c = compileExceptions(exceptionItems, opts.nowMs !== undefined ? { nowMs: opts.nowMs } : {})
    if (!c.ok) for (const e of c.errors) errors.push({ code: 'exceptions', file: e.item.source.file, ...(e.item.source.line !== undefined ? { line: e.item.source.line } : {}), message: `${e.item.name}: ${e.message}` })
    else exceptions = c.value
  }
  if (errors.length > 0) return { errors, warnings }

  const stageCount = compiled.query.kind === 'event' ? 0 : compiled.query.stages.length
  const termOfMember = termsOfMembers(compiled.ast, stageCount)
  const terms = compiled.ast.base.kind === 'event' ? 0 : compiled.ast.base.terms.length
  const stageRefs: { stage: number | 'any' | undefined; path: (string | number)[] }[] = [
    ...(data.vigil?.severity_mapping ?? []).map((m, i) => ({ stage: m.stage, path: ['severity_mapping', i] })),
    ...(data.vigil?.risk_score_mapping ?? []).map((m, i) => ({ stage: m.stage, path: ['risk_score_mapping', i] })),
    ...(data.vigil?.rule_name_override ? [{ stage: data.vigil.rule_name_override.stage, path: ['rule_name_override'] }] : []),
  ]
  for (const ref of stageRefs) {
    if (typeof ref.stage !== 'number' || termOfMember === null || ref.stage <= terms) continue
    const path = ['rule', 'vigil', ...ref.path, 'stage']
    const at = parsed.lines.locate(path)
    errors.push({ code: 'schema', file, field: fieldPath(path), ...(at ? { line: at.position.line, column: at.position.column } : {}),
      message: `stage ${ref.stage} does not exist: the query has ${terms} stage${terms === 1 ? '' : 's'}` })
  }
  if (errors.length > 0) return { errors, warnings }

  warnings.push(...conventionWarnings(data, metadata, compiled.query, file, parsed.lines))
  const version = opts.versions?.get(data.rule_id) ?? data.vigil?.version ?? 1
  const guide = data.vigil?.guide ? resolve(dir, data.vigil.guide) : join(dir, `${base}.md`)
  const fixtures = data.vigil?.fixtures ? resolve(dir, data.vigil.fixtures) : join(dir, 'fixtures', base)
  const s = data.alert_suppression
  const rule: LoadedRule = {
    file,
    metadata,
    data,
    ruleId: data.rule_id,
    name: data.name,
    version,
    isBuildingBlock: data.building_block_type === 'default',
    alertRule: {
      ruleId: data.rule_id,
      name: data.name,
      version,
      type: data.type,
      description: data.description.trim(),
      severity: data.severity,
      riskScore: data.risk_score,
      ...(data.building_block_type ? { buildingBlockType: data.building_block_type } : {}),
      tags: data.tags ?? [],
      threat: data.threat ?? [],
      references: data.references ?? [],
      falsePositives: (data.false_positives ?? []).map((f) => f.trim()),
    },
    ast: compiled.ast,
    query: compiled.query,
    overrides: compileOverrides(data, termOfMember),
    exceptions,
    exceptionItems,
    eventCategoryField: data.event_category_override ?? 'event.category',
    hasOwnTimestamp: data.timestamp_field !== undefined && data.timestamp_field !== '@timestamp',
    suppression: s ? {
      groupBy: s.group_by,
      durationMs: s.duration ? s.duration.value * UNIT_MS[s.duration.unit] : null,
      missingFieldsStrategy: s.missing_fields_strategy ?? 'suppress',
    } : null,
    guidePath: existsSync(guide) ? guide : null,
    fixturesDir: existsSync(join(fixtures, 'manifest.toml')) ? fixtures : null,
    warnings,
  }
  return { rule, errors: [], warnings }
}

const DURATION = /^(?:now-)?(\d+)([smhd])$/
const DURATION_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const
const durationMs = (text: string | undefined): number | null => {
  const m = text === undefined ? null : DURATION.exec(text)
  return m ? Number(m[1]) * DURATION_MS[m[2] as keyof typeof DURATION_MS] : null
}

/**
 * The detection-rules repository's scheduling conventions (its unit tests), as warnings: they matter when
 * the rule runs on a schedule in Kibana, not to vigil's own hunts.
 */
function conventionWarnings(data: RuleData, metadata: RuleMetadata, query: CompiledQuery, file: string,
  lines: Parameters<typeof lineOf>[0]): RuleWarning[] {
  const out: RuleWarning[] = []
  const warn = (field: string, message: string): void => {
    out.push({ code: 'schema', file, field: `rule.${field}`, ...lineOf(lines, ['rule', field]), message })
  }
  const fromMs = durationMs(data.from) ?? 6 * 60_000
  const intervalMs = durationMs(data.interval) ?? 5 * 60_000
  if (query.kind === 'sequence' && query.maxspanMs !== null && fromMs + 10 * 60_000 < query.maxspanMs) {
    warn('from', `the lookback (${data.from ?? 'now-6m'}) plus 10 minutes is shorter than the sequence's maxspan`)
  }
  if (data.building_block_type === 'default' && metadata.bypass_bbr_timing !== true) {
    if (fromMs < 119 * 60_000) warn('from', 'building-block rules look back at least now-119m (or set bypass_bbr_timing)')
    if (intervalMs < 60 * 60_000) warn('interval', 'building-block rules run at most every 60m (or set bypass_bbr_timing)')
  }
  return out
}

/** 0-based written term of each compiled member (`with runs=N` expands a term into N members). */
function termsOfMembers(ast: Query, stageCount: number): number[] | null {
  const base = ast.base
  if (base.kind === 'event') return null
  const out: number[] = []
  base.terms.forEach((t, i) => { for (let k = 0; k < Math.max(1, t.runs); k++) out.push(i) })
  // Defensive: if the compiler laid stages out differently, fall back to one member per stage.
  return out.length === stageCount ? out : Array.from({ length: stageCount }, (_, i) => i)
}

function lineOf(lines: { locate: (p: readonly (string | number)[]) => { position: { line: number; column: number } } | null }, path: readonly string[]): { line?: number; column?: number } {
  const at = lines.locate(path)
  return at ? { line: at.position.line, column: at.position.column } : {}
}

/** The TOML files under a path; a detection-rules checkout contributes only its rule directories. */
function collect(path: string): { tomlFiles: string[]; versions?: ReadonlyMap<string, number>; error?: RuleError } {
  let st
  try { st = statSync(path) } catch (e) {
    return { tomlFiles: [], error: { code: 'io', file: path, message: (e as Error).message } }
  }
  if (!st.isDirectory()) return { tomlFiles: [path] }
  const ruleDirs = ['rules', 'rules_building_block'].map((d) => join(path, d)).filter((d) => existsSync(d))
  const isCheckout = ruleDirs.length > 0 && (existsSync(join(path, 'detection_rules')) || existsSync(join(path, 'rules_building_block')))
  const roots = isCheckout ? ruleDirs : [path]
  const tomlFiles: string[] = []
  const walk = (dir: string): void => {
    let names: string[]
    try { names = readdirSync(dir).sort() } catch { return }
    for (const name of names) {
      if (name.startsWith('.') || name === 'node_modules') continue
      const p = join(dir, name)
      let s
      try { s = statSync(p) } catch { continue }
      if (s.isDirectory()) {
        // Fixtures hold manifests and events, never rules.
        if (name !== 'fixtures') walk(p)
      } else if (name.endsWith('.toml')) tomlFiles.push(p)
    }
  }
  for (const r of roots) walk(r)
  const lock = join(path, 'detection_rules', 'etc', 'version.lock.json')
  return { tomlFiles, ...(existsSync(lock) ? { versions: readVersionLock(lock) } : {}) }
}

/** `etc/version.lock.json`: rule_id → {rule_name, sha256, type, version, …}. Unreadable → no versions. */
function readVersionLock(path: string): ReadonlyMap<string, number> {
  const out = new Map<string, number>()
  try {
    const doc: unknown = JSON.parse(readFileSync(path, 'utf8'))
    if (doc === null || typeof doc !== 'object') return out
    for (const [id, entry] of Object.entries(doc)) {
      const v = entry !== null && typeof entry === 'object' ? (entry as { version?: unknown }).version : undefined
      if (typeof v === 'number' && Number.isInteger(v)) out.set(id, v)
    }
  } catch { /* a broken lock only costs version numbers */ }
  return out
}

// `vigil rules test`: run a rule over its fixtures — ECS NDJSON files listed in `fixtures/<rule>/manifest.toml`,
// each declaring whether the rule must fire (how many matches, which severity and risk score) or stay silent
// (near misses) — and report pass/fail per case.
import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { parse as parseToml, TomlError } from 'smol-toml'
import { z } from 'zod'
import type { Alert } from '../alerts/index.js'
import type { EcsEvent } from '../eql/index.js'
import type { EventRecord } from '../detect/index.js'
import { createRuleSet } from '../detect/index.js'
import { fieldPath, type RuleError } from './errors.js'
import { parseExceptionText } from './exception-files.js'
import { compileExceptions, type CompiledExceptions, type ExceptionItem } from './exceptions.js'
import type { LoadedRule } from './load.js'
import { SEVERITIES } from './schema.js'
import { indexTomlLines } from './toml-lines.js'

export const FIXTURE_SOURCES = ['sysmon', 'security', 'defend', 'mixed'] as const
/** Sources every bundled rule should have a true positive for. */
export const REQUIRED_SOURCES = ['sysmon', 'security', 'defend'] as const

const caseSchema = z.object({
  file: z.string().min(1),
  source: z.enum(FIXTURE_SOURCES),
  expect: z.enum(['fire', 'silent']),
  description: z.string().min(1),
  /** Matches expected (single-event alerts or sequence shells; building blocks are not counted). */
  alerts: z.number().int().min(1).optional(),
  severity: z.enum(SEVERITIES).optional(),
  risk_score: z.number().int().min(0).max(100).optional(),
  /** Exception / allowlist files applied for this case, relative to the manifest. */
  exceptions: z.array(z.string().min(1)).optional(),
}).strict()
const manifestSchema = z.object({ case: z.array(caseSchema).min(1) }).strict()
export type FixtureCase = z.infer<typeof caseSchema>

export interface CaseResult {
  readonly file: string
  readonly source: FixtureCase['source']
  readonly expect: FixtureCase['expect']
  readonly description: string
  readonly passed: boolean
  /** Why it failed (empty when passed). */
  readonly problems: readonly string[]
  readonly matches: number
  readonly severities: readonly string[]
  readonly riskScores: readonly number[]
}

export interface FixtureReport {
  readonly ruleId: string
  readonly name: string
  readonly passed: boolean
  readonly cases: readonly CaseResult[]
  /** Manifest or fixture-file problems (the report fails when there are any). */
  readonly errors: readonly RuleError[]
  /** Required sources without a true-positive case. */
  readonly missingSources: readonly string[]
}

export interface FixtureOptions {
  /** Epoch ms for exception expiry (default now). */
  readonly nowMs?: number
}

/** Run every case of a rule's fixture manifest. A rule without fixtures fails with an error saying so. */
export function runFixtures(rule: LoadedRule, opts: FixtureOptions = {}): FixtureReport {
  const fail = (errors: RuleError[]): FixtureReport =>
    ({ ruleId: rule.ruleId, name: rule.name, passed: false, cases: [], errors, missingSources: [] })
  if (rule.fixturesDir === null) return fail([{ code: 'fixtures', file: rule.file, message: 'the rule has no fixtures (fixtures/<rule>/manifest.toml)' }])
  const manifestFile = join(rule.fixturesDir, 'manifest.toml')
  const manifest = readManifest(manifestFile)
  if (!manifest.ok) return fail(manifest.errors)

  const errors: RuleError[] = []
  const cases: CaseResult[] = []
  for (const c of manifest.cases) {
    const path = resolve(dirname(manifestFile), c.file)
    const events = readNdjson(path)
    if (!events.ok) { errors.push(...events.errors); continue }
    const items: ExceptionItem[] = []
    for (const rel of c.exceptions ?? []) {
      const exPath = resolve(dirname(manifestFile), rel)
      let text: string
      try { text = readFileSync(exPath, 'utf8') } catch (e) {
        errors.push({ code: 'fixtures', file: manifestFile, message: `${rel}: ${(e as Error).message}` })
        continue
      }
      const parsed = parseExceptionText(text, exPath)
      if (parsed.ok) items.push(...parsed.items)
      else errors.push(...parsed.errors)
    }
    const compiled = compileExceptions(items, opts.nowMs !== undefined ? { nowMs: opts.nowMs } : {})
    if (!compiled.ok) {
      for (const e of compiled.errors) errors.push({ code: 'exceptions', file: e.item.source.file, message: `${e.item.name}: ${e.message}` })
      continue
    }
    const alerts = runRule(rule, events.events, items.length > 0 ? compiled.value : null)
    cases.push(judge(c, alerts))
  }
  const covered = new Set(cases.filter((c) => c.expect === 'fire').map((c) => c.source))
  const missingSources = REQUIRED_SOURCES.filter((s) => !covered.has(s))
  return {
    ruleId: rule.ruleId,
    name: rule.name,
    passed: errors.length === 0 && cases.length > 0 && cases.every((c) => c.passed),
    cases,
    errors,
    missingSources,
  }
}

function runRule(rule: LoadedRule, events: readonly EcsEvent[], exceptions: CompiledExceptions | null): Alert[] {
  const alerts: Alert[] = []
  const records: EventRecord[] = events.map((event, ordinal) => ({ event, ordinal, timestampMs: rule.query.time.timestampMs(event) }))
  // Fixtures are written in time order; sort anyway (stable on input order) so a shuffled file still works.
  records.sort((a, b) => (a.timestampMs ?? -Infinity) - (b.timestampMs ?? -Infinity) || a.ordinal - b.ordinal)
  const set = createRuleSet([rule], { onAlert: (a) => alerts.push(a), exceptions, now: () => new Date(0) })
  for (const r of records) set.push(r)
  set.end()
  return alerts
}

function judge(c: FixtureCase, alerts: readonly Alert[]): CaseResult {
  // A match is a single-event alert or a sequence shell; building blocks carry a group index.
  const matches = alerts.filter((a) => a['kibana.alert.group.index'] === undefined)
  const severities = matches.map((a) => a['kibana.alert.severity'])
  const riskScores = matches.map((a) => a['kibana.alert.risk_score'])
  const problems: string[] = []
  if (c.expect === 'silent') {
    if (matches.length > 0) problems.push(`expected no alert, got ${matches.length} (${severities.join(', ')})`)
  } else {
    if (matches.length === 0) problems.push('expected the rule to fire, it did not')
    if (c.alerts !== undefined && matches.length !== c.alerts) problems.push(`expected ${c.alerts} match(es), got ${matches.length}`)
    if (c.severity !== undefined && severities.some((s) => s !== c.severity)) problems.push(`expected severity ${c.severity}, got ${severities.join(', ')}`)
    if (c.risk_score !== undefined && riskScores.some((r) => r !== c.risk_score)) problems.push(`expected risk score ${c.risk_score}, got ${riskScores.join(', ')}`)
  }
  return {
    file: c.file, source: c.source, expect: c.expect, description: c.description,
    passed: problems.length === 0, problems, matches: matches.length, severities, riskScores,
  }
}

function readManifest(file: string): { ok: true; cases: FixtureCase[] } | { ok: false; errors: RuleError[] } {
  let text: string
  try { text = readFileSync(file, 'utf8') } catch (e) {
    return { ok: false, errors: [{ code: 'io', file, message: (e as Error).message }] }
  }
  let doc: unknown
  try { doc = parseToml(text) } catch (e) {
    const t = e instanceof TomlError ? { line: e.line, column: e.column } : {}
    return { ok: false, errors: [{ code: 'fixtures', file, ...t, message: String((e as Error).message).split('\n')[0] ?? '' }] }
  }
  const parsed = manifestSchema.safeParse(doc)
  if (!parsed.success) {
    const lines = indexTomlLines(text)
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => {
        const at = lines.locate(i.path.filter((p): p is string | number => typeof p !== 'symbol'))
        return { code: 'fixtures' as const, file, ...(at ? { line: at.position.line } : {}), field: fieldPath(i.path), message: i.message }
      }),
    }
  }
  return { ok: true, cases: parsed.data.case }
}

/** ECS NDJSON: one JSON object per line; blank lines and `//` comment lines are ignored. */
export function readNdjson(file: string): { ok: true; events: EcsEvent[] } | { ok: false; errors: RuleError[] } {
  let text: string
  try { text = readFileSync(file, 'utf8') } catch (e) {
    return { ok: false, errors: [{ code: 'io', file, message: (e as Error).message }] }
  }
  const events: EcsEvent[] = []
  const errors: RuleError[] = []
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim()
    if (line === '' || line.startsWith('//')) return
    try {
      const doc: unknown = JSON.parse(line)
      if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('expected a JSON object')
      events.push(doc as EcsEvent)
    } catch (e) {
      errors.push({ code: 'fixtures', file, line: i + 1, message: (e as Error).message })
    }
  })
  return errors.length > 0 ? { ok: false, errors } : { ok: true, events }
}

/** Human-readable report for `vigil rules test`: one line per case, failures explained. */
export function renderFixtureReport(report: FixtureReport): string {
  const lines = [`${report.passed ? 'PASS' : 'FAIL'} ${report.name} (${report.ruleId})`]
  for (const c of report.cases) {
    const got = c.matches === 0 ? 'silent' : `${c.matches} × ${[...new Set(c.severities)].join('/')}`
    lines.push(`  ${c.passed ? 'ok  ' : 'FAIL'} ${c.expect === 'fire' ? 'fires ' : 'silent'} ${c.source.padEnd(8)} ${c.file} — ${c.description} [${got}]`)
    for (const p of c.problems) lines.push(`         ${p}`)
  }
  for (const e of report.errors) lines.push(`  error: ${e.file}${e.line !== undefined ? `:${e.line}` : ''}: ${e.field ? `${e.field}: ` : ''}${e.message}`)
  if (report.missingSources.length > 0) lines.push(`  note: no true positive for ${report.missingSources.join(', ')}`)
  return lines.join('\n')
}

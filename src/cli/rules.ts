// `vigil rules validate|test|list|show`: the rule catalogue from the command line.
//   validate <paths…>  every problem with file:line and field; exit 2 if any rule is invalid
//   test [paths…]      each rule's fixtures (true positives must fire, near misses stay silent); exit 1 on failure
//   list [paths…]      id, name, severity, type, tactics
//   show <id|name>     the rule's facts, query and investigation guide
import { loadRules, renderGuide, renderRuleError, runFixtures, type LoadResult, type LoadedRule } from '../rules/index.js'
import { bundledRulesDir, compileGlob } from './hunt.js'
import { UsageError } from './errors.js'
import { clean } from '../report/index.js'

export interface RulesPathsOptions {
  /** Rule files or directories; default the bundled rules. */
  readonly paths?: readonly string[]
  readonly includeDeprecated?: boolean
}

type Write = (text: string) => void
const stdout: Write = (t) => { process.stdout.write(t) }
const stderr: Write = (t) => { process.stderr.write(t) }

function load(opts: RulesPathsOptions): LoadResult {
  const paths = opts.paths && opts.paths.length > 0 ? [...opts.paths] : [bundledRulesDir()]
  return loadRules(paths, opts.includeDeprecated ? { includeDeprecated: true } : {})
}

/** Exit 0 when every rule file is valid (other languages skipped), 2 otherwise. */
export function runRulesValidate(paths: readonly string[], opts: { readonly warnings?: boolean; readonly includeDeprecated?: boolean } = {}): number {
  if (paths.length === 0) throw new UsageError('rules validate needs at least one rule file or directory')
  const r = load({ paths, ...(opts.includeDeprecated ? { includeDeprecated: true } : {}) })
  for (const e of r.errors) stdout(`${renderRuleError(e)}\n`)
  if (opts.warnings) for (const w of r.warnings) stdout(`warning: ${renderRuleError(w)}\n`)
  const invalidFiles = new Set(r.errors.map((e) => e.file)).size
  const eqlTotal = r.rules.length + invalidFiles
  const rate = eqlTotal > 0 ? ((100 * r.rules.length) / eqlTotal).toFixed(1) : '100.0'
  const skipped = countSkipped(r)
  stderr(`vigil: ${r.files} rule file(s): ${r.rules.length} valid EQL rule(s), ${invalidFiles} invalid` +
    ` (${rate}% of EQL rules load)` + (skipped ? `; skipped: ${skipped}` : '') +
    (r.warnings.length > 0 && !opts.warnings ? `; ${r.warnings.length} warning(s) (--warnings lists them)` : '') + '\n')
  return r.errors.length > 0 ? 2 : 0
}

function countSkipped(r: LoadResult): string {
  const by = new Map<string, number>()
  for (const s of r.skipped) {
    const k = s.reason === 'language' ? (s.language ?? 'other language') : s.reason
    by.set(k, (by.get(k) ?? 0) + 1)
  }
  return [...by].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n} ${k}`).join(', ')
}

/** Runs the fixtures of every rule. Exit 1 when a case fails, 2 when rules or manifests are invalid. */
export function runRulesTest(opts: RulesPathsOptions & { readonly rule?: readonly string[] }): number {
  const r = load(opts)
  for (const e of r.errors) stderr(`${renderRuleError(e)}\n`)
  let rules = [...r.rules]
  const globs = (opts.rule ?? []).map(compileGlob)
  if (globs.length > 0) rules = rules.filter((x) => globs.some((m) => m(x.ruleId) || m(x.name)))
  let failed = 0, passed = 0, withoutFixtures = 0, cases = 0, manifestErrors = 0
  for (const rule of rules) {
    if (rule.fixturesDir === null) { withoutFixtures++; continue }
    const report = runFixtures(rule)
    stdout(`${report.passed ? 'PASS' : 'FAIL'}  ${rule.name}  (${rule.ruleId})\n`)
    for (const c of report.cases) {
      cases++
      stdout(`  ${c.passed ? 'ok  ' : 'FAIL'}  ${c.expect === 'fire' ? 'fires ' : 'silent'}  ${c.source.padEnd(8)} ${c.file}: ${c.description}` +
        (c.expect === 'fire' && c.matches > 0 ? ` [${c.matches} × ${[...new Set(c.severities)].join('/')}]` : '') + '\n')
      for (const p of c.problems) stdout(`          ${p}\n`)
    }
    for (const e of report.errors) { stdout(`  error  ${renderRuleError(e)}\n`); manifestErrors++ }
    if (report.missingSources.length > 0) stdout(`  note  no true-positive fixture for: ${report.missingSources.join(', ')}\n`)
    if (report.passed) passed++
    else failed++
  }
  stderr(`vigil: ${passed} rule(s) passed, ${failed} failed, ${cases} case(s)` +
    (withoutFixtures > 0 ? `; ${withoutFixtures} rule(s) without fixtures` : '') +
    (r.errors.length > 0 ? `; ${r.errors.length} invalid rule file problem(s)` : '') + '\n')
  if (rules.length === 0 && globs.length > 0) throw new UsageError(`no rule matches --rule ${(opts.rule ?? []).join(' ')}`)
  if (failed > 0) return 1
  if (r.errors.length > 0 || manifestErrors > 0) return 2
  return 0
}

/** The catalogue as a table (or JSON lines with --json). */
export function runRulesList(opts: RulesPathsOptions & { readonly json?: boolean; readonly width?: number }): number {
  const r = load(opts)
  for (const e of r.errors) stderr(`${renderRuleError(e)}\n`)
  const rows = [...r.rules].sort((a, b) => a.name.localeCompare(b.name)).map((x) => ({
    id: x.ruleId,
    name: x.name,
    severity: x.data.severity + (x.data.vigil?.severity_mapping?.length || x.data.severity_mapping?.length ? '+' : ''),
    type: x.query.kind === 'event' ? 'eql' : `eql ${x.query.kind}`,
    tactics: [...new Set((x.data.threat ?? []).map((t) => t.tactic.name))].join(', ') + (x.isBuildingBlock ? ' [building block]' : ''),
  }))
  if (opts.json) {
    for (const row of rows) stdout(JSON.stringify(row) + '\n')
    return r.errors.length > 0 ? 2 : 0
  }
  const width = Math.max(80, opts.width ?? 160)
  const cols = ['id', 'name', 'severity', 'type', 'tactics'] as const
  const w: Record<(typeof cols)[number], number> = { id: 36, name: 0, severity: 9, type: 12, tactics: 0 }
  const rest = width - (w.id + w.severity + w.type + 2 * 4)
  const longestName = Math.max(4, ...rows.map((x) => x.name.length))
  w.name = Math.min(longestName, Math.max(20, Math.floor(rest * 0.6)))
  w.tactics = Math.max(10, rest - w.name)
  const line = (v: Record<(typeof cols)[number], string>) => cols.map((c) => fit(v[c], w[c])).join('  ').trimEnd()
  stdout(line({ id: 'id', name: 'name', severity: 'severity', type: 'type', tactics: 'tactics' }) + '\n')
  for (const row of rows) stdout(line(row) + '\n')
  stderr(`vigil: ${rows.length} rule(s)${r.errors.length > 0 ? `, ${r.errors.length} invalid` : ''}${r.skipped.length > 0 ? `, ${r.skipped.length} skipped (not EQL, deprecated or not rules)` : ''}\n`)
  return r.errors.length > 0 ? 2 : 0
}

/** Prints a rule found by exact rule_id, exact name (any case), or a glob on either. */
export function runRulesShow(key: string, opts: RulesPathsOptions): number {
  const r = load(opts)
  const rule = findRule(r.rules, key)
  if (rule === null) throw new UsageError(`no rule with id or name '${key}'${r.rules.length > 0 ? '' : ' (no rules loaded)'}`)
  stdout(renderGuide(rule).trimEnd() + '\n')
  return 0
}

function findRule(rules: readonly LoadedRule[], key: string): LoadedRule | null {
  const k = key.toLowerCase()
  const exact = rules.find((x) => x.ruleId.toLowerCase() === k) ?? rules.find((x) => x.name.toLowerCase() === k)
  if (exact) return exact
  const m = compileGlob(key.includes('*') || key.includes('?') ? key : `*${key}*`)
  const found = rules.filter((x) => m(x.ruleId) || m(x.name))
  if (found.length > 1) throw new UsageError(`'${key}' matches ${found.length} rules: ${found.slice(0, 5).map((x) => x.name).join('; ')}${found.length > 5 ? '; …' : ''}`)
  return found[0] ?? null
}

function fit(s: string, w: number): string {
  const chars = [...clean(s)]
  return chars.length > w ? chars.slice(0, w - 1).join('') + '…' : chars.join('') + ' '.repeat(w - chars.length)
}

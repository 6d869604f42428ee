import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadRules, loadRuleText } from './load.js'
import { renderRuleError } from './errors.js'

const rule = (id: string, body: string): string => `[metadata]
creation_date = "2026/11/01"
maturity = "production"
updated_date = "2026/11/01"

[rule]
author = ["t"]
description = "d"
name = "rule ${id}"
risk_score = 21
rule_id = "00000000-0000-4000-8000-${id.padStart(12, '0')}"
severity = "low"
${body}
`
const eql = (query: string): string => `type = "eql"\nlanguage = "eql"\nquery = '''\n${query}\n'''\n`

function withDir(files: Record<string, string>, fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-rules-'))
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(dir, name, '..'), { recursive: true })
      writeFileSync(join(dir, name), text)
    }
    fn(dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

test('a directory: EQL rules load, other languages and non-rule TOML are counted as skipped, errors are positioned', () => {
  withDir({
    'a/good.toml': rule('1', eql('process where process.name : "cmd.exe"')),
    'a/kql.toml': rule('2', 'type = "query"\nlanguage = "kuery"\nquery = "process.name: cmd.exe"\n'),
    'a/esql.toml': rule('3', 'type = "esql"\nlanguage = "esql"\nquery = "from logs-*"\n'),
    'b/deprecated.toml': rule('4', eql('process where true')).replace('maturity = "production"', 'maturity = "deprecated"'),
    'b/bad-query.toml': rule('5', eql('process where\n  process.name : "cmd.exe" and foo(')),
    'b/bad-schema.toml': rule('6', eql('process where true')).replace('severity = "low"', 'severity = 3'),
    'b/dup.toml': rule('1', eql('process where true')),
    'b/not-a-rule.toml': 'title = "some other config"\n',
    'b/fixtures/manifest.toml': '[[case]]\n',
  }, (dir) => {
    const r = loadRules([dir])
    assert.deepEqual(r.rules.map((x) => x.name), ['rule 1'])
    assert.equal(r.files, 8, 'fixtures directories are not walked')
    assert.deepEqual(r.skipped.map((s) => [s.file.slice(dir.length + 1), s.reason, s.language]).sort(), [
      ['a/esql.toml', 'language', 'esql'],
      ['a/kql.toml', 'language', 'kuery'],
      ['b/deprecated.toml', 'deprecated', undefined],
      ['b/not-a-rule.toml', 'not-a-rule', undefined],
    ])
    const errors = r.errors.map((e) => renderRuleError(e).slice(dir.length + 1))
    assert.equal(errors.length, 3, errors.join('\n'))
    assert.ok(errors.some((e) => /^b\/bad-query\.toml:18:\d+: rule\.query: /.test(e)), errors.join('\n'))
    assert.ok(errors.includes('b/bad-schema.toml:12:1: rule.severity: Invalid option: expected one of "low"|"medium"|"high"|"critical"'), errors.join('\n'))
    assert.ok(errors.some((e) => e.startsWith('b/dup.toml: rule.rule_id: rule_id 00000000-0000-4000-8000-000000000001 is also used by')), errors.join('\n'))
  })
})

test('query errors point at the line and column inside the rule file', () => {
  const text = rule('7', eql('process where\n  process.name : "cmd.exe" and\n  fooo(process.name)'))
  const r = loadRuleText(text, 'q.toml')
  assert.equal(r.rule, undefined)
  const [e] = r.errors
  assert.ok(e)
  assert.deepEqual([e.code, e.line, e.column, e.field], ['query', 18, 3, 'rule.query'])
  assert.match(e.message, /fooo/)
})

test('vigil extras: version, stage references checked against the query, bundled exceptions, suppression', () => {
  withDir({
    'r.toml': rule('8', eql('sequence by host.id [network where true] [process where true]') +
      '[rule.vigil]\nversion = 4\nexceptions = ["allow.toml"]\n[[rule.vigil.severity_mapping]]\nstage = 3\nfield = "process.name"\noperator = "equals"\nvalue = "cmd.exe"\nseverity = "high"\n'),
    'allow.toml': '[[allow]]\nname = "x"\nusers = ["svc"]\n',
    's.toml': rule('9', eql('process where true') + '[rule.alert_suppression]\ngroup_by = ["host.id"]\n[rule.alert_suppression.duration]\nvalue = 5\nunit = "m"\n[rule.vigil]\nversion = 4\nexceptions = ["allow.toml"]\n'),
  }, (dir) => {
    const r = loadRules([dir])
    assert.match(r.errors.map(renderRuleError).join('\n'), /r\.toml:22:1: rule\.vigil\.severity_mapping\[0\]\.stage: stage 3 does not exist: the query has 2 stages/)
    const s = r.rules.find((x) => x.name === 'rule 9')
    assert.ok(s)
    assert.equal(s.version, 4)
    assert.deepEqual(s.suppression, { groupBy: ['host.id'], durationMs: 300_000, missingFieldsStrategy: 'suppress' })
    assert.notEqual(s.exceptions?.match({ user: { name: 'SVC' } }, s.ruleId), null)
    assert.equal(s.exceptions?.match({ user: { name: 'other' } }, s.ruleId), null)
  })
})

test('a missing path is an io error, not a crash', () => {
  const r = loadRules(['/nonexistent/vigil/rules'])
  assert.equal(r.errors[0]?.code, 'io')
  assert.equal(r.rules.length, 0)
})

const CHECKOUT = process.env['VIGIL_DETECTION_RULES'] ?? '/work/corpus/detection-rules'

test('a detection-rules checkout loads: ≥99% of active EQL rules parse and compile', { skip: existsSync(CHECKOUT) ? false : `no detection-rules checkout at ${CHECKOUT} (set VIGIL_DETECTION_RULES)` }, () => {
  const r = loadRules([CHECKOUT])
  const eqlErrors = r.errors.filter((e) => e.code === 'query')
  const eqlTotal = r.rules.length + eqlErrors.length
  const byLanguage = new Map<string, number>()
  for (const s of r.skipped) if (s.reason === 'language') byLanguage.set(s.language ?? '?', (byLanguage.get(s.language ?? '?') ?? 0) + 1)
  const rate = eqlTotal === 0 ? 0 : r.rules.length / eqlTotal
  const lines = [
    `detection-rules at ${CHECKOUT}: ${r.files} TOML files`,
    `  EQL rules parsed and compiled: ${r.rules.length}/${eqlTotal} (${(rate * 100).toFixed(2)}%)`,
    `  skipped, other languages: ${[...byLanguage].map(([l, n]) => `${l} ${n}`).join(', ')}`,
    `  skipped, deprecated: ${r.skipped.filter((s) => s.reason === 'deprecated').length}; not rules: ${r.skipped.filter((s) => s.reason === 'not-a-rule').length}`,
    `  other errors: ${r.errors.length - eqlErrors.length}; warnings: ${r.warnings.length}`,
    ...r.errors.map((e) => `  ${renderRuleError(e)}`),
  ]
  console.log(lines.join('\n'))
  assert.ok(eqlTotal > 0)
  assert.ok(rate >= 0.99, `EQL success rate ${rate}`)
  assert.equal(r.errors.length - eqlErrors.length, 0, 'schema errors in upstream rules')
})

test('repository scheduling conventions are warnings with their line', () => {
  const bbr = loadRuleText(rule('10', 'building_block_type = "default"\n' + eql('process where true')), 'bbr.toml')
  assert.ok(bbr.rule)
  assert.deepEqual(bbr.warnings.map(renderRuleError), [
    'bbr.toml:6:1: rule.from: building-block rules look back at least now-119m (or set bypass_bbr_timing)',
    'bbr.toml:6:1: rule.interval: building-block rules run at most every 60m (or set bypass_bbr_timing)',
  ])
  const bypass = loadRuleText(rule('11', 'building_block_type = "default"\n' + eql('process where true'))
    .replace('maturity = "production"', 'maturity = "production"\nbypass_bbr_timing = true'), 'bbr.toml')
  assert.deepEqual(bypass.warnings, [])
  const seq = loadRuleText(rule('12', 'from = "now-9m"\n' + eql('sequence with maxspan=1h [process where true] [file where true]')), 'seq.toml')
  assert.deepEqual(seq.warnings.map(renderRuleError), ['seq.toml:13:1: rule.from: the lookback (now-9m) plus 10 minutes is shorter than the sequence\'s maxspan'])
})

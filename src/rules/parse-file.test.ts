import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { parseRuleText } from './parse-file.js'
import { renderRuleError } from './errors.js'
import { indexTomlLines } from './toml-lines.js'

const GOOD = `[metadata]
creation_date = "2026/11/03"
maturity = "production"
updated_date = "2026/11/03"

[rule]
author = ["vigil"]
description = """
A rule.
"""
name = "Test rule"
risk_score = 47
rule_id = "0f0e0d0c-0b0a-4909-8807-060504030201"
severity = "medium"
type = "eql"
language = "eql"
query = '''
process where process.name : "cmd.exe"
'''

[[rule.threat]]
framework = "MITRE ATT&CK"

[[rule.threat.technique]]
id = "T1021"
name = "Remote Services"
reference = "https://attack.mitre.org/techniques/T1021/"

[rule.threat.tactic]
id = "TA0008"
name = "Lateral Movement"
reference = "https://attack.mitre.org/tactics/TA0008/"
`

test('a valid rule parses with no warnings', () => {
  const r = parseRuleText(GOOD, 'good.toml')
  assert.ok(r.ok, JSON.stringify(r))
  assert.equal(r.rule.rule.name, 'Test rule')
  assert.equal(r.rule.rule.threat?.[0]?.tactic.id, 'TA0008')
  assert.deepEqual(r.warnings, [])
})

test('the bundled seed rules and an upstream-shaped rule validate', () => {
  for (const f of ['rules/windows/wmic_remote_command.toml', 'rules/windows/winrm_remote_shell.toml']) {
    const r = parseRuleText(readFileSync(f, 'utf8'), f)
    assert.ok(r.ok, r.ok ? '' : r.errors.map(renderRuleError).join('\n'))
    assert.deepEqual(r.warnings, [])
  }
})

// [edit applied to GOOD, rendered error (file:line:column: field: message)]
const BAD: readonly (readonly [string, (t: string) => string, string])[] = [
  ['severity not in the enum', (t) => t.replace('severity = "medium"', 'severity = "urgent"'),
    'bad.toml:14:1: rule.severity: Invalid option: expected one of "low"|"medium"|"high"|"critical"'],
  ['risk score out of range', (t) => t.replace('risk_score = 47', 'risk_score = 470'),
    'bad.toml:12:1: rule.risk_score: Too big: expected number to be <=100'],
  ['risk score as a string', (t) => t.replace('risk_score = 47', 'risk_score = "47"'),
    'bad.toml:12:1: rule.risk_score: Invalid input: expected number, received string'],
  ['missing name points at the [rule] table', (t) => t.replace('name = "Test rule"\n', ''),
    'bad.toml:6:1: rule.name: required key is missing'],
  ['bad tactic id inside an array of tables', (t) => t.replace('id = "TA0008"', 'id = "TA8"'),
    'bad.toml:30:1: rule.threat[0].tactic.id: expected a tactic id like TA0008'],
  ['bad date format', (t) => t.replace('creation_date = "2026/11/03"', 'creation_date = "2026-11-03"'),
    'bad.toml:2:1: metadata.creation_date: expected a date written YYYY/MM/DD'],
  ['version is forbidden (it comes from the version lock)', (t) => t.replace('severity = "medium"', 'severity = "medium"\nversion = 3'),
    'bad.toml:15:1: rule.version: version is not allowed in a rule file; it comes from the version lock (use [rule.vigil] version)'],
  ['eql type needs language eql', (t) => t.replace('language = "eql"', 'language = "kuery"'),
    'bad.toml:16:1: rule.language: an eql rule needs language = "eql"'],
  ['TOML syntax error carries line and column', (t) => t.replace('name = "Test rule"', 'name = '),
    'bad.toml:11:8: invalid value'],
  ['stage must be positive in vigil mappings', (t) => `${t}\n[[rule.vigil.severity_mapping]]\nstage = 0\nfield = "process.name"\noperator = "equals"\nvalue = "x"\nseverity = "high"\n`,
    'bad.toml:35:1: rule.vigil.severity_mapping[0].stage: Too small: expected number to be >=1'],
]

for (const [name, edit, expected] of BAD) {
  test(`schema error: ${name}`, () => {
    const r = parseRuleText(edit(GOOD), 'bad.toml')
    assert.equal(r.ok, false)
    if (r.ok) return
    assert.ok(r.errors.map(renderRuleError).includes(expected), `got:\n${r.errors.map(renderRuleError).join('\n')}`)
  })
}

test('unknown keys are warnings with their line, and do not stop the rule', () => {
  const r = parseRuleText(GOOD.replace('severity = "medium"', 'severity = "medium"\nseverty = "high"'), 'w.toml')
  assert.ok(r.ok)
  assert.deepEqual(r.warnings.map(renderRuleError), ['w.toml:15:1: rule.severty: unknown key (ignored)'])
})

test('risk score outside its severity range is a warning (repository convention)', () => {
  const r = parseRuleText(GOOD.replace('risk_score = 47', 'risk_score = 73'), 'w.toml')
  assert.ok(r.ok)
  assert.match(r.warnings.map(renderRuleError).join('\n'), /w\.toml:12:1: rule\.risk_score: risk_score 73 is outside 22-47/)
})

test('__proto__ and constructor keys are plain data', () => {
  const r = parseRuleText(GOOD.replace('[rule]\n', '[rule]\n"__proto__" = "x"\nconstructor = 1\n'), 'p.toml')
  assert.ok(r.ok)
  assert.deepEqual(r.warnings.map((w) => w.field), ['rule.__proto__', 'rule.constructor'])
  assert.equal(({} as { x?: unknown }).x, undefined)
})

test('line index: arrays of tables, dotted keys, multi-line strings', () => {
  const text = [
    '[a]', 'x = """', 'y = 1', '"""', 'z = 2',
    '[[a.b]]', 'k = 1', '[[a.b]]', 'k = 2', '[a.b.c]', 'm = "q = 3"',
    "q = '''", 'text', "'''",
  ].join('\n')
  const lines = indexTomlLines(text)
  assert.equal(lines.locate(['a', 'z'])?.position.line, 5)
  // `y = 1` is inside a multi-line string: not a key, so only the table is found.
  assert.deepEqual(lines.locate(['a', 'y']), { position: { line: 1, column: 1 }, isExact: false })
  assert.equal(lines.locate(['a', 'b', 1, 'k'])?.position.line, 9)
  assert.equal(lines.locate(['a', 'b', 1, 'c', 'm'])?.position.line, 11)
  assert.equal(lines.locate(['a', 'b', 0, 'missing'])?.position.line, 6)
  assert.deepEqual(lines.valueStart(['a', 'b', 1, 'c', 'q']), { line: 13, column: 1, isLiteral: true })
})

test('a byte-order mark and CRLF line ends are accepted; positions stay right', () => {
  const crlf = '\ufeff' + GOOD.replace(/\n/g, '\r\n')
  const r = parseRuleText(crlf, 'crlf.toml')
  assert.ok(r.ok, JSON.stringify(r))
  const bad = parseRuleText(crlf.replace('severity = "medium"', 'severity = "urgent"'), 'crlf.toml')
  assert.equal(bad.ok, false)
  if (!bad.ok) assert.match(renderRuleError(bad.errors[0]!), /^crlf\.toml:14:1: rule\.severity: /)
})

// `vigil rules validate|test|list|show` as a user runs them.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, cpSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { vigil } from './run.js'

test('rules list: the bundled catalogue', async () => {
  const r = await vigil(['rules', 'list'])
  assert.equal(r.code, 0, r.stderr)
  const lines = r.stdout.trimEnd().split('\n')
  assert.match(lines[0], /^id +name +severity +type +tactics$/)
  assert.equal(lines.length, 3)
  assert.match(r.stdout, /Incoming Execution via WinRM Remote Shell +medium\+ +eql sequence +Lateral Movement/)
  assert.match(r.stdout, /WMIC Remote Command +low +eql +Lateral Movement, Execution/)
  const json = await vigil(['rules', 'list', '--json'])
  assert.deepEqual(json.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { name: string }).name), ['Incoming Execution via WinRM Remote Shell', 'WMIC Remote Command'])
})

test('rules show: by name (any case) or id, with query and guide; unknown → exit 2', async () => {
  const [byName, byGlob, missing] = await Promise.all([
    vigil(['rules', 'show', 'wmic remote command']),
    vigil(['rules', 'show', 'winrm']),
    vigil(['rules', 'show', 'no-such-rule']),
  ])
  assert.equal(byName.code, 0)
  assert.match(byName.stdout, /^# WMIC Remote Command\n/)
  assert.match(byName.stdout, /```eql\nprocess where host\.os\.type == "windows"/)
  assert.match(byName.stdout, /## Goal/)
  assert.match(byName.stdout, /## Validation/)
  assert.match(byGlob.stdout, /escalates to high/)
  const id = /rule_id: `([0-9a-f-]+)`/.exec(byGlob.stdout)?.[1]
  assert.ok(id)
  const byId = await vigil(['rules', 'show', id])
  assert.equal(byId.stdout, byGlob.stdout)
  assert.equal(missing.code, 2)
  assert.match(missing.stderr, /no rule with id or name 'no-such-rule'/)
})

test('rules test: every bundled fixture passes; a failing fixture exits 1', async () => {
  const ok = await vigil(['rules', 'test'])
  assert.equal(ok.code, 0, ok.stdout + ok.stderr)
  assert.match(ok.stdout, /^PASS {2}Incoming Execution via WinRM Remote Shell/m)
  assert.match(ok.stdout, /^PASS {2}WMIC Remote Command/m)
  assert.doesNotMatch(ok.stdout, /FAIL/)
  assert.match(ok.stderr, /2 rule\(s\) passed, 0 failed, \d+ case\(s\)/)

  // A copy of the WMIC rule whose near-miss fixture now fires: the localhost exclusion is removed.
  const dir = mkdtempSync(join(tmpdir(), 'vigil-rt-'))
  cpSync('rules/windows/fixtures/wmic_remote_command', join(dir, 'fixtures', 'wmic_remote_command'), { recursive: true })
  const toml = readFileSync('rules/windows/wmic_remote_command.toml', 'utf8')
  const broken = toml.replace(/ and\s+not process\.args : \([^)]*\)/, '')
  assert.notEqual(broken, toml, 'the exclusion was found and removed')
  writeFileSync(join(dir, 'wmic_remote_command.toml'), broken)
  const bad = await vigil(['rules', 'test', dir])
  assert.equal(bad.code, 1, bad.stdout + bad.stderr)
  assert.match(bad.stdout, /^FAIL {2}WMIC Remote Command/m)
  assert.match(bad.stdout, /FAIL {2}silent +mixed +nm_localhost\.ndjson/)
  assert.match(bad.stdout, /expected no alert, got \d+/)
})

test('rules validate: every problem with file:line and field, exit 2; valid rules exit 0', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-rv-'))
  mkdirSync(join(dir, 'rules'))
  const toml = readFileSync('rules/windows/wmic_remote_command.toml', 'utf8')
  writeFileSync(join(dir, 'rules', 'bad_severity.toml'), toml.replace(/^severity = "low"/m, 'severity = "severe"'))
  writeFileSync(join(dir, 'rules', 'bad_query.toml'), toml
    .replace(/^rule_id = "[^"]+"/m, 'rule_id = "00000000-0000-4000-8000-000000000001"')
    .replace(/process where host\.os\.type == "windows"/, 'process where host.os.type == "windows" and lenght(process.name) > 2'))
  writeFileSync(join(dir, 'rules', 'kql.toml'), toml
    .replace(/^rule_id = "[^"]+"/m, 'rule_id = "00000000-0000-4000-8000-000000000002"')
    .replace(/^type = "eql"/m, 'type = "query"').replace(/^language = "eql"/m, 'language = "kuery"'))
  const [bad, good] = await Promise.all([vigil(['rules', 'validate', dir]), vigil(['rules', 'validate', 'rules/'])])
  assert.equal(bad.code, 2)
  const severityLine = toml.split('\n').findIndex((l) => l.startsWith('severity = ')) + 1
  assert.match(bad.stdout, new RegExp(`bad_severity\\.toml:${severityLine}(:\\d+)?: rule\\.severity: `))
  assert.match(bad.stdout, /bad_query\.toml:\d+(:\d+)?: (rule\.query: )?.*lenght/i)
  assert.match(bad.stderr, /3 rule file\(s\): 0 valid EQL rule\(s\), 2 invalid \(0\.0% of EQL rules load\); skipped: 1 kuery/)
  assert.equal(good.code, 0, good.stdout)
  assert.match(good.stderr, /2 valid EQL rule\(s\), 0 invalid \(100\.0% of EQL rules load\)/)
  const none = await vigil(['rules', 'validate'])
  assert.equal(none.code, 2)
})

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadRules } from './load.js'
import { runFixtures } from './fixtures.js'
import { missingAdsSections, renderGuide } from './guide.js'
import { renderRuleError } from './errors.js'

// A fixed clock: the example allowlist's expiry must not turn these tests over with the calendar.
const nowMs = Date.parse('2026-11-29T00:00:00Z')
const loaded = loadRules(['rules/windows'], { nowMs })
const byName = (name: string) => {
  const r = loaded.rules.find((x) => x.name === name)
  assert.ok(r, `${name} not loaded: ${loaded.errors.map(renderRuleError).join('\n')}`)
  return r
}

test('the bundled rules load with guides and fixtures', () => {
  assert.deepEqual(loaded.errors, [])
  assert.deepEqual(loaded.rules.map((r) => r.name).sort(), ['Incoming Execution via WinRM Remote Shell', 'WMIC Remote Command'])
  assert.deepEqual(loaded.skipped.map((s) => [s.file, s.reason]), [['rules/windows/allowlist.example.toml', 'not-a-rule']])
  for (const r of loaded.rules) {
    assert.ok(r.guidePath?.endsWith('.md'))
    assert.ok(r.fixturesDir?.includes('fixtures'))
  }
})

for (const name of ['WMIC Remote Command', 'Incoming Execution via WinRM Remote Shell']) {
  test(`${name}: every fixture passes, with a true positive per source`, () => {
    const report = runFixtures(byName(name), { nowMs })
    const failed = report.cases.filter((c) => !c.passed).map((c) => `${c.file}: ${c.problems.join('; ')}`)
    assert.deepEqual(failed, [])
    assert.deepEqual(report.errors, [])
    assert.deepEqual(report.missingSources, [])
    assert.ok(report.passed)
    assert.ok(report.cases.some((c) => c.expect === 'silent') && report.cases.some((c) => c.expect === 'fire'))
  })
}

test('WinRM: escalated to high/73 for cmd.exe, powershell.exe, mimikatz.exe children; medium/47 otherwise', () => {
  const report = runFixtures(byName('Incoming Execution via WinRM Remote Shell'), { nowMs })
  const sev = Object.fromEntries(report.cases.filter((c) => c.expect === 'fire').map((c) => [c.file, `${c.severities.join()}/${c.riskScores.join()}`]))
  assert.equal(sev['tp_sysmon_cmd.ndjson'], 'high/73')
  assert.equal(sev['tp_security_powershell.ndjson'], 'high/73')
  assert.equal(sev['tp_defend_mimikatz.ndjson'], 'high/73')
  assert.equal(sev['tp_defend_ipconfig.ndjson'], 'medium/47')
  const silent = report.cases.filter((c) => c.expect === 'silent').map((c) => c.file).sort()
  assert.deepEqual(silent, [
    'nm_allowlisted_admin_subnet.ndjson', 'nm_allowlisted_ansible.ndjson', 'nm_child_before_connection.ndjson',
    'nm_child_other_host.ndjson', 'nm_conhost.ndjson', 'nm_loopback.ndjson', 'nm_network_too_early.ndjson',
    'nm_not_pid4.ndjson', 'nm_outgoing.ndjson', 'nm_wsmprovhost_parent.ndjson',
  ])
})

test('the allowlisted near misses do fire without the allowlist (so the allowlist is what silences them)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-fixtures-'))
  try {
    for (const [name, files] of [
      ['Incoming Execution via WinRM Remote Shell', ['nm_allowlisted_admin_subnet.ndjson', 'nm_allowlisted_ansible.ndjson']],
      ['WMIC Remote Command', ['nm_allowlisted_account.ndjson']],
    ] as const) {
      const rule = byName(name)
      const sub = join(dir, rule.ruleId)
      mkdirSync(sub)
      const cases = files.map((f) => {
        writeFileSync(join(sub, f), readFileSync(join(rule.fixturesDir ?? '', f)))
        return `[[case]]\nfile = "${f}"\nsource = "mixed"\nexpect = "fire"\ndescription = "no allowlist"\n`
      })
      writeFileSync(join(sub, 'manifest.toml'), cases.join('\n'))
      const report = runFixtures({ ...rule, fixturesDir: sub }, { nowMs })
      assert.ok(report.passed, JSON.stringify(report.cases))
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('a wrong expectation fails, and manifest errors name file, line and field', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-fixtures-'))
  try {
    const rule = byName('Incoming Execution via WinRM Remote Shell')
    writeFileSync(join(dir, 'a.ndjson'), readFileSync(join(rule.fixturesDir ?? '', 'tp_sysmon_cmd.ndjson')))
    writeFileSync(join(dir, 'manifest.toml'), '[[case]]\nfile = "a.ndjson"\nsource = "sysmon"\nexpect = "fire"\nseverity = "medium"\ndescription = "wrong"\n' +
      '[[case]]\nfile = "a.ndjson"\nsource = "sysmon"\nexpect = "silent"\ndescription = "wrong too"\n')
    const report = runFixtures({ ...rule, fixturesDir: dir }, { nowMs })
    assert.equal(report.passed, false)
    assert.deepEqual(report.cases.map((c) => c.problems), [['expected severity medium, got high'], ['expected no alert, got 1 (high)']])

    writeFileSync(join(dir, 'manifest.toml'), '[[case]]\nfile = "a.ndjson"\nsource = "syslog"\nexpect = "fire"\ndescription = "x"\n')
    const bad = runFixtures({ ...rule, fixturesDir: dir }, { nowMs })
    assert.equal(bad.passed, false)
    assert.match(bad.errors.map(renderRuleError).join('\n'), /manifest\.toml:3: case\[0\]\.source: Invalid option/)

    writeFileSync(join(dir, 'manifest.toml'), '[[case]]\nfile = "b.ndjson"\nsource = "sysmon"\nexpect = "fire"\ndescription = "x"\n')
    writeFileSync(join(dir, 'b.ndjson'), '{"a":1}\n{oops\n')
    const badEvents = runFixtures({ ...rule, fixturesDir: dir }, { nowMs })
    assert.match(badEvents.errors.map(renderRuleError).join('\n'), /b\.ndjson:2: /)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('guides follow the ADS sections and carry the seed documents\' validation commands', () => {
  for (const rule of loaded.rules) {
    const md = readFileSync(rule.guidePath ?? '', 'utf8')
    assert.deepEqual(missingAdsSections(md), [], rule.name)
  }
  assert.ok(readFileSync(byName('WMIC Remote Command').guidePath ?? '', 'utf8').includes('wmic /node:192.168.1.20 process call create "calc.exe"'))
  assert.ok(readFileSync(byName('Incoming Execution via WinRM Remote Shell').guidePath ?? '', 'utf8')
    .includes('Invoke-Command -ComputerName target01 -ScriptBlock { whoami } -Credential domain\\user'))
  assert.deepEqual(missingAdsSections('## Goal\n## Response\n'), ['Categorization', 'Strategy Abstract', 'Technical Context',
    'Blind Spots and Assumptions', 'False Positives', 'Validation', 'Priority'])
})

test('renderGuide: facts, escalation, MITRE mapping, query, then the guide', () => {
  const text = renderGuide(byName('Incoming Execution via WinRM Remote Shell'))
  assert.match(text, /^# Incoming Execution via WinRM Remote Shell\n/)
  assert.match(text, /- severity: medium, risk score 47/)
  assert.match(text, /- escalates to high \(risk 73\) when stage 2 has process\.name matches "cmd\.exe"/)
  assert.match(text, /- MITRE ATT&CK: Lateral Movement \(TA0008\) → T1021, T1021\.006/)
  assert.match(text, /```eql\nsequence by host\.id with maxspan=30s/)
  assert.match(text, /## Blind Spots and Assumptions/)
})

test('renderFixtureReport and ruleSummary', async () => {
  const { renderFixtureReport } = await import('./fixtures.js')
  const { ruleSummary } = await import('./catalog.js')
  const winrm = byName('Incoming Execution via WinRM Remote Shell')
  const text = renderFixtureReport(runFixtures(winrm, { nowMs }))
  assert.match(text, /^PASS Incoming Execution via WinRM Remote Shell \(5b7c1c6e-3f0a-4d2b-9a63-0d8e4c1f7a21\)\n/)
  assert.match(text, /  ok   fires  sysmon   tp_sysmon_cmd\.ndjson — .* \[1 × high\]/)
  assert.match(text, /  ok   silent sysmon   nm_conhost\.ndjson — .* \[silent\]/)
  assert.deepEqual(ruleSummary(winrm), {
    ruleId: '5b7c1c6e-3f0a-4d2b-9a63-0d8e4c1f7a21', name: 'Incoming Execution via WinRM Remote Shell', version: 1,
    severity: 'medium', riskScore: 47, queryKind: 'sequence', isBuildingBlock: false, escalations: ['high'],
    tactics: ['TA0008'], techniques: ['T1021', 'T1021.006'], hasGuide: true, hasFixtures: true, file: winrm.file,
  })
  assert.deepEqual(ruleSummary(byName('WMIC Remote Command')).tactics, ['TA0008', 'TA0002'])
})

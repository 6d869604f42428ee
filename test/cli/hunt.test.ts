// `vigil hunt` end to end over the bundled samples: alerts, every output format parsed back, filters,
// exit codes, cross-file sequences and no progress bar off a terminal.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { vigil } from './run.js'
import { parseCsv } from '../../src/report/fixtures.test-helpers.js'

const WINRM = 'Incoming Execution via WinRM Remote Shell'
const WMIC = 'WMIC Remote Command'
/** The bundled samples' alerts (samples/README.md): rule, severity, host. */
const EXPECTED = [
  [WMIC, 'low', 'WS01.corp.example'],
  [WMIC, 'low', 'SRV01.corp.example'],
  [WINRM, 'high', 'SRV01.corp.example'],
  [WINRM, 'medium', 'srv02.corp.example'],
  [WINRM, 'high', 'SRV03'],
].map((x) => x.join(' | ')).sort()

type Doc = Record<string, unknown>
const hostName = (d: Doc): string => String((d.host as { name?: string } | undefined)?.name ?? d['host.name'])
const topLevel = (docs: readonly Doc[]): Doc[] => docs.filter((d) => d['kibana.alert.group.index'] === undefined)
const triples = (docs: readonly Doc[]): string[] =>
  topLevel(docs).map((d) => [d['kibana.alert.rule.name'], d['kibana.alert.severity'], hostName(d)].join(' | ')).sort()
const ndjson = (text: string): Doc[] => text.trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Doc)

test('table: both seed detections on the bundled samples, summary on stderr, exit 1', async () => {
  const r = await vigil(['hunt', 'samples/'])
  assert.equal(r.code, 1, r.stderr)
  const titles = r.stdout.split('\n').filter((l) => /^(LOW|MEDIUM|HIGH|CRITICAL) /.test(l))
  assert.deepEqual(titles, [`HIGH  ${WINRM}  (2 alerts)`, `MEDIUM  ${WINRM}  (1 alert)`, `LOW  ${WMIC}  (2 alerts)`])
  assert.match(r.stdout, /5 alerts: high 2, medium 1, low 2\n$/)
  assert.match(r.stdout, /SRV01\.corp\.example +CORP\\mallory +ingress 10\.20\.30\.15:50963 → 10\.20\.30\.40:5985 \(System\) ⇒ cmd\.exe/)
  // Summary: events per source and code, rules, alerts by rule and severity, rate; no progress bar off a TTY.
  assert.match(r.stderr, /^vigil: 33 events from 4 file\(s\) in [\d.]+s \(\d+ events\/s\)/)
  assert.match(r.stderr, /\n +13 {2}Microsoft-Windows-Sysmon \/ 1\n/)
  assert.match(r.stderr, /\n +6 {2}Microsoft-Windows-Security-Auditing \/ 4688\n/)
  assert.match(r.stderr, /\n +2 {2}endpoint\.events\.network \/ connection_accepted\n/)
  assert.match(r.stderr, /alerts: 5 \(high 2, medium 1, low 2\)/)
  assert.match(r.stderr, /high +2 {2}Incoming Execution via WinRM Remote Shell/)
  assert.ok(!r.stderr.includes('\r') && !r.stderr.includes('\x1b['), 'no progress bar or escapes when stderr is not a TTY')
  assert.ok(!r.stdout.includes('\x1b['), 'no colour when stdout is not a TTY')
})

test('json and ndjson: exact alerts, sequence shells with their building blocks, deterministic ids', async () => {
  const [j, n] = await Promise.all([vigil(['hunt', 'samples/', '--format', 'json']), vigil(['hunt', 'samples/', '--format', 'ndjson', '--no-summary'])])
  assert.equal(j.code, 1)
  const doc = JSON.parse(j.stdout) as { alerts_total: number; by_severity: Record<string, number>; alerts: Doc[] }
  assert.equal(doc.alerts_total, 5)
  assert.deepEqual(doc.by_severity, { low: 2, medium: 1, high: 2, critical: 0 })
  assert.deepEqual(triples(doc.alerts), EXPECTED)
  const lines = ndjson(n.stdout)
  assert.equal(n.stderr, '', '--no-summary leaves stderr empty')
  assert.deepEqual(triples(lines), EXPECTED)
  // 2 single-event alerts + 3 sequences × (shell + 2 building blocks).
  assert.equal(lines.length, 11)
  for (const shell of lines.filter((d) => d['kibana.alert.rule.name'] === WINRM && d['kibana.alert.group.index'] === undefined)) {
    const members = lines.filter((d) => d['kibana.alert.group.id'] === shell['kibana.alert.uuid'] && d['kibana.alert.group.index'] !== undefined)
    assert.deepEqual(members.map((m) => m['kibana.alert.group.index']).sort(), [0, 1])
    assert.ok(members.every((m) => m['kibana.alert.building_block_type'] === 'default'))
  }
  const escalated = lines.find((d) => hostName(d) === 'SRV01.corp.example' && d['kibana.alert.severity'] === 'high')
  assert.ok(escalated)
  assert.equal(escalated['kibana.alert.risk_score'], 73)
  // The SRV01 sequence spans two files: Sysmon (network) and Security (process).
  const files = (escalated['vigil.alert.sources'] as { file: string }[]).map((s) => s.file)
  assert.deepEqual(files, ['samples/sysmon-ws01-srv01.jsonl', 'samples/security-srv01.xml'])
  assert.deepEqual(lines.map((d) => d['kibana.alert.uuid']), doc.alerts.map((d) => d['kibana.alert.uuid']), 'same input → same ids')
})

test('csv: RFC 4180 with one row per alert', async () => {
  const r = await vigil(['hunt', 'samples/', '--format', 'csv'])
  assert.equal(r.code, 1)
  assert.ok(r.stdout.includes('\r\n'))
  const rows = parseCsv(r.stdout)
  const head = rows[0]
  assert.deepEqual(head.slice(0, 6), ['datetime', 'rule_name', 'severity', 'risk_score', 'host', 'user'])
  const body = rows.slice(1).map((row) => [row[1], row[2], row[4]].join(' | ')).sort()
  assert.deepEqual(body, EXPECTED)
  const srv03 = rows.find((row) => row[4] === 'SRV03')
  assert.ok(srv03)
  assert.match(srv03[head.indexOf('what')], /powershell\.exe -NoP -W Hidden -C "Invoke-WebRequest/)
})

test('navigator: ATT&CK layer 4.5 scored by alert count, written with -o', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-nav-'))
  const out = join(dir, 'layer.json')
  const r = await vigil(['hunt', 'samples/', '--format', 'navigator', '-o', out, '--no-summary'])
  assert.equal(r.code, 1)
  assert.equal(r.stdout, '', 'the report went to the -o file')
  const layer = JSON.parse(readFileSync(out, 'utf8')) as { versions: { layer: string; attack: string; navigator: string }; domain: string; name: string; techniques: { techniqueID: string; tactic: string; score: number; enabled: boolean }[]; gradient: { maxValue: number } }
  assert.equal(layer.versions.layer, '4.5')
  assert.equal(layer.domain, 'enterprise-attack')
  assert.equal(typeof layer.name, 'string')
  assert.deepEqual(layer.techniques.map((t) => [t.techniqueID, t.tactic, t.score]), [
    ['T1021', 'lateral-movement', 5], ['T1021.006', 'lateral-movement', 3], ['T1047', 'execution', 2],
  ])
  assert.equal(layer.gradient.maxValue, 5)
})

test('html: self-contained report lists every alert', async () => {
  const r = await vigil(['hunt', 'samples/', '--format', 'html', '--no-summary'])
  assert.equal(r.code, 1)
  assert.match(r.stdout, /^<!doctype html>/)
  assert.equal((r.stdout.match(/<tr data-severity=/g) ?? []).length, 5)
  assert.ok(!/(src|href)="(?!#|https?:)/.test(r.stdout), 'no external or relative assets')
  assert.ok(r.stdout.includes('<h5>Goal</h5>') || r.stdout.includes('Goal</h'), 'rule guides rendered')
})

test('filters: --min-severity keeps escalated sequences with their members', async () => {
  const r = await vigil(['hunt', 'samples/', '--min-severity', 'high', '--format', 'ndjson'])
  assert.equal(r.code, 1)
  const docs = ndjson(r.stdout)
  assert.deepEqual(triples(docs), [`${WINRM} | high | SRV01.corp.example`, `${WINRM} | high | SRV03`])
  assert.equal(docs.length, 6, 'two shells and their four building blocks (medium by default) are kept')
  assert.match(r.stderr, /alerts: 2 \(high 2\)/)
})

test('filters: --rule glob and --from/--to', async () => {
  const [byRule, byTime] = await Promise.all([
    vigil(['hunt', 'samples/', '--rule', 'wmic*', '--format', 'json']),
    vigil(['hunt', 'samples/', '--from', '2026-11-03T10:00:00Z', '--to', '2026-11-03T12:59:59Z', '--format', 'json']),
  ])
  assert.deepEqual(triples((JSON.parse(byRule.stdout) as { alerts: Doc[] }).alerts), [`${WMIC} | low | SRV01.corp.example`, `${WMIC} | low | WS01.corp.example`])
  assert.match(byRule.stderr, /rules: 1 running/)
  assert.deepEqual(triples((JSON.parse(byTime.stdout) as { alerts: Doc[] }).alerts), [
    `${WINRM} | high | SRV01.corp.example`, `${WINRM} | medium | srv02.corp.example`, `${WMIC} | low | SRV01.corp.example`,
  ])
  assert.match(byTime.stderr, /events outside --from\/--to \(not hunted\): 13/)
})

test('inputs: a sequence spanning two files is found whatever the file order; one half alone is not', async () => {
  const both = ['samples/security-srv01.xml', 'samples/sysmon-ws01-srv01.jsonl']
  const [forward, reverse, alone] = await Promise.all([
    vigil(['hunt', ...both, '--format', 'json', '--rule', 'Incoming*']),
    vigil(['hunt', ...[...both].reverse(), '--format', 'json', '--rule', 'Incoming*']),
    vigil(['hunt', 'samples/security-srv01.xml', '--format', 'json', '--rule', 'Incoming*']),
  ])
  const expected = [`${WINRM} | high | SRV01.corp.example`]
  assert.deepEqual(triples((JSON.parse(forward.stdout) as { alerts: Doc[] }).alerts), expected)
  assert.deepEqual(triples((JSON.parse(reverse.stdout) as { alerts: Doc[] }).alerts), expected)
  assert.doesNotMatch(forward.stderr, /late events/, 'merging by time leaves no late events')
  assert.equal(alone.code, 0)
  assert.deepEqual((JSON.parse(alone.stdout) as { alerts: Doc[] }).alerts, [])
})

test('inputs: stdin and --exceptions allowlist', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-allow-'))
  const allow = join(dir, 'allow.toml')
  writeFileSync(allow, '[[allow]]\nname = "jump host"\nsource_subnets = ["10.20.30.16/32"]\n')
  const [stdin, allowed] = await Promise.all([
    vigil(['hunt', '-', '--format', 'json'], { input: readFileSync('samples/ecs-srv02.ndjson', 'utf8') }),
    vigil(['hunt', 'samples/', '--format', 'json', '--exceptions', allow]),
  ])
  assert.deepEqual(triples((JSON.parse(stdin.stdout) as { alerts: Doc[] }).alerts), [`${WINRM} | medium | srv02.corp.example`])
  const rest = triples((JSON.parse(allowed.stdout) as { alerts: Doc[] }).alerts)
  assert.deepEqual(rest, EXPECTED.filter((t) => !t.includes('srv02')))
})

test('exit codes: 0 without alerts, 0 with --no-exit-code, 2 on usage and rule errors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bad-'))
  const badRule = join(dir, 'bad.toml')
  writeFileSync(badRule, readFileSync('rules/windows/wmic_remote_command.toml', 'utf8').replace(/^severity = "low"/m, 'severity = "severe"'))
  const runs = await Promise.all([
    vigil(['hunt', 'samples/ecs-srv02.ndjson', '--rule', 'WMIC*']),
    vigil(['hunt', 'samples/', '--no-exit-code', '--no-summary']),
    vigil(['hunt', 'samples/', '--format', 'xlsx']),
    vigil(['hunt', 'samples/', '--from', 'yesterday']),
    vigil(['hunt', 'samples/', '--rules', join(dir, 'missing')]),
    vigil(['hunt', 'samples/', '--rules', badRule]),
    vigil(['hunt', 'samples/', '--rule', 'no such rule']),
    vigil(['hunt', 'samples/', '--lateness', 'soon']),
  ])
  assert.deepEqual(runs.map((r) => r.code), [0, 0, 2, 2, 2, 2, 2, 2], runs.map((r) => r.stderr).join('\n---\n'))
  assert.match(runs[0].stdout, /^No alerts\.\n$/)
  assert.match(runs[3].stderr, /--from: expected an ISO 8601 time/)
  assert.match(runs[5].stderr, /bad\.toml:\d+(:\d+)?: rule\.severity: /)
  assert.match(runs[6].stderr, /no rule matches --rule no such rule/)
})

test('help documents the exit codes and the reorder window', async () => {
  const r = await vigil(['hunt', '--help'])
  assert.equal(r.code, 0)
  assert.match(r.stdout, /Exit codes: 0 no alerts, 1 alerts found/)
  assert.match(r.stdout, /--lateness <duration>/)
})

test('building-block rules: not run by default (said in the summary), run with --include-building-blocks', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bbr-'))
  const toml = readFileSync('rules/windows/wmic_remote_command.toml', 'utf8')
    .replace(/^rule_id = "[^"]+"/m, 'rule_id = "00000000-0000-4000-8000-0000000000bb"')
    .replace(/^name = "[^"]+"/m, 'name = "WMIC Remote Command (building block)"')
    .replace(/^\[rule\]$/m, '[rule]\nbuilding_block_type = "default"')
  writeFileSync(join(dir, 'bbr.toml'), toml)
  const [hidden, shown] = await Promise.all([
    vigil(['hunt', 'samples/', '--rules', dir, '--format', 'json']),
    vigil(['hunt', 'samples/', '--rules', dir, '--format', 'json', '--include-building-blocks']),
  ])
  assert.deepEqual(triples((JSON.parse(hidden.stdout) as { alerts: Doc[] }).alerts), EXPECTED)
  assert.match(hidden.stderr, /building-block rules not run: 1 \(--include-building-blocks runs them\)/)
  const all = (JSON.parse(shown.stdout) as { alerts: Doc[] }).alerts
  const bbr = all.filter((d) => d['kibana.alert.rule.name'] === 'WMIC Remote Command (building block)')
  assert.equal(bbr.length, 2)
  assert.ok(bbr.every((d) => d['kibana.alert.rule.building_block_type'] === 'default'))
})

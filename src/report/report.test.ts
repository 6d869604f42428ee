import { test } from 'node:test'
import assert from 'node:assert/strict'
import { renderCsv, renderJson, renderNdjson, buildNavigatorLayer, renderTable, renderHtml, csvCell, tacticShortName, jsonForScript, groupAlerts } from './index.js'
import { parseCsv, sampleReport } from './fixtures.test-helpers.js'

test('groupAlerts folds building blocks under their shell, in stage order', () => {
  const groups = groupAlerts(sampleReport().alerts)
  assert.deepEqual(groups.map((g) => [g.alert['kibana.alert.uuid'], g.members.map((m) => m['kibana.alert.uuid'])]), [
    ['seq1', ['seq1-0', 'seq1-1']], ['seq2', ['seq2-0', 'seq2-1']], ['wmic1', []],
  ])
})

test('csv: RFC 4180, one row per alert, formula cells neutralised', () => {
  const text = renderCsv(sampleReport())
  assert.ok(text.endsWith('\r\n'))
  const rows = parseCsv(text)
  assert.equal(rows.length, 4)
  const head = rows[0]
  const col = (r: string[], name: string) => r[head.indexOf(name)]
  assert.deepEqual(rows.slice(1).map((r) => [col(r, 'rule_name'), col(r, 'severity'), col(r, 'host')]), [
    ['Incoming Execution via WinRM Remote Shell', 'high', 'WS01.corp.example'],
    ['Incoming Execution via WinRM Remote Shell', 'medium', 'SRV02.corp.example'],
    ['WMIC Remote Command', 'low', 'WS01.corp.example'],
  ])
  assert.equal(col(rows[1], 'members'), '2')
  assert.match(col(rows[1], 'what'), /10\.0\.0\.5:50963 → 10\.0\.0\.6:5985.*⇒ cmd\.exe \/c ipconfig \/all ← winrshost\.exe/)
  assert.equal(col(rows[1], 'techniques'), 'T1021; T1021.006')
  assert.equal(col(rows[3], 'user'), 'bob')
  for (const [input, expected] of [['=1+1', `"'=1+1"`], ['+x', `"'+x"`], ['-2', `"'-2"`], ['@SUM(A1)', `"'@SUM(A1)"`], ['\tx', `"'\tx"`], ['a,b', '"a,b"'], ['say "hi"', '"say ""hi"""'], ['plain', 'plain'], ['', '']]) {
    assert.equal(csvCell(input), expected, input)
  }
})

test('json and ndjson parse back with every alert document', () => {
  const input = sampleReport()
  const doc = JSON.parse(renderJson(input)) as { alerts_total: number; by_severity: Record<string, number>; alerts: unknown[]; by_rule: { name: string; count: number }[] }
  assert.equal(doc.alerts_total, 3)
  assert.deepEqual(doc.by_severity, { low: 1, medium: 1, high: 1, critical: 0 })
  assert.equal(doc.alerts.length, 7)
  assert.deepEqual(doc.by_rule.map((r) => [r.name, r.count]), [['Incoming Execution via WinRM Remote Shell', 2], ['WMIC Remote Command', 1]])
  const lines = renderNdjson(input.alerts).trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
  assert.deepEqual(lines.map((l) => l['kibana.alert.uuid']), input.alerts.map((a) => a['kibana.alert.uuid']))
})

test('navigator layer: v4.5 fields, techniques scored by alert count per tactic', () => {
  const layer = buildNavigatorLayer(sampleReport())
  assert.equal(layer.versions.layer, '4.5')
  assert.equal(layer.domain, 'enterprise-attack')
  const scores = layer.techniques.map((t) => [t.techniqueID, t.tactic, t.score])
  assert.deepEqual(scores, [
    ['T1021', 'lateral-movement', 3], ['T1021.006', 'lateral-movement', 3], ['T1047', 'execution', 1],
  ])
  assert.equal(layer.gradient.maxValue, 3)
  assert.equal(tacticShortName('Command and Control'), 'command-and-control')
  assert.equal(tacticShortName('Privilege Escalation'), 'privilege-escalation')
})

test('table: grouped by severity then rule, fits the width, no control characters from events', () => {
  const out = renderTable(sampleReport(), { color: false, width: 80 })
  const lines = out.trimEnd().split('\n')
  for (const l of lines) assert.ok([...l].length <= 80, `too wide: ${l}`)
  assert.ok(!out.includes('\x1b'), 'no escapes without colour')
  const titles = lines.filter((l) => /^(LOW|MEDIUM|HIGH|CRITICAL) /.test(l))
  assert.deepEqual(titles, [
    'HIGH  Incoming Execution via WinRM Remote Shell  (1 alert)',
    'MEDIUM  Incoming Execution via WinRM Remote Shell  (1 alert)',
    'LOW  WMIC Remote Command  (1 alert)',
  ])
  assert.equal(lines.at(-1), '3 alerts: high 1, medium 1, low 1')
  const coloured = renderTable(sampleReport(), { color: true, width: 200 })
  assert.ok(coloured.includes('\x1b[31mHIGH'))
  assert.equal(renderTable({ ...sampleReport(), alerts: [] }, { color: false }), 'No alerts.\n')
})

test('html: escaped values, strict CSP, JSON data block cannot be closed early', () => {
  const html = renderHtml(sampleReport())
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;sha256-[A-Za-z0-9+/=]+&#39;; script-src &#39;sha256-/)
  assert.ok(!html.includes('<script>alert(1)'), 'event text must be escaped')
  assert.ok(!html.includes('javascript:'), 'unsafe links dropped')
  assert.ok(html.includes('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;'))
  const data = /<script type="application\/json" id="vigil-alerts">([\s\S]*?)<\/script>/.exec(html)
  assert.ok(data)
  assert.equal((JSON.parse(data[1]) as unknown[]).length, 7)
  assert.equal(jsonForScript({ a: '</script><!--' }), '{"a":"\\u003c/script\\u003e\\u003c!--"}')
  assert.equal((html.match(/<tr data-severity=/g) ?? []).length, 3)
  assert.ok(html.includes('<h5>Goal</h5>'))
  assert.ok(html.includes('<circle class="dot-high"'))
})

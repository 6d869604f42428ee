// Alert documents shaped like the alerts module builds them, for report tests.
import type { Alert, AlertThreat, Severity } from '../alerts/index.js'
import type { ReportInput } from './types.js'

const LATERAL: AlertThreat = {
  framework: 'MITRE ATT&CK',
  tactic: { id: 'TA0008', name: 'Lateral Movement', reference: 'https://attack.mitre.org/tactics/TA0008/' },
  technique: [{
    id: 'T1021', name: 'Remote Services', reference: 'https://attack.mitre.org/techniques/T1021/',
    subtechnique: [{ id: 'T1021.006', name: 'Windows Remote Management', reference: 'https://attack.mitre.org/techniques/T1021/006/' }],
  }],
}
const EXECUTION: AlertThreat = {
  framework: 'MITRE ATT&CK',
  tactic: { id: 'TA0002', name: 'Execution', reference: 'https://attack.mitre.org/tactics/TA0002/' },
  technique: [{ id: 'T1047', name: 'Windows Management Instrumentation', reference: 'https://attack.mitre.org/techniques/T1047/' }],
}

interface Spec {
  readonly id: string
  readonly rule: 'winrm' | 'wmic'
  readonly severity: Severity
  readonly time: string
  readonly fields: Record<string, unknown>
  readonly group?: { readonly id: string; readonly index?: number }
}

export function makeAlert(s: Spec): Alert {
  const winrm = s.rule === 'winrm'
  const alert: Alert = {
    '@timestamp': '2026-11-29T00:00:00.000Z',
    'kibana.alert.uuid': s.id,
    'kibana.alert.status': 'active',
    'kibana.alert.workflow_status': 'open',
    'kibana.alert.severity': s.severity,
    'kibana.alert.risk_score': s.severity === 'high' ? 73 : s.severity === 'medium' ? 47 : 21,
    'kibana.alert.reason': `event on ${String((s.fields.host as { name?: string } | undefined)?.name ?? '?')} created ${s.severity} alert`,
    'kibana.alert.original_time': s.time,
    'kibana.alert.depth': 1,
    'kibana.alert.ancestors': [],
    'kibana.alert.rule.uuid': winrm ? '1cd01db9-be24-4bef-8e7c-e923f0ff78ab' : 'f59668de-caa0-4b84-94c1-3a1549e1e798',
    'kibana.alert.rule.rule_id': winrm ? '1cd01db9-be24-4bef-8e7c-e923f0ff78ab' : 'f59668de-caa0-4b84-94c1-3a1549e1e798',
    'kibana.alert.rule.name': winrm ? 'Incoming Execution via WinRM Remote Shell' : 'WMIC Remote Command',
    'kibana.alert.rule.version': 1,
    'kibana.alert.rule.type': 'eql',
    'kibana.alert.rule.description': 'test',
    'kibana.alert.rule.severity': winrm ? 'medium' : 'low',
    'kibana.alert.rule.risk_score': winrm ? 47 : 21,
    'kibana.alert.rule.tags': [],
    'kibana.alert.rule.threat': winrm ? [LATERAL] : [LATERAL, EXECUTION],
    'kibana.alert.rule.references': [],
    'kibana.alert.rule.false_positives': [],
    'vigil.alert.sources': [{ file: 'samples/x.ndjson', line: 3 }],
    ...(s.group ? { 'kibana.alert.group.id': s.group.id } : {}),
    ...(s.group?.index !== undefined ? { 'kibana.alert.group.index': s.group.index, 'kibana.alert.building_block_type': 'default' as const } : {}),
    ...s.fields,
  }
  return alert
}

const host1 = { name: 'WS01.corp.example', id: 'h-1', os: { type: 'windows' } }
const host2 = { name: 'SRV02.corp.example', id: 'h-2', os: { type: 'windows' } }

/** A WinRM sequence escalated to high (shell + 2 members), a medium one, and a WMIC alert with hostile text. */
export function sampleReport(): ReportInput {
  const alerts: Alert[] = [
    makeAlert({ id: 'seq1', rule: 'winrm', severity: 'high', time: '2026-11-03T10:15:01.000Z', fields: { host: host1 }, group: { id: 'seq1' } }),
    makeAlert({ id: 'seq1-0', rule: 'winrm', severity: 'medium', time: '2026-11-03T10:15:01.000Z', group: { id: 'seq1', index: 0 },
      fields: { host: host1, event: { category: ['network'] }, network: { direction: 'ingress' }, source: { ip: '10.0.0.5', port: 50963 }, destination: { ip: '10.0.0.6', port: 5985 }, process: { pid: 4 } } }),
    makeAlert({ id: 'seq1-1', rule: 'winrm', severity: 'medium', time: '2026-11-03T10:15:03.000Z', group: { id: 'seq1', index: 1 },
      fields: { host: host1, event: { category: ['process'] }, user: { name: 'alice', domain: 'CORP' }, process: { name: 'cmd.exe', command_line: 'cmd.exe /c ipconfig /all', parent: { name: 'winrshost.exe' } } } }),
    makeAlert({ id: 'seq2', rule: 'winrm', severity: 'medium', time: '2026-11-03T11:00:00.000Z', fields: { host: host2 }, group: { id: 'seq2' } }),
    makeAlert({ id: 'seq2-1', rule: 'winrm', severity: 'medium', time: '2026-11-03T11:00:02.000Z', group: { id: 'seq2', index: 1 },
      fields: { host: host2, event: { category: ['process'] }, process: { name: 'whoami.exe', command_line: 'whoami.exe /all', parent: { name: 'winrshost.exe' } } } }),
    makeAlert({ id: 'seq2-0', rule: 'winrm', severity: 'medium', time: '2026-11-03T11:00:00.000Z', group: { id: 'seq2', index: 0 },
      fields: { host: host2, event: { category: ['network'] }, source: { ip: '10.0.0.9' }, destination: { port: 5986 } } }),
    makeAlert({ id: 'wmic1', rule: 'wmic', severity: 'low', time: '2026-11-03T09:00:00.000Z',
      fields: { host: host1, 'user.name': 'bob', event: { category: ['process'] },
        process: { name: 'WMIC.exe', command_line: '=cmd|\' /C calc\'!A0 </script><script>alert(1)</script> "quoted", \x1b[31mred', parent: { name: 'cmd.exe' } } } }),
  ]
  return {
    alerts,
    rules: [
      { id: '1cd01db9-be24-4bef-8e7c-e923f0ff78ab', name: 'Incoming Execution via WinRM Remote Shell', severity: 'medium', riskScore: 47, type: 'eql', description: 'WinRM <shell>', threat: [LATERAL], isBuildingBlock: false,
        guide: '## Goal\n\nDetect **WinRM** remote shells. <script>alert(1)</script>\n\n* [T1021](https://attack.mitre.org/techniques/T1021/)\n* [bad](javascript:alert(1))' },
      { id: 'f59668de-caa0-4b84-94c1-3a1549e1e798', name: 'WMIC Remote Command', severity: 'low', riskScore: 21, type: 'eql', description: 'WMIC', threat: [LATERAL, EXECUTION], isBuildingBlock: false },
    ],
    run: { generatedAt: '2026-11-29T00:00:00.000Z', inputs: ['samples/'], events: 42, files: 3, rules: 2, seconds: 0.5 },
  }
}

/** Minimal RFC 4180 parser (quoted fields, doubled quotes, CRLF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let inQuotes = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (inQuotes) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++ } else if (c === '"') inQuotes = false
      else cell += c
    } else if (c === '"') inQuotes = true
    else if (c === ',') { row.push(cell); cell = '' } else if (c === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++ } else cell += c
  }
  if (cell !== '' || row.length > 0) { row.push(cell); rows.push(row) }
  return rows
}

// A self-contained HTML report that opens offline: summary by severity, a per-host timeline of alerts
// (inline SVG), the alerts table with sequence members, and the investigation guide of every rule that
// fired. Every value from events or rules is HTML-escaped; guides go through the safe Markdown subset.
// A strict Content-Security-Policy allows only this file's own style and script (by hash), and the alert
// documents are embedded as a JSON data block with `<` escaped so no value can close the element.
import { createHash } from 'node:crypto'
import type { Alert, Severity } from '../alerts/index.js'
import type { AlertGroup, ReportInput, ReportRule } from './types.js'
import { SEVERITY_ORDER, severityRank } from './types.js'
import { alertTimeMs, compareGroups, eventSummary, groupAlerts, groupSummary, hostOf, userOf } from './group.js'
import { escapeHtml as esc, renderMarkdown } from './markdown.js'

const STYLE = `
:root{--low:#2e86c1;--medium:#d4a017;--high:#d9480f;--critical:#a61e4d;--fg:#1d2125;--muted:#5f6b76;--line:#dde3e8;--bg:#fff}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header,main{max-width:1200px;margin:0 auto;padding:16px 24px}header{border-bottom:1px solid var(--line)}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 10px}h3{font-size:16px;margin:18px 0 6px}
.muted{color:var(--muted)}code,pre{font-family:ui-monospace,SFMono-Regular,Consolas,monospace;font-size:12.5px}
pre{background:#f4f6f8;padding:8px 10px;overflow:auto;border-radius:4px}
.cards{display:flex;gap:12px;flex-wrap:wrap}.card{border:1px solid var(--line);border-radius:6px;padding:10px 16px;min-width:120px}
.card b{display:block;font-size:24px}.sev{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;font-weight:600;text-transform:uppercase}
.sev-low{background:var(--low)}.sev-medium{background:var(--medium)}.sev-high{background:var(--high)}.sev-critical{background:var(--critical)}
table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid var(--line)}
th{font-size:12px;color:var(--muted);font-weight:600}td.what{font-family:ui-monospace,Consolas,monospace;font-size:12px;word-break:break-all}
td ol{margin:0;padding-left:18px}.controls{display:flex;gap:14px;align-items:center;margin:8px 0 12px;flex-wrap:wrap}
.controls input[type=search]{padding:4px 8px;min-width:260px}tr.hidden{display:none}
svg.timeline{width:100%;height:auto;border:1px solid var(--line);border-radius:4px;background:#fbfcfd}
svg .dot-low{fill:var(--low)}svg .dot-medium{fill:var(--medium)}svg .dot-high{fill:var(--high)}svg .dot-critical{fill:var(--critical)}
svg .row{fill:var(--fg);font-size:12px}svg .axis{stroke:var(--line)}svg .tick{fill:var(--muted);font-size:11px}
section.rule{border-top:1px solid var(--line);padding-top:6px}.guide{max-width:900px}
`

const SCRIPT = `
(function(){
  var boxes=document.querySelectorAll('input[data-sev]');var q=document.getElementById('q');
  var rows=document.querySelectorAll('#alerts tbody tr');var count=document.getElementById('shown');
  function apply(){var on={};boxes.forEach(function(b){on[b.getAttribute('data-sev')]=b.checked});
    var text=(q.value||'').toLowerCase();var n=0;
    rows.forEach(function(r){var ok=on[r.getAttribute('data-severity')]&&(!text||r.textContent.toLowerCase().indexOf(text)!==-1);
      r.classList.toggle('hidden',!ok);if(ok)n++});count.textContent=String(n);}
  boxes.forEach(function(b){b.addEventListener('change',apply)});q.addEventListener('input',apply);apply();
})();
`

function sha256(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('base64')
}

/** JSON safe inside a <script type="application/json"> element: nothing can close or comment the element. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')
}

export function renderHtml(input: ReportInput): string {
  const groups = groupAlerts(input.alerts).sort(compareGroups)
  const csp = [
    "default-src 'none'", `style-src 'sha256-${sha256(STYLE)}'`, `script-src 'sha256-${sha256(SCRIPT)}'`,
    "img-src data:", "base-uri 'none'", "form-action 'none'",
  ].join('; ')
  const run = input.run
  const parts: string[] = []
  parts.push('<!doctype html>')
  parts.push('<html lang="en"><head><meta charset="utf-8">')
  parts.push(`<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">`)
  parts.push('<meta name="viewport" content="width=device-width, initial-scale=1">')
  parts.push('<meta name="referrer" content="no-referrer">')
  parts.push(`<title>vigil hunt report — ${groups.length} alert${groups.length === 1 ? '' : 's'}</title>`)
  parts.push(`<style>${STYLE}</style></head><body>`)
  parts.push('<header><h1>vigil hunt report</h1>')
  parts.push(`<div class="muted">Generated ${esc(run.generatedAt)} · ${run.events} events from ${run.files} file(s) · ${run.rules} rules · ${run.seconds.toFixed(2)} s</div>`)
  if (run.inputs.length > 0) parts.push(`<div class="muted">Inputs: ${run.inputs.map((p) => `<code>${esc(p)}</code>`).join(', ')}</div>`)
  parts.push('</header><main>')
  parts.push(renderSeverityCards(groups))
  parts.push(renderTimeline(groups))
  parts.push(renderAlertsTable(groups))
  parts.push(renderGuides(groups, input.rules))
  parts.push('</main>')
  parts.push(`<script type="application/json" id="vigil-alerts">${jsonForScript(input.alerts)}</script>`)
  parts.push(`<script>${SCRIPT}</script>`)
  parts.push('</body></html>')
  return parts.join('\n') + '\n'
}

function renderSeverityCards(groups: readonly AlertGroup[]): string {
  const counts = new Map<Severity, number>()
  for (const g of groups) counts.set(g.alert['kibana.alert.severity'], (counts.get(g.alert['kibana.alert.severity']) ?? 0) + 1)
  const cards = [...SEVERITY_ORDER].reverse().map((s) =>
    `<div class="card" id="count-${s}"><span class="sev sev-${s}">${s}</span><b>${counts.get(s) ?? 0}</b></div>`)
  const rules = new Map<string, { name: string; severity: Severity; n: number }>()
  for (const g of groups) {
    const a = g.alert
    const key = `${a['kibana.alert.rule.rule_id']}\u0000${a['kibana.alert.severity']}`
    const r = rules.get(key)
    if (r === undefined) rules.set(key, { name: a['kibana.alert.rule.name'], severity: a['kibana.alert.severity'], n: 1 })
    else r.n++
  }
  const ruleRows = [...rules.values()]
    .sort((x, y) => severityRank(y.severity) - severityRank(x.severity) || y.n - x.n || x.name.localeCompare(y.name))
    .map((r) => `<tr><td><span class="sev sev-${r.severity}">${r.severity}</span></td><td>${esc(r.name)}</td><td>${r.n}</td></tr>`)
  return [
    `<h2>Summary</h2><div class="cards"><div class="card" id="count-total"><span class="muted">alerts</span><b>${groups.length}</b></div>${cards.join('')}</div>`,
    ruleRows.length > 0
      ? `<h3>By rule and severity</h3><table id="by-rule"><thead><tr><th>severity</th><th>rule</th><th>alerts</th></tr></thead><tbody>${ruleRows.join('')}</tbody></table>`
      : '<p>No alerts.</p>',
  ].join('\n')
}

function renderTimeline(groups: readonly AlertGroup[]): string {
  if (groups.length === 0) return ''
  const byHost = new Map<string, AlertGroup[]>()
  for (const g of groups) {
    const h = hostOf(g) || '(unknown host)'
    let list = byHost.get(h)
    if (list === undefined) byHost.set(h, (list = []))
    list.push(g)
  }
  const hosts = [...byHost.entries()].sort((x, y) => y[1].length - x[1].length || x[0].localeCompare(y[0])).slice(0, 50)
  const times = groups.map((g) => alertTimeMs(g.alert))
  let t0 = Math.min(...times)
  let t1 = Math.max(...times)
  if (t1 - t0 < 60_000) { t0 -= 30_000; t1 += 30_000 }
  const labelW = 220
  const plotW = 900
  const rowH = 26
  const top = 10
  const height = top + hosts.length * rowH + 30
  const x = (ms: number) => labelW + ((ms - t0) / (t1 - t0)) * (plotW - 20) + 10
  const rows: string[] = []
  hosts.forEach(([host, list], i) => {
    const y = top + i * rowH + rowH / 2
    rows.push(`<text class="row" x="8" y="${y + 4}">${esc(host.length > 30 ? host.slice(0, 29) + '…' : host)}</text>`)
    rows.push(`<line class="axis" x1="${labelW}" x2="${labelW + plotW}" y1="${y}" y2="${y}"/>`)
    for (const g of list) {
      const a = g.alert
      const sev = a['kibana.alert.severity']
      const t = alertTimeMs(a)
      const title = `${new Date(t).toISOString()} · ${sev} · ${a['kibana.alert.rule.name']}`
      rows.push(`<circle class="dot-${sev}" cx="${x(t).toFixed(1)}" cy="${y}" r="${5 + severityRank(sev)}"><title>${esc(title)}</title></circle>`)
    }
  })
  const axisY = top + hosts.length * rowH + 16
  const tick = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19)
  rows.push(`<text class="tick" x="${labelW}" y="${axisY}">${esc(tick(t0))} UTC</text>`)
  rows.push(`<text class="tick" x="${labelW + plotW}" y="${axisY}" text-anchor="end">${esc(tick(t1))} UTC</text>`)
  return `<h2>Timeline by host</h2>\n<svg class="timeline" id="timeline" role="img" aria-label="alerts over time per host" viewBox="0 0 ${labelW + plotW + 10} ${height}" xmlns="http://www.w3.org/2000/svg">${rows.join('')}</svg>`
}

function renderAlertsTable(groups: readonly AlertGroup[]): string {
  const boxes = [...SEVERITY_ORDER].reverse()
    .map((s) => `<label><input type="checkbox" data-sev="${s}" checked> <span class="sev sev-${s}">${s}</span></label>`).join(' ')
  const rows = groups.map((g) => {
    const a = g.alert
    const sev = a['kibana.alert.severity']
    const what = g.members.length > 0
      ? `<ol>${g.members.map((m: Alert) => `<li>${esc(eventSummary(m))}</li>`).join('')}</ol>`
      : esc(groupSummary(g))
    const t = alertTimeMs(a)
    return `<tr data-severity="${sev}" data-alert-id="${esc(a['kibana.alert.uuid'])}">` +
      `<td>${t === 0 ? '-' : esc(new Date(t).toISOString().replace('T', ' ').slice(0, 23))}</td>` +
      `<td><span class="sev sev-${sev}">${sev}</span> ${a['kibana.alert.risk_score']}</td>` +
      `<td><a href="#${ruleAnchor(a['kibana.alert.rule.rule_id'])}">${esc(a['kibana.alert.rule.name'])}</a></td>` +
      `<td>${esc(hostOf(g))}</td><td>${esc(userOf(g))}</td><td class="what">${what}</td>` +
      `<td>${esc(a['kibana.alert.reason'])}</td></tr>`
  })
  return [
    '<h2>Alerts</h2>',
    `<div class="controls">${boxes}<input type="search" id="q" placeholder="filter (host, rule, command…)" aria-label="filter alerts"><span class="muted"><span id="shown">${groups.length}</span> shown</span></div>`,
    '<table id="alerts"><thead><tr><th>time (UTC)</th><th>severity</th><th>rule</th><th>host</th><th>user</th><th>what</th><th>reason</th></tr></thead>',
    `<tbody>${rows.join('\n')}</tbody></table>`,
  ].join('\n')
}

function ruleAnchor(ruleId: string): string {
  return `rule-${ruleId.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`
}

function renderGuides(groups: readonly AlertGroup[], rules: readonly ReportRule[]): string {
  const fired = new Map<string, { severity: Severity; name: string }>()
  for (const g of groups) {
    const id = g.alert['kibana.alert.rule.rule_id']
    if (!fired.has(id)) fired.set(id, { severity: g.alert['kibana.alert.rule.severity'], name: g.alert['kibana.alert.rule.name'] })
  }
  if (fired.size === 0) return ''
  const byId = new Map(rules.map((r) => [r.id, r]))
  const sections = [...fired.entries()]
    .sort((x, y) => severityRank(y[1].severity) - severityRank(x[1].severity) || x[1].name.localeCompare(y[1].name))
    .map(([id, f]) => {
      const r = byId.get(id)
      const techniques = (r?.threat ?? groups.find((g) => g.alert['kibana.alert.rule.rule_id'] === id)?.alert['kibana.alert.rule.threat'] ?? [])
        .flatMap((t) => [
          `${esc(t.tactic.name)} (${esc(t.tactic.id)})`,
          ...(t.technique ?? []).flatMap((x) => [x, ...(x.subtechnique ?? [])]).map((x) => link(x.reference, `${x.id} ${x.name}`)),
        ])
      const guide = r?.guide !== undefined && r.guide.trim() !== ''
        ? `<div class="guide">${renderMarkdown(r.guide, { headingOffset: 3 })}</div>`
        : '<p class="muted">This rule has no investigation guide.</p>'
      return `<section class="rule" id="${ruleAnchor(id)}"><h3>${esc(r?.name ?? f.name)}</h3>` +
        `<div><span class="sev sev-${r?.severity ?? f.severity}">${r?.severity ?? f.severity}</span> ` +
        `<span class="muted">risk ${r?.riskScore ?? ''} · ${esc(r?.type ?? '')} · <code>${esc(id)}</code></span></div>` +
        (techniques.length > 0 ? `<p>${techniques.join(' · ')}</p>` : '') +
        (r?.description ? `<p>${esc(r.description)}</p>` : '') + guide + '</section>'
    })
  return `<h2>Rule guides</h2>\n${sections.join('\n')}`
}

/** A link only when the reference is http(s); otherwise plain text. */
function link(href: string, text: string): string {
  return /^https?:\/\/[^\s<>"'`\\]+$/i.test(href)
    ? `<a href="${esc(href)}" rel="noopener noreferrer" target="_blank">${esc(text)}</a>`
    : esc(text)
}

// The investigation guide of a rule: its Markdown file in ADS sections (Palantir's Alerting and Detection
// Strategy framework) when bundled, else the rule's `note`, under a header with what a responder needs first.
import { readFileSync } from 'node:fs'
import type { LoadedRule } from './load.js'

/** ADS sections every bundled guide must have, in order. */
export const ADS_SECTIONS = [
  'Goal', 'Categorization', 'Strategy Abstract', 'Technical Context', 'Blind Spots and Assumptions',
  'False Positives', 'Validation', 'Priority', 'Response',
] as const

/** `## Heading` titles of a Markdown text. */
export function guideSections(markdown: string): string[] {
  return [...markdown.matchAll(/^##\s+(.+?)\s*#*\s*$/gm)].map((m) => (m[1] ?? '').trim())
}

/** ADS sections missing from a guide, or present out of order (reported under their name). */
export function missingAdsSections(markdown: string): string[] {
  const found = guideSections(markdown).map((s) => s.toLowerCase())
  const missing: string[] = []
  let last = -1
  for (const name of ADS_SECTIONS) {
    const at = found.indexOf(name.toLowerCase())
    if (at < 0 || at < last) missing.push(name)
    else last = at
  }
  return missing
}

/** The guide text: the bundled Markdown, else the rule's `note`, else null. */
export function readGuide(rule: LoadedRule): string | null {
  if (rule.guidePath !== null) {
    try { return readFileSync(rule.guidePath, 'utf8') } catch { /* fall back to the note */ }
  }
  return rule.data.note ?? null
}

/** `vigil rules show`: a Markdown document with the rule's facts, its query and its guide. */
export function renderGuide(rule: LoadedRule): string {
  const d = rule.data
  const lines: string[] = [`# ${d.name}`, '']
  lines.push(`- rule_id: \`${d.rule_id}\` (version ${rule.version})`)
  lines.push(`- severity: ${d.severity}, risk score ${d.risk_score}${rule.isBuildingBlock ? ' — building block (hidden from default summaries)' : ''}`)
  for (const m of d.vigil?.severity_mapping ?? []) {
    const where = m.stage === undefined || m.stage === 'any' ? 'any event' : `stage ${m.stage}`
    lines.push(`- escalates to ${m.severity}${m.risk_score !== undefined ? ` (risk ${m.risk_score})` : ''} when ${where} has ${m.field} ${m.operator} ${JSON.stringify(m.value)}`)
  }
  for (const m of d.severity_mapping ?? []) lines.push(`- severity ${m.severity} when ${m.field} equals ${JSON.stringify(m.value)}`)
  for (const t of d.threat ?? []) {
    const techniques = (t.technique ?? []).map((x) => [x.id, ...(x.subtechnique ?? []).map((s) => s.id)].join(', ')).join('; ')
    lines.push(`- ${t.framework}: ${t.tactic.name} (${t.tactic.id})${techniques ? ` → ${techniques}` : ''}`)
  }
  if (d.tags && d.tags.length > 0) lines.push(`- tags: ${d.tags.join(', ')}`)
  lines.push(`- file: ${rule.file}`, '', '```eql', (d.query ?? '').trim(), '```', '')
  lines.push(d.description.trim(), '')
  const guide = readGuide(rule)
  if (guide !== null) lines.push(guide.trim(), '')
  if (d.false_positives && d.false_positives.length > 0 && rule.guidePath === null) {
    lines.push('## False positives', '', ...d.false_positives.map((f) => `- ${f.trim().replace(/\s+/g, ' ')}`), '')
  }
  if (d.references && d.references.length > 0) lines.push('## References', '', ...d.references.map((r) => `- ${r}`), '')
  return lines.join('\n')
}

// Severity, risk score and rule name overrides.
// Elastic's keys (`severity_mapping`, `risk_score_mapping`, `rule_name_override`) follow Kibana's semantics
// for single-event rules: equals-only, highest matching severity wins, the maximum numeric risk value wins.
// Kibana never applies them to EQL sequences (elastic/kibana#120521); vigil does: Elastic's keys read any
// member, and `[rule.vigil]` mappings can name the stage whose event decides ("stage = 2": the second
// bracketed term as written). Overrides change the shell alert; building blocks keep the rule's defaults.
import type { AlertOverride, Severity } from '../alerts/index.js'
import type { EcsEvent } from '../eql/index.js'
import { fieldValues } from './field.js'
import type { RuleData } from './schema.js'
import { SEVERITIES } from './schema.js'
import { compileWildcard } from '../eql/index.js'

export interface Overridden {
  readonly severity: Severity
  readonly riskScore: number
  readonly name: string
  readonly overrides: readonly AlertOverride[]
}

/** Members in stage order (null for a missing-event stage); a single-event rule passes one event. */
export type OverrideFn = (members: readonly (EcsEvent | null)[]) => Overridden

const rank = (s: Severity): number => SEVERITIES.indexOf(s)

interface Candidate { readonly member: number; readonly event: EcsEvent }

/**
 * Compile a rule's overrides. `termOfMember[i]` is the 0-based written term of compiled member i (terms
 * `with runs=N` cover several members); pass null for a single-event rule.
 */
export function compileOverrides(rule: RuleData, termOfMember: readonly number[] | null): OverrideFn {
  const isSequence = termOfMember !== null
  const candidates = (members: readonly (EcsEvent | null)[], stage: number | 'any' | undefined): Candidate[] => {
    const out: Candidate[] = []
    members.forEach((event, member) => {
      if (event === null) return
      if (isSequence && typeof stage === 'number' && termOfMember[member] !== stage - 1) return
      out.push({ member, event })
    })
    return out
  }
  const memberStage = (c: Candidate): { stage?: number } => (isSequence ? { stage: c.member } : {})

  const elasticSeverity = [...(rule.severity_mapping ?? [])].sort((a, b) => rank(a.severity) - rank(b.severity))
  const vigilSeverity = (rule.vigil?.severity_mapping ?? []).map((m) => {
    const test = m.operator === 'matches'
      ? compileWildcard(String(m.value), true)
      : (v: string): boolean => v === String(m.value)
    return { ...m, test }
  })
  const elasticRisk = rule.risk_score_mapping?.[0]
  const vigilRisk = rule.vigil?.risk_score_mapping ?? []
  const nameOverride = rule.vigil?.rule_name_override ?? (rule.rule_name_override ? { field: rule.rule_name_override } : undefined)

  return (members) => {
    const overrides: AlertOverride[] = []
    let severity: { value: Severity; note: AlertOverride } | null = null
    let risk: { value: number; note: AlertOverride } | null = null
    const considerSeverity = (value: Severity, note: AlertOverride): void => {
      if (severity === null || rank(value) > rank(severity.value)) severity = { value, note }
    }
    const considerRisk = (value: number, note: AlertOverride): void => {
      if (risk === null || value > risk.value) risk = { value, note }
    }
    // Elastic: every entry equal to a value of its field matches; the highest severity wins.
    for (const m of elasticSeverity) {
      for (const c of candidates(members, 'any')) {
        const hit = fieldValues(c.event, m.field).find((v) => severityEquals(m.field, v, m.value))
        if (hit === undefined) continue
        considerSeverity(m.severity, { kind: 'severity', field: m.field, value: scalar(hit), ...memberStage(c) })
        break
      }
    }
    for (const m of vigilSeverity) {
      for (const c of candidates(members, m.stage ?? 'any')) {
        const hit = fieldValues(c.event, m.field).find((v) => m.test(String(v)))
        if (hit === undefined) continue
        const note = { field: m.field, value: scalar(hit), ...memberStage(c) }
        considerSeverity(m.severity, { kind: 'severity', ...note })
        if (m.risk_score !== undefined) considerRisk(m.risk_score, { kind: 'risk_score', ...note })
        break
      }
    }
    // Elastic: only the first mapping's field counts; numeric values in [0, 100]; the maximum wins.
    const riskSources = [
      ...(elasticRisk ? [{ field: elasticRisk.field, stage: 'any' as const }] : []),
      ...vigilRisk.map((m) => ({ field: m.field, stage: m.stage ?? ('any' as const) })),
    ]
    for (const src of riskSources) {
      for (const c of candidates(members, src.stage)) {
        for (const v of fieldValues(c.event, src.field)) {
          const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN
          if (Number.isFinite(n) && n >= 0 && n <= 100) considerRisk(n, { kind: 'risk_score', field: src.field, value: n, ...memberStage(c) })
        }
      }
    }
    const sev = severity as { value: Severity; note: AlertOverride } | null
    const rsk = risk as { value: number; note: AlertOverride } | null
    if (sev) overrides.push(sev.note)
    if (rsk) overrides.push(rsk.note)

    let name = rule.name
    if (nameOverride) {
      const stage = 'stage' in nameOverride ? nameOverride.stage : undefined
      for (const c of candidates(members, stage ?? 'any')) {
        const v = fieldValues(c.event, nameOverride.field).find((x) => typeof x === 'string' && x !== '')
        if (typeof v === 'string') { name = v; overrides.push({ kind: 'rule_name', field: nameOverride.field, value: v, ...memberStage(c) }); break }
      }
    }
    return { severity: sev?.value ?? rule.severity, riskScore: rsk?.value ?? rule.risk_score, name, overrides }
  }
}

const scalar = (v: string | number | boolean): string | number => (typeof v === 'boolean' ? String(v) : v)

/** Kibana compares `event.severity` as integers and every other field as strings. */
function severityEquals(field: string, v: string | number | boolean, expected: string): boolean {
  if (field === 'event.severity') {
    const a = typeof v === 'number' ? v : Number.parseInt(String(v), 10)
    return Number.isInteger(a) && a === Number.parseInt(expected, 10)
  }
  return String(v) === expected
}

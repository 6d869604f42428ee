// One line per rule for `vigil rules list` and the API: what it is, how bad, which ATT&CK it covers.
import type { LoadedRule } from './load.js'

export interface RuleSummary {
  readonly ruleId: string
  readonly name: string
  readonly version: number
  readonly severity: string
  readonly riskScore: number
  /** `event`, `sequence` or `sample`. */
  readonly queryKind: string
  readonly isBuildingBlock: boolean
  /** Severities the rule can escalate to through overrides. */
  readonly escalations: readonly string[]
  readonly tactics: readonly string[]
  readonly techniques: readonly string[]
  readonly hasGuide: boolean
  readonly hasFixtures: boolean
  readonly file: string
}

export function ruleSummary(rule: LoadedRule): RuleSummary {
  const threat = rule.data.threat ?? []
  const escalations = [...new Set([
    ...(rule.data.severity_mapping ?? []).map((m) => m.severity),
    ...(rule.data.vigil?.severity_mapping ?? []).map((m) => m.severity),
  ])]
  return {
    ruleId: rule.ruleId,
    name: rule.name,
    version: rule.version,
    severity: rule.data.severity,
    riskScore: rule.data.risk_score,
    queryKind: rule.query.kind,
    isBuildingBlock: rule.isBuildingBlock,
    escalations,
    tactics: [...new Set(threat.map((t) => t.tactic.id))],
    techniques: [...new Set(threat.flatMap((t) => (t.technique ?? []).flatMap((x) => [x.id, ...(x.subtechnique ?? []).map((s) => s.id)])))],
    hasGuide: rule.guidePath !== null || rule.data.note !== undefined,
    hasFixtures: rule.fixturesDir !== null,
    file: rule.file,
  }
}

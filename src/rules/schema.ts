// Schema of an Elastic detection-rules TOML file (`[metadata]`, `[rule]`, `[[rule.threat]]`, `[transform]`),
// after the repository's `rule.py` / `schemas/definitions.py`, plus vigil's own keys under `[rule.vigil]`.
// Keys Elastic defines but vigil does not use are accepted as opaque values so upstream files load as is;
// keys nobody defines are reported as warnings (Elastic's repository rejects them; we still run the rule).
import { z } from 'zod'

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const
export type RuleSeverity = (typeof SEVERITIES)[number]

const severity = z.enum(SEVERITIES)
const nonEmpty = z.string().min(1)
/** `YYYY/MM/DD`, as the repository writes dates. */
const repoDate = z.string().regex(/^\d{4}\/\d{2}\/\d{2}$/, 'expected a date written YYYY/MM/DD')
// The repository validates with marshmallow's Regexp, which anchors only at the start (re.match), so an id
// with extra trailing characters is accepted upstream (one production rule has a 13-digit last group).
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i, 'expected a UUID')
const riskScore = z.number().int().min(0).max(100)
/** Opaque value: defined by Elastic, not interpreted by vigil. */
const opaque = z.unknown()

// ---- [metadata] -----------------------------------------------------------------------------------------

export const metadataSchema = z.object({
  creation_date: repoDate,
  updated_date: repoDate,
  maturity: z.enum(['development', 'experimental', 'beta', 'production', 'deprecated']),
  integration: z.union([nonEmpty, z.array(nonEmpty)]).optional(),
  min_stack_version: z.string().regex(/^\d+\.\d+(\.\d+)?$/, 'expected a stack version like 8.14.0').optional(),
  min_stack_comments: z.string().optional(),
  deprecation_date: repoDate.optional(),
  deprecated_reason: z.string().optional(),
  bypass_bbr_timing: z.boolean().optional(),
  promotion: z.boolean().optional(),
  os_type_list: z.array(z.string()).optional(),
  query_schema_validation: z.boolean().optional(),
  related_endpoint_rules: z.array(z.string()).optional(),
  comments: z.string().optional(),
  extended: opaque.optional(),
})
export type RuleMetadata = z.infer<typeof metadataSchema>

// ---- [[rule.threat]] -------------------------------------------------------------------------------------

const attackRef = z.object({ id: nonEmpty, name: nonEmpty, reference: z.string().url() })
export const threatSchema = z.object({
  framework: z.enum(['MITRE ATT&CK', 'MITRE ATLAS']),
  tactic: z.object({
    id: z.string().regex(/^(TA|AML\.TA)\d{4}$/, 'expected a tactic id like TA0008'),
    name: nonEmpty,
    reference: z.string().url(),
  }),
  technique: z.array(attackRef.extend({
    id: z.string().regex(/^(T|AML\.T)\d{4}$/, 'expected a technique id like T1021'),
    subtechnique: z.array(attackRef.extend({
      id: z.string().regex(/^(T|AML\.T)\d{4}\.\d{3}$/, 'expected a sub-technique id like T1021.006'),
    })).optional(),
  })).optional(),
})
export type RuleThreat = z.infer<typeof threatSchema>

// ---- overrides (Elastic) ---------------------------------------------------------------------------------

export const severityMappingSchema = z.object({
  field: nonEmpty,
  operator: z.literal('equals'),
  value: z.string(),
  severity,
})
export const riskScoreMappingSchema = z.object({
  field: nonEmpty,
  operator: z.literal('equals'),
  value: z.string().optional(),
  risk_score: riskScore.optional(),
})

// ---- suppression, exceptions references ------------------------------------------------------------------

export const alertSuppressionSchema = z.object({
  group_by: z.array(nonEmpty).min(1).max(3),
  duration: z.object({ value: z.number().int().min(1), unit: z.enum(['s', 'm', 'h']) }).optional(),
  missing_fields_strategy: z.enum(['suppress', 'doNotSuppress']).optional(),
})
export type AlertSuppression = z.infer<typeof alertSuppressionSchema>

export const exceptionsListRefSchema = z.object({
  id: nonEmpty,
  list_id: nonEmpty,
  namespace_type: z.enum(['single', 'agnostic']),
  type: z.enum(['detection', 'rule_default', 'endpoint', 'endpoint_trusted_apps', 'endpoint_events',
    'endpoint_host_isolation_exceptions', 'endpoint_blocklists']),
})

// ---- [rule.vigil]: vigil's own keys ----------------------------------------------------------------------

/**
 * Which event an override reads. `stage` is the 1-based position of a bracketed term of a sequence as written
 * (a term `with runs=N` covers all its repetitions); `"any"` means any member. Single-event rules ignore it.
 */
const stageRef = z.union([z.number().int().min(1), z.literal('any')])

export const vigilSeverityMappingSchema = z.object({
  stage: stageRef.optional(),
  field: nonEmpty,
  /** `equals`: Elastic's exact string comparison. `matches`: EQL `:` (case-insensitive, `*`/`?` wildcards). */
  operator: z.enum(['equals', 'matches']),
  value: z.union([z.string(), z.number(), z.boolean()]),
  severity,
  /** Risk score that goes with this severity (Kibana cannot tie them together: elastic/kibana#86306). */
  risk_score: riskScore.optional(),
})
export type VigilSeverityMapping = z.infer<typeof vigilSeverityMappingSchema>

export const vigilSchema = z.object({
  /** Version used in alert ids and stored state when no `version.lock.json` names one. */
  version: z.number().int().min(1).optional(),
  /** Fixtures directory, relative to the rule file (default `fixtures/<rule file basename>`). */
  fixtures: nonEmpty.optional(),
  /** Investigation guide (Markdown, ADS sections), relative to the rule file (default: same basename `.md`). */
  guide: nonEmpty.optional(),
  /** Exception / allowlist files always applied to this rule, relative to the rule file. */
  exceptions: z.array(nonEmpty).optional(),
  severity_mapping: z.array(vigilSeverityMappingSchema).optional(),
  risk_score_mapping: z.array(z.object({ stage: stageRef.optional(), field: nonEmpty })).optional(),
  rule_name_override: z.object({ stage: stageRef.optional(), field: nonEmpty }).optional(),
})
export type VigilRuleExtras = z.infer<typeof vigilSchema>

// ---- [rule] ----------------------------------------------------------------------------------------------

export const RULE_TYPES = ['query', 'saved_query', 'machine_learning', 'eql', 'esql', 'threshold', 'threat_match',
  'new_terms'] as const

export const ruleSchema = z.object({
  // BaseRuleData, required
  name: nonEmpty,
  author: z.array(nonEmpty).min(1),
  description: nonEmpty,
  rule_id: uuid,
  risk_score: riskScore,
  severity,
  type: z.enum(RULE_TYPES),
  // BaseRuleData, optional
  from: z.string().regex(/^now-\d+[smhd]$/, 'expected date math like now-9m').optional(),
  to: z.string().optional(),
  interval: z.string().regex(/^\d+[mshd]$/, 'expected an interval like 5m').optional(),
  tags: z.array(z.string()).optional(),
  threat: z.array(threatSchema).optional(),
  note: z.string().optional(),
  setup: z.string().optional(),
  references: z.array(z.string()).optional(),
  false_positives: z.array(z.string()).optional(),
  license: z.string().optional(),
  timestamp_override: nonEmpty.optional(),
  investigation_fields: z.object({ field_names: z.array(nonEmpty) }).optional(),
  building_block_type: z.literal('default').optional(),
  max_signals: z.number().int().min(1).optional(),
  severity_mapping: z.array(severityMappingSchema).optional(),
  risk_score_mapping: z.array(riskScoreMappingSchema).optional(),
  rule_name_override: nonEmpty.optional(),
  alert_suppression: alertSuppressionSchema.optional(),
  exceptions_list: z.array(exceptionsListRefSchema).optional(),
  enabled: z.boolean().optional(),
  timeline_id: z.string().optional(),
  timeline_title: z.string().optional(),
  filters: opaque.optional(),
  actions: opaque.optional(),
  response_actions: opaque.optional(),
  meta: opaque.optional(),
  throttle: opaque.optional(),
  threat_mappings: opaque.optional(),
  output_index: z.string().optional(),
  // QueryRuleData
  query: z.string().optional(),
  language: z.enum(['eql', 'esql', 'kuery', 'lucene']).optional(),
  index: z.array(nonEmpty).optional(),
  data_view_id: z.string().optional(),
  // EQLRuleData
  timestamp_field: nonEmpty.optional(),
  event_category_override: nonEmpty.optional(),
  tiebreaker_field: nonEmpty.optional(),
  // other types: read, not run by vigil
  new_terms: opaque.optional(),
  threshold: opaque.optional(),
  threat_index: opaque.optional(),
  threat_query: opaque.optional(),
  threat_language: opaque.optional(),
  threat_indicator_path: opaque.optional(),
  threat_filters: opaque.optional(),
  threat_mapping: opaque.optional(),
  concurrent_searches: opaque.optional(),
  items_per_search: opaque.optional(),
  anomaly_threshold: opaque.optional(),
  machine_learning_job_id: opaque.optional(),
  // vigil
  vigil: vigilSchema.optional(),
}).superRefine((rule, ctx) => {
  // Cross-field rules from detection-rules' QueryRuleData / EQLRuleData and its unit tests.
  if (rule.index !== undefined && rule.data_view_id !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['data_view_id'], message: 'index and data_view_id cannot both be set' })
  }
  const needsQuery = rule.type !== 'machine_learning'
  if (needsQuery && rule.query === undefined) {
    ctx.addIssue({ code: 'custom', path: ['query'], message: `a rule of type ${rule.type} needs a query` })
  }
  if (rule.type === 'eql' && rule.language !== 'eql') {
    ctx.addIssue({ code: 'custom', path: ['language'], message: 'an eql rule needs language = "eql"' })
  }
  if (rule.type === 'esql' && rule.index !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['index'], message: 'an esql rule takes no index' })
  }
})
export type RuleData = z.infer<typeof ruleSchema>

/** The whole file. `version` and `revision` are forbidden in TOML: they come from the version lock. */
export const ruleFileSchema = z.object({
  metadata: metadataSchema,
  rule: ruleSchema,
  transform: opaque.optional(),
})
export type RuleFile = z.infer<typeof ruleFileSchema>

/** Keys that exist in Elastic's schema (or ours) per table; anything else is reported as unknown. */
export const KNOWN_KEYS: { readonly [table: string]: ReadonlySet<string> } = {
  '': new Set(['metadata', 'rule', 'transform']),
  metadata: new Set(Object.keys(metadataSchema.shape)),
  rule: new Set(Object.keys(ruleSchema.shape)),
  'rule.vigil': new Set(Object.keys(vigilSchema.shape)),
}

/** Keys Elastic's repository forbids in TOML: set at build time from `etc/version.lock.json`. */
export const FORBIDDEN_RULE_KEYS: ReadonlySet<string> = new Set(['version', 'revision'])

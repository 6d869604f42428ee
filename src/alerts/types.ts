// The alert document: Elastic's security-alert shape (`.alerts-security.alerts-*`). The source event's ECS
// fields are copied as they were read (nested objects or dotted keys), `event.kind` becomes `signal`, and
// the rule, severity, grouping and provenance live under flat dotted `kibana.alert.*` keys, as Kibana
// writes them. vigil-only additions live under `vigil.alert.*` so the document still indexes into
// Elasticsearch's alert mapping.

export type Severity = 'low' | 'medium' | 'high' | 'critical'

/** Triage state. `open` on creation; a UI or API moves it on. */
export type WorkflowStatus = 'open' | 'acknowledged' | 'closed'

/** One source of an alert: a raw event (depth 0) or another alert (alerts on alerts). */
export interface AlertAncestor {
  /** The event's identity (`event.id`, Windows record id, or a canonical hash of the event). */
  readonly id: string
  readonly type: 'event' | 'signal'
  /** Where the event came from: `_index` of the document if present, else the input file. */
  readonly index: string
  readonly depth: number
  /** Rule uuid when `type` is `signal`. */
  readonly rule?: string
}

/** MITRE ATT&CK mapping as in the rule's `[[rule.threat]]`, copied onto the alert. */
export interface AlertThreat {
  readonly framework: string
  readonly tactic: { readonly id: string; readonly name: string; readonly reference: string }
  readonly technique?: readonly {
    readonly id: string
    readonly name: string
    readonly reference: string
    readonly subtechnique?: readonly { readonly id: string; readonly name: string; readonly reference: string }[]
  }[]
}

/** Which override changed severity, risk score or name, and on which event it was evaluated. */
export interface AlertOverride {
  readonly kind: 'severity' | 'risk_score' | 'rule_name'
  readonly field: string
  readonly value: string | number
  /** 0-based sequence stage of the member whose field decided it; absent for single-event rules. */
  readonly stage?: number
}

/** `kibana.alert.suppression.terms` entry: one group-by field and its value in this group. */
export interface SuppressionTerm { readonly field: string; readonly value: unknown }

export interface Alert {
  /** Alert creation time (ISO 8601). The source event time is `kibana.alert.original_time`. */
  readonly '@timestamp': string
  /** Deterministic: sha256(rule id, rule version, member event identities). Same input → same id. */
  readonly 'kibana.alert.uuid': string
  readonly 'kibana.alert.status': 'active'
  readonly 'kibana.alert.workflow_status': WorkflowStatus
  readonly 'kibana.alert.severity': Severity
  readonly 'kibana.alert.risk_score': number
  readonly 'kibana.alert.reason': string
  /** Source event `@timestamp` (single event / building block) or the first member's (sequence shell). */
  readonly 'kibana.alert.original_time': string | null
  readonly 'kibana.alert.depth': number
  readonly 'kibana.alert.ancestors': readonly AlertAncestor[]
  /** `default` on building-block alerts: kept and queryable, hidden from default summaries. */
  readonly 'kibana.alert.building_block_type'?: 'default'
  /** Sequence alerts: the shell's uuid, shared by the shell and its building blocks. */
  readonly 'kibana.alert.group.id'?: string
  /** Building blocks only: 0-based position of the member in the sequence. */
  readonly 'kibana.alert.group.index'?: number
  /** The source event's own `event.*` object, kept because `event.kind` is rewritten to `signal`. */
  readonly 'kibana.alert.original_event'?: { readonly [field: string]: unknown }

  readonly 'kibana.alert.rule.uuid': string
  readonly 'kibana.alert.rule.rule_id': string
  readonly 'kibana.alert.rule.name': string
  readonly 'kibana.alert.rule.version': number
  readonly 'kibana.alert.rule.type': string
  readonly 'kibana.alert.rule.description': string
  /** The rule's default severity / risk score (the alert's own may come from an override). */
  readonly 'kibana.alert.rule.severity': Severity
  readonly 'kibana.alert.rule.risk_score': number
  readonly 'kibana.alert.rule.building_block_type'?: 'default'
  readonly 'kibana.alert.rule.tags': readonly string[]
  readonly 'kibana.alert.rule.threat': readonly AlertThreat[]
  readonly 'kibana.alert.rule.references': readonly string[]
  readonly 'kibana.alert.rule.false_positives': readonly string[]

  /** Present when `alert_suppression` folded later alerts of the same group into this one. */
  readonly 'kibana.alert.instance.id'?: string
  readonly 'kibana.alert.suppression.terms'?: readonly SuppressionTerm[]
  readonly 'kibana.alert.suppression.start'?: string
  readonly 'kibana.alert.suppression.end'?: string
  readonly 'kibana.alert.suppression.docs_count'?: number

  /** vigil: overrides that decided severity, risk score or name (Kibana keeps only the field name). */
  readonly 'vigil.alert.overrides'?: readonly AlertOverride[]
  /** vigil: where each member event was read (file and line/offset), in member order. */
  readonly 'vigil.alert.sources'?: readonly { readonly file: string; readonly line?: number; readonly offset?: number }[]

  /** The source event's ECS fields (for a sequence shell: the fields equal in every member). */
  readonly [field: string]: unknown
}

/** Read a field of an alert by its dotted ECS path, whether the document stores it nested or dotted. */
export function alertField(alert: Alert, path: string): unknown {
  if (Object.hasOwn(alert, path)) return alert[path]
  const parts = path.split('.')
  return readPath(alert, parts, 0)
}

function readPath(node: unknown, parts: readonly string[], from: number): unknown {
  if (from === parts.length) return node
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined
  const obj = node as { readonly [k: string]: unknown }
  // Try the longest dotted key first: `{"process.name": …}` and `{"process": {"name": …}}` both resolve.
  for (let end = parts.length; end > from; end--) {
    const key = parts.slice(from, end).join('.')
    if (Object.hasOwn(obj, key)) {
      const found = readPath(obj[key], parts, end)
      if (found !== undefined) return found
    }
  }
  return undefined
}

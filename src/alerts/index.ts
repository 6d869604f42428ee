// Alerts: Elastic-shaped alert documents, deterministic ids, sequence groups and suppression.
export type {
  Alert, AlertAncestor, AlertOverride, AlertThreat, Severity, SuppressionTerm, WorkflowStatus,
} from './types.js'
export { alertField } from './types.js'
export type { AlertRule, AlertMember, AlertDecision, BuildOptions } from './build.js'
export { buildEventAlert, buildSequenceAlerts, eventIdentity, canonicalJson, reasonFor } from './build.js'
export type { SuppressionConfig, Suppressor } from './suppress.js'
export { createSuppressor } from './suppress.js'

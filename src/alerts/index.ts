// Alerts: Elastic-shaped alert documents, deterministic ids, sequence groups and suppression.
export type {
  Alert, AlertAncestor, AlertOverride, AlertThreat, Severity, SuppressionTerm, WorkflowStatus,
} from './types.js'
export { alertField } from './types.js'

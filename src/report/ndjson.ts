// NDJSON: one Elastic alert document per line, streamable into Elasticsearch (`_bulk` create with the
// deterministic `kibana.alert.uuid` as `_id`), jq, or any timeline tool.
import type { Alert } from '../alerts/index.js'

export function alertLine(alert: Alert): string {
  return JSON.stringify(alert) + '\n'
}

export function renderNdjson(alerts: readonly Alert[]): string {
  let out = ''
  for (const a of alerts) out += alertLine(a)
  return out
}

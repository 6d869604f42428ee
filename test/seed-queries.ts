// The two seed detections' queries (shared/seeds: WMIC remote command, incoming WinRM remote shell), read
// from the bundled rules, so tests and benchmarks run exactly what ships.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse as parseToml } from 'smol-toml'

function ruleQuery(file: string): string {
  const doc = parseToml(readFileSync(join(import.meta.dirname, '../rules/windows', file), 'utf8')) as { rule?: { query?: unknown } }
  const query = doc.rule?.query
  if (typeof query !== 'string') throw new Error(`rules/windows/${file} has no [rule] query`)
  return query.trim()
}

export const WMIC_QUERY = ruleQuery('wmic_remote_command.toml')
export const WINRM_QUERY = ruleQuery('winrm_remote_shell.toml')

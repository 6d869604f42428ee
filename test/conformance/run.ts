// `npm run conformance`: every ES suite through parser → compiler → engine; prints pass/total per
// suite and each failure with its reason. Exit status 1 when anything fails.
import { loadSuites, runEntry } from './harness.js'

const verbose = process.argv.includes('--verbose') || process.argv.includes('-v')
const only = process.argv.slice(2).filter((a) => !a.startsWith('-'))
let failed = 0
let total = 0
for (const suite of loadSuites()) {
  if (only.length > 0 && !only.includes(suite.name)) continue
  let pass = 0
  const failures: string[] = []
  for (const entry of suite.entries) {
    let outcome
    try {
      outcome = runEntry(entry, suite.dataset)
    } catch (e) {
      outcome = { ok: false as const, reason: `crashed: ${(e as Error).stack ?? String(e)}` }
    }
    if (outcome.ok) pass++
    else failures.push(`  ✗ ${entry.name}: ${outcome.reason}${verbose ? `\n      ${entry.query.replace(/\n/g, '\n      ')}` : ''}`)
  }
  total += suite.entries.length
  failed += failures.length
  process.stdout.write(`${suite.name.padEnd(16)} ${String(pass).padStart(4)}/${suite.entries.length}  (${suite.file})\n`)
  for (const f of failures) process.stdout.write(f + '\n')
}
process.stdout.write(`total            ${String(total - failed).padStart(4)}/${total}\n`)
process.exitCode = failed > 0 ? 1 : 0

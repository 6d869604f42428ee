// `npm run conformance`: every ES suite through parser → compiler → engine; prints pass/total per
// suite and each failure with its reason. Exit status 1 when anything fails.
import { loadSuites, runEntry, loadEndgameEntries, runEndgameEntry } from './harness.js'

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

// Informational: the Endgame suite (Endgame syntax and semantics; ES wins where they differ).
if (only.length === 0 || only.includes('endgame')) {
  const main = loadSuites().find((s) => s.name === 'main')!
  const counts = { agree: 0, differ: 0, 'not-es': 0 }
  const lines: string[] = []
  for (const entry of loadEndgameEntries()) {
    const r = runEndgameEntry(entry, main.dataset)
    counts[r.outcome]++
    if (r.outcome === 'differ' || (verbose && r.outcome === 'not-es')) lines.push(`  ${r.outcome === 'differ' ? '≠' : '·'} #${entry.index}: ${r.detail}\n      ${entry.translated.replace(/\n/g, '\n      ')}`)
  }
  process.stdout.write(`\nendgame (informational, case-sensitive entries): ${counts.agree} agree, ${counts.differ} differ, ${counts['not-es']} not ES syntax/semantics\n`)
  for (const l of lines) process.stdout.write(l + '\n')
}
process.exitCode = failed > 0 ? 1 : 0

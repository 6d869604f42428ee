// Micro-benchmark of the EQL front end (lex + parse + validate, and print) on the two seed queries.
import { parse } from '../src/eql/parser.js'
import { print } from '../src/eql/print.js'
import { WMIC_QUERY, WINRM_QUERY } from '../test/seed-queries.js'

const SEEDS: readonly (readonly [string, string])[] = [
  ['parse WMIC seed (event query)', WMIC_QUERY],
  ['parse WinRM seed (sequence)', WINRM_QUERY],
]

/** Operations per second of `fn`, measured over about `ms` milliseconds after a warm-up. */
function measure(fn: () => unknown, ms = 500): number {
  for (let i = 0; i < 2000; i++) fn()
  let ops = 0
  const start = process.hrtime.bigint()
  const budget = BigInt(ms) * 1_000_000n
  let elapsed = 0n
  while (elapsed < budget) {
    for (let i = 0; i < 500; i++) fn()
    ops += 500
    elapsed = process.hrtime.bigint() - start
  }
  return ops / (Number(elapsed) / 1e9)
}

export async function benchParse(): Promise<{ name: string; opsPerSec: number }[]> {
  const out: { name: string; opsPerSec: number }[] = []
  for (const [name, text] of SEEDS) {
    const first = parse(text)
    if (!first.ok) throw new Error(`seed query does not parse: ${name}: ${first.errors.map((e) => e.message).join('; ')}`)
    out.push({ name, opsPerSec: measure(() => parse(text)) })
    const ast = first.value
    out.push({ name: name.replace('parse', 'print'), opsPerSec: measure(() => print(ast)) })
  }
  return out
}

// `tsx bench/parse.ts` runs it on its own.
if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await benchParse()) console.log(`${r.name.padEnd(40)} ${Math.round(r.opsPerSec).toLocaleString('en-US')} ops/s`)
}

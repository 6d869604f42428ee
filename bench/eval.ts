// Evaluator throughput: the compiled WMIC seed condition (and the WinRM seed's two stage matchers)
// over already-parsed events, so the figure isolates compile.ts's closures from reading and parsing.
import { parse } from '../src/eql/parser.js'
import { compile } from '../src/eql/compile.js'
import type { Matcher } from '../src/eql/value.js'
import { WMIC_QUERY, WINRM_QUERY } from '../test/seed-queries.js'


export interface EvalBench { readonly name: string; readonly evPerSec: number }

function compiledMatchers(text: string): Matcher[] {
  const parsed = parse(text)
  if (!parsed.ok) throw new Error(`seed query does not parse: ${parsed.errors.map((e) => e.message).join('; ')}`)
  const q = compile(parsed.value)
  return q.kind === 'event' ? [q.match] : q.stages.map((s) => s.match)
}

/** Runs `match` over `events` for at least `minMs` and returns events per second (best of the passes). */
function measure(match: Matcher, events: readonly object[], minMs = 1000): { evPerSec: number; matches: number } {
  let matches = 0
  for (const e of events) if (match(e as Record<string, unknown>)) matches++ // warm-up, also counts hits
  let best = 0
  const deadline = performance.now() + minMs
  do {
    const t0 = performance.now()
    let n = 0
    for (const e of events) if (match(e as Record<string, unknown>)) n++
    const dt = (performance.now() - t0) / 1000
    if (n !== matches) throw new Error('matcher is not deterministic')
    best = Math.max(best, events.length / Math.max(dt, 1e-9))
  } while (performance.now() < deadline)
  return { evPerSec: best, matches }
}

/** Evaluator-only throughput of the seed conditions over the given events. */
export async function benchEval(events: object[]): Promise<EvalBench[]> {
  if (events.length === 0) return []
  const [wmic] = compiledMatchers(WMIC_QUERY)
  const [network, process] = compiledMatchers(WINRM_QUERY)
  const out: EvalBench[] = []
  for (const [name, m] of [
    ['eval: WMIC seed condition', wmic],
    ['eval: WinRM stage 1 (network)', network],
    ['eval: WinRM stage 2 (process)', process],
  ] as const) {
    if (m === undefined) continue
    const r = measure(m, events)
    out.push({ name: `${name} (${r.matches} matches)`, evPerSec: r.evPerSec })
  }
  return out
}

// End-to-end `vigil query` (read → ECS pass-through → compiled condition → ordered results) over the
// generated NDJSON, for the two seed queries.
import { executeQuery } from '../src/cli/query.js'
import { WMIC_QUERY, WINRM_QUERY } from '../test/seed-queries.js'


export interface QueryBench { readonly name: string; readonly events: number; readonly seconds: number; readonly results: number; readonly goal?: string }

export async function benchQuery(file: string): Promise<QueryBench[]> {
  const out: QueryBench[] = []
  for (const [name, text, goal] of [
    ['WMIC seed (event query)', WMIC_QUERY, '≥0.8× (issue 4)'],
    ['WinRM seed (sequence, vigil query path)', WINRM_QUERY, undefined],
  ] as const) {
    const t0 = performance.now()
    const run = await executeQuery(text, [file], { format: 'ndjson', quiet: true })
    const seconds = (performance.now() - t0) / 1000
    out.push({ name, events: run.summary.events + run.summary.skipped, seconds, results: run.results.length, goal })
  }
  return out
}

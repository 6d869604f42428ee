// End-to-end `vigil query` (read → ECS pass-through → compiled condition → ordered results) over the
// generated NDJSON, for the two seed queries.
import { executeQuery } from '../src/cli/query.js'

export const WMIC_QUERY = `process where host.os.type == "windows" and event.type == "start" and
  process.name : "WMIC.exe" and
  process.args : "*node:*" and
  process.args : ("call", "set", "get") and
  not process.args : ("*/node:localhost*", "*/node:\\"127.0.0.1\\"*", "/node:127.0.0.1")`

export const WINRM_QUERY = `sequence by host.id with maxspan=30s
  [network where host.os.type == "windows" and process.pid == 4 and network.direction : ("incoming", "ingress") and
   destination.port in (5985, 5986) and source.ip != "127.0.0.1" and source.ip != "::1"]
  [process where host.os.type == "windows" and
   event.type == "start" and process.parent.name : "winrshost.exe" and not process.executable : "?:\\\\Windows\\\\System32\\\\conhost.exe"]`

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

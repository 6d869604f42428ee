// EVTX decoding throughput: our reader on one thread and on worker threads, against Debian's `evtxexport -f xml`
// (libevtx) and python-evtx on the same files in the same run. Tools that are absent are skipped.
// Files: the third-party fixtures (real Windows logs), read several times so JIT warm-up is amortised.
// Run alone with `npx tsx bench/evtx.ts`.

import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { availableParallelism } from 'node:os'
import { createEvtxWorkerPool, readEvtx, type EvtxWorkerPool } from '../src/ingest/evtx/index.js'

export interface EvtxFigure {
  readonly name: string
  readonly mbPerSec: number
  readonly recordsPerSec: number
}

const DIR = join(import.meta.dirname, '..', 'test', 'fixtures', 'third_party', 'omerbenamram-evtx')
const PASSES = Number(process.env['VIGIL_BENCH_EVTX_PASSES'] ?? 5)

function fixtures(): string[] {
  return readdirSync(DIR).filter((f) => f.endsWith('.evtx')).sort().map((f) => join(DIR, f))
}

function bytesOf(files: readonly string[]): number {
  return files.reduce((n, f) => n + statSync(f).size, 0)
}

async function ours(files: readonly string[], workers: number | EvtxWorkerPool): Promise<{ records: number; seconds: number }> {
  const t0 = process.hrtime.bigint()
  let records = 0
  for (const f of files) for await (const r of readEvtx(f, { workers })) if (r.kind === 'record') records++
  return { records, seconds: Number(process.hrtime.bigint() - t0) / 1e9 }
}

function tool(cmd: string, args: (file: string) => string[], files: readonly string[]): { records: number; seconds: number } {
  const t0 = process.hrtime.bigint()
  let records = 0
  for (const f of files) {
    const out = spawnSync(cmd, args(f), { encoding: 'utf8', maxBuffer: 1 << 30 }).stdout ?? ''
    for (let i = out.indexOf('<Event '); i >= 0; i = out.indexOf('<Event ', i + 1)) records++
  }
  return { records, seconds: Number(process.hrtime.bigint() - t0) / 1e9 }
}

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0
}

function figure(name: string, bytes: number, r: { records: number; seconds: number }): EvtxFigure {
  return { name, mbPerSec: bytes / 1e6 / r.seconds, recordsPerSec: r.records / r.seconds }
}

export async function benchEvtx(): Promise<EvtxFigure[]> {
  const files = fixtures()
  const repeated = Array.from({ length: PASSES }, () => files).flat()
  const bytes = bytesOf(repeated)
  const out: EvtxFigure[] = []

  await ours(files, 0) // warm-up: JIT and page cache
  out.push(figure('vigil readEvtx, 1 thread', bytes, await ours(repeated, 0)))
  const pool = createEvtxWorkerPool(Math.max(2, Math.min(4, availableParallelism())))
  try {
    // Each worker has its own JIT to warm up (about a second of CPU): warm them all before measuring.
    for (let i = 0; i < 3; i++) await ours(files, pool)
    out.push(figure(`vigil readEvtx, ${pool.size} worker threads (shared pool)`, bytes, await ours(repeated, pool)))
  } finally {
    await pool.close()
  }

  if (has('evtxexport')) {
    out.push(figure('evtxexport -f xml (libevtx)', bytesOf(files), tool('evtxexport', (f) => ['-f', 'xml', f], files)))
    // Process start-up weighs on small files: also compare on the ≥ 1 MB files only, where it matters less.
    const large = files.filter((f) => statSync(f).size >= 1_000_000 && !f.includes('CAPI2'))
    const largeRepeated = Array.from({ length: PASSES }, () => large).flat()
    out.push(figure('vigil readEvtx, 1 thread (≥ 1 MB files)', bytesOf(largeRepeated), await ours(largeRepeated, 0)))
    out.push(figure('evtxexport -f xml (≥ 1 MB files)', bytesOf(large), tool('evtxexport', (f) => ['-f', 'xml', f], large)))
  }
  const py = ['/usr/bin/evtx_dump.py', '/usr/local/bin/evtx_dump.py'].find((p) => existsSync(p))
  if (py !== undefined) {
    // python-evtx runs at ~0.1 MB/s: one mid-sized file keeps the run short.
    const small = files.filter((f) => f.endsWith('sysmon.evtx'))
    const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3'
    out.push(figure('python-evtx evtx_dump.py (sysmon.evtx only)', bytesOf(small), tool(python, (f) => [py, f], small)))
  }
  return out
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const f of await benchEvtx()) {
    console.log(`${f.name.padEnd(48)} ${f.mbPerSec.toFixed(1).padStart(7)} MB/s ${f.recordsPerSec.toFixed(0).padStart(9)} records/s`)
  }
}

// `npm run bench`: every throughput is printed as a ratio to a baseline measured in the same run (bare
// NDJSON read + JSON.parse of the same file), because machines are noisy and absolute numbers mislead.
// `npm run bench -- query sequence` runs only the sections whose names contain those words.
import { rmSync, statSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { createReadStream } from 'node:fs'
import { generatedNdjson } from './generate.js'
import { baselineNdjson, benchNdjson } from './ingest.js'
import { benchQuery } from './query.js'
import { benchEval } from './eval.js'
import { benchParse } from './parse.js'
import { benchEcsFile, generateSysmonJsonl, writeSysmonJsonl } from './ecs.js'
import { benchSequence } from './sequence.js'
import { benchHunt } from './hunt.js'
import { benchEvtx } from './evtx.js'

interface Row { readonly name: string; readonly value: string; readonly ratio?: number; readonly goal?: string }

const rows: Row[] = []
const EVENTS = Number(process.env.VIGIL_BENCH_EVENTS ?? 1_000_000)
const HOSTS = Number(process.env.VIGIL_BENCH_HOSTS ?? 100_000)
const only = process.argv.slice(2)
const wants = (name: string): boolean => only.length === 0 || only.includes(name)

function fmt(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : n.toFixed(1)
}

function add(row: Row): void {
  rows.push(row)
  const ratio = row.ratio === undefined ? '' : `  ${row.ratio.toFixed(2)}×`
  console.error(`  ${row.name}: ${row.value}${ratio}`)
}

function report(): void {
  const w = Math.max(...rows.map((r) => r.name.length))
  console.log('')
  console.log(`${'benchmark'.padEnd(w)}  ${'value'.padStart(16)}  ${'× baseline'.padStart(10)}  goal`)
  for (const r of rows) {
    const ratio = r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}×`
    console.log(`${r.name.padEnd(w)}  ${r.value.padStart(16)}  ${ratio.padStart(10)}  ${r.goal ?? ''}`)
  }
  console.log(`\npeak RSS of this process ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (hunt runs report their own)`)
}

async function firstEvents(file: string, n: number): Promise<object[]> {
  const out: object[] = []
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity })
  for await (const line of rl) {
    out.push(JSON.parse(line) as object)
    if (out.length >= n) break
  }
  rl.close()
  return out
}

async function main(): Promise<void> {
  const file = await generatedNdjson({ events: EVENTS, hosts: HOSTS })
  const mb = statSync(file).size / 1e6
  console.log(`input: ${EVENTS} generated ECS events over ${HOSTS} hosts, ${mb.toFixed(0)} MB NDJSON (${file})`)

  // Baseline twice, keep the second: the first pass warms the page cache and the JIT.
  await baselineNdjson(file)
  const base = await baselineNdjson(file)
  const baseRate = base.events / base.seconds
  add({ name: 'baseline: NDJSON read + JSON.parse', value: `${fmt(baseRate)} ev/s`, ratio: 1 })
  const vsBase = (events: number, seconds: number, rate = baseRate) => ({ value: `${fmt(events / seconds)} ev/s`, ratio: events / seconds / rate })
  // Sections run for minutes and the load of a shared machine drifts: a figure with a goal is divided by a
  // baseline measured just before it (shown in its row), not by the one of the start.
  const freshBaseRate = async (): Promise<number> => {
    const b = await baselineNdjson(file)
    return b.events / b.seconds
  }
  const withBase = (name: string, rate: number): string => `${name} [baseline then ${fmt(rate)} ev/s]`

  if (wants('reader')) {
    const r = await benchNdjson(file)
    add({ name: 'ingest: NDJSON reader (positions, malformed checks)', ...vsBase(r.events, r.seconds) })
  }
  if (wants('query')) {
    const rate = await freshBaseRate()
    for (const q of await benchQuery(file)) add({ name: withBase(`vigil query: ${q.name}`, rate), ...vsBase(q.events, q.seconds, rate), goal: q.goal })
  }
  if (wants('eval')) {
    const events = await firstEvents(file, 200_000)
    for (const e of await benchEval(events)) add({ name: e.name, value: `${fmt(e.evPerSec)} ev/s`, ratio: e.evPerSec / baseRate })
  }
  if (wants('parse')) {
    for (const p of await benchParse()) add({ name: `parse: ${p.name}`, value: `${fmt(p.opsPerSec)} /s` })
  }
  if (wants('ecs')) {
    // Like for like: the same Sysmon evtx_dump JSONL file read by the bare baseline and by read + normalize.
    const sysmon = writeSysmonJsonl(generateSysmonJsonl(200_000, 7))
    try {
      await baselineNdjson(sysmon)
      const sb = await baselineNdjson(sysmon)
      const ecs = await benchEcsFile(sysmon)
      add({ name: 'ecs: Sysmon evtx_dump JSONL → ECS (read + JSON.parse + normalize)', value: `${fmt(ecs.events / ecs.seconds)} ev/s`, ratio: (ecs.events / ecs.seconds) / (sb.events / sb.seconds), goal: '≥0.5× of the baseline on the same file (issue 6)' })
    } finally {
      rmSync(sysmon, { force: true })
    }
  }
  if (wants('sequence')) {
    const rate = await freshBaseRate()
    for (const f of await benchSequence()) {
      const isRate = f.unit === 'ev/s'
      add({
        name: isRate ? withBase(f.name, rate) : f.name,
        value: isRate ? `${fmt(f.value)} ev/s` : `${f.value.toFixed(f.value < 10 ? 2 : 0)} ${f.unit}`,
        ratio: isRate ? f.value / rate : undefined,
        goal: f.name.includes('NDJSON read') ? '≥0.6× (issue 5)' : f.name.includes('heap for') && f.name.includes('parsed') ? '≤1 GB (issue 5)' : f.name.includes('ratio') ? 'flat (issue 5)' : undefined,
      })
    }
  }
  if (wants('hunt')) {
    let rate = await freshBaseRate()
    const bundled = await benchHunt(file, { rules: 'bundled' })
    add({ name: withBase(`vigil hunt, bundled rules (${bundled.alerts} alerts, peak RSS ${(bundled.peakRssBytes / 2 ** 20).toFixed(0)} MB)`, rate), ...vsBase(bundled.events, bundled.seconds, rate), goal: '≥0.8× (issue 9)' })
    rate = await freshBaseRate()
    const many = await benchHunt(file, { rules: 500 })
    add({ name: withBase(`vigil hunt, 500 generated rules (${many.alerts} alerts, peak RSS ${(many.peakRssBytes / 2 ** 20).toFixed(0)} MB)`, rate), ...vsBase(many.events, many.seconds, rate), goal: '≥0.25× (issue 9)' })
  }
  if (wants('evtx')) {
    const figures = await benchEvtx()
    const libevtx = figures.find((f) => f.name.startsWith('evtxexport'))
    for (const f of figures) {
      add({
        name: `evtx: ${f.name} (${fmt(f.recordsPerSec)} records/s)`,
        value: `${f.mbPerSec.toFixed(1)} MB/s`,
        goal: libevtx && f.name.includes('1 thread') ? `≥3× evtxexport (issue 7): ${(f.mbPerSec / libevtx.mbPerSec).toFixed(2)}×` : undefined,
      })
    }
  }
  report()
}

await main()

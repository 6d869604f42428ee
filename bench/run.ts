// `npm run bench`: every figure is printed as a ratio to a baseline measured in the same run (bare NDJSON
// read + JSON.parse of the same file), because machines are noisy and absolute numbers mislead.
import { statSync } from 'node:fs'
import { generatedNdjson } from './generate.js'
import { baselineNdjson, benchNdjson } from './ingest.js'
import { benchQuery } from './query.js'

interface Row { readonly name: string; readonly value: string; readonly ratio?: number; readonly goal?: string }

const rows: Row[] = []
const EVENTS = Number(process.env.VIGIL_BENCH_EVENTS ?? 1_000_000)
const HOSTS = Number(process.env.VIGIL_BENCH_HOSTS ?? 100_000)
const only = process.argv.slice(2)
const wants = (name: string) => only.length === 0 || only.some((o) => name.includes(o))

function fmt(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : n.toFixed(1)
}

function report(): void {
  const w = Math.max(...rows.map((r) => r.name.length))
  console.log('')
  console.log(`${'benchmark'.padEnd(w)}  ${'value'.padStart(16)}  ${'× baseline'.padStart(10)}  goal`)
  for (const r of rows) {
    const ratio = r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}×`
    console.log(`${r.name.padEnd(w)}  ${r.value.padStart(16)}  ${ratio.padStart(10)}  ${r.goal ?? ''}`)
  }
  console.log(`\npeak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`)
}

async function main(): Promise<void> {
  const file = await generatedNdjson({ events: EVENTS, hosts: HOSTS })
  const mb = statSync(file).size / 1e6
  console.log(`input: ${EVENTS} generated ECS events over ${HOSTS} hosts, ${mb.toFixed(0)} MB NDJSON (${file})`)

  // Baseline twice, keep the better: the first pass also warms the page cache.
  await baselineNdjson(file)
  const base = await baselineNdjson(file)
  const baseRate = base.events / base.seconds
  rows.push({ name: 'baseline: NDJSON read + JSON.parse', value: `${fmt(baseRate)} ev/s`, ratio: 1 })

  if (wants('reader')) {
    const r = await benchNdjson(file)
    rows.push({ name: 'ingest: NDJSON reader (positions, malformed checks)', value: `${fmt(r.events / r.seconds)} ev/s`, ratio: r.events / r.seconds / baseRate })
  }
  if (wants('query')) {
    for (const q of await benchQuery(file)) {
      rows.push({ name: `query: ${q.name}`, value: `${fmt(q.events / q.seconds)} ev/s`, ratio: q.events / q.seconds / baseRate, goal: q.goal })
    }
  }
  report()
}

await main()

// Loads the ECS fixtures (test/fixtures/ecs/<source>/records.*) and their labels. XML fixtures go
// through the project's own Event XML reader, so the test covers what `vigil` does with XML files.
import { readFileSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseEventXml } from '../../src/ingest/index.js'

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'ecs')

export interface Label {
  readonly name: string
  /** The WMIC seed rule must match this record (true) or must not (false, a near miss). */
  readonly wmic?: boolean
  /** This process record completes a WinRM sequence started by the record at this index. */
  readonly winrmAfter?: number
}

export interface FixtureSource {
  readonly name: string
  readonly dir: string
  readonly raws: unknown[]
  readonly labels: Label[]
}

/** Splits concatenated `<Event>` elements (the fixtures hold one per line). */
function xmlEvents(text: string): unknown[] {
  return text.split('\n').filter((l) => l.trim() !== '').map((xml, i) => {
    const r = parseEventXml(xml)
    if (!r.ok) throw new Error(`records.xml line ${i + 1}: ${r.reason}`)
    return r.event
  })
}

export function loadSources(): FixtureSource[] {
  return readdirSync(FIXTURES, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => {
    const dir = join(FIXTURES, d.name)
    const files = readdirSync(dir)
    const raws = files.includes('records.xml')
      ? xmlEvents(readFileSync(join(dir, 'records.xml'), 'utf8'))
      : readFileSync(join(dir, 'records.jsonl'), 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as unknown)
    const labels = JSON.parse(readFileSync(join(dir, 'labels.json'), 'utf8')) as Label[]
    if (labels.length !== raws.length) throw new Error(`${d.name}: ${raws.length} records but ${labels.length} labels`)
    return { name: d.name, dir, raws, labels }
  })
}

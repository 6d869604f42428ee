// Elasticsearch conformance: every event-query entry (not sequence/sample) of the ES main, additional
// and date suites, run over the endgame-140 data with its mapping. The suites are read at run time
// from ../shared/conformance (never copied into the repo). Results are sorted by (@timestamp,
// serial_event_id) as Elasticsearch returns them, then head/tail pipes apply.
import assert from 'node:assert/strict'
import { readFileSync, existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'node:test'
import { parse as parseToml } from 'smol-toml'
import { parse } from './parser.js'
import { tryCompile } from './compile.js'
import { defaultFieldTypes, mergeFieldTypes, parseMappingText } from './fieldtypes.js'
import type { EcsEvent } from './value.js'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..', '..', 'shared', 'conformance')
const esDir = join(root, 'elasticsearch')
const suites = ['test_queries.toml', 'additional_test_queries.toml', 'test_queries_date.toml']

interface Entry { readonly name: string; readonly query: string; readonly expected: readonly number[]; readonly file: string }

function loadEntries(): Entry[] {
  const out: Entry[] = []
  for (const file of suites) {
    const doc = parseToml(readFileSync(join(esDir, file), 'utf8')) as { queries?: unknown[] }
    for (const q of doc.queries ?? []) {
      const entry = q as { name: string; query: string; expected_event_ids: number[] }
      out.push({ name: entry.name, query: entry.query.trim(), expected: entry.expected_event_ids, file })
    }
  }
  return out
}

const hasSuites = existsSync(join(esDir, suites[0] as string))

describe('ES conformance: event queries over endgame-140', { skip: hasSuites ? false : `suites not found at ${root}` }, () => {
  const entries = hasSuites ? loadEntries() : []
  const events = hasSuites
    ? readFileSync(join(root, 'ndjson', 'endgame-140.ndjson'), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as EcsEvent)
    : []
  const mapping = hasSuites ? parseMappingText(readFileSync(join(esDir, 'data', 'endgame-140.mapping'), 'utf8')) : null
  if (mapping !== null && !mapping.ok) throw new Error(`mapping: ${JSON.stringify(mapping.errors)}`)
  const fieldTypes = mapping?.ok ? mergeFieldTypes(defaultFieldTypes(), mapping.value) : defaultFieldTypes()
  let eventEntries = 0

  for (const entry of entries) {
    const parsed = parse(entry.query)
    if (parsed.ok && parsed.value.base.kind !== 'event') continue
    eventEntries++
    it(`${entry.file}: ${entry.name}`, () => {
      assert.ok(parsed.ok, `parse failed: ${JSON.stringify(!parsed.ok && parsed.errors)}`)
      const compiled = tryCompile(parsed.value, { fieldTypes, tiebreakerField: 'serial_event_id', source: entry.query })
      assert.ok(compiled.ok, `compile failed: ${JSON.stringify(!compiled.ok && compiled.errors)}`)
      const q = compiled.value
      assert.equal(q.kind, 'event')
      if (q.kind !== 'event') return
      const tb = q.time.tiebreaker
      let hits = events
        .map((e, i) => ({ e, i, ts: q.time.timestampMs(e) ?? -Infinity, tb: (tb?.(e) ?? -Infinity) as number }))
        .filter((h) => q.match(h.e))
        .sort((a, b) => a.ts - b.ts || a.tb - b.tb || a.i - b.i)
      for (const p of q.pipes) hits = p.kind === 'head' ? hits.slice(0, p.count) : hits.slice(Math.max(0, hits.length - p.count))
      assert.deepEqual(hits.map((h) => h.e['serial_event_id']), entry.expected)
    })
  }

  it('covers every event-query entry of the three suites', () => {
    // 133 + 61 + 4 entries upstream; the event queries among them must all be present and run
    assert.ok(eventEntries >= 150, `only ${eventEntries} event-query entries found`)
  })
})

// Every entry of every Elasticsearch EQL suite, run through the `vigil query` code path: files read by the
// real readers, ECS pass-through, --mapping / --tiebreaker / --size / --max-samples-per-key as a user would
// give them. One subprocess per suite checks the command line itself.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { loadSuites, conformanceDir, checkEntry, resultIds } from './harness.js'
import { executeQuery, joinKeyRenderer, streamQuery, type QueryOptions } from '../../src/cli/query.js'
import type { QueryResult } from '../../src/detect/index.js'

const dir = conformanceDir()
const suites = loadSuites(dir)
const root = join(import.meta.dirname, '../..')

function optionsFor(datasetName: string, tiebreaker: string | undefined): { files: string[]; opts: QueryOptions } {
  const names = datasetName.split(',')
  const mapping = names.map((n) => join(dir, 'elasticsearch/data', `${n}.mapping`)).filter((p) => existsSync(p))
  return {
    files: names.map((n) => join(dir, 'ndjson', `${n}.ndjson`)),
    opts: { format: 'ndjson', mapping, tiebreaker, quiet: true },
  }
}

for (const suite of suites) {
  test(`vigil query conformance: ${suite.name}`, async (t) => {
    const { files, opts } = optionsFor(suite.dataset.name, suite.dataset.tiebreakerField)
    let passed = 0
    for (const entry of suite.entries) {
      await t.test(entry.name, async () => {
        // ES's spec tests send size 50 unless the entry says otherwise; the CLI has no default limit.
        const o: QueryOptions = { ...opts, size: entry.size ?? 50, maxSamplesPerKey: entry.maxSamplesPerKey }
        const run = await executeQuery(entry.query, files, o)
        assert.equal(run.summary.malformed, 0)
        // Join keys exactly as `vigil query` prints them, compared the way ES's spec tests do (toString).
        const keysOf = joinKeyRenderer(run.compiled)
        const joinKeys = run.results.flatMap((r) => (r.kind === 'event' ? [] : keysOf(r).map((v) => (v === null ? 'null' : String(v)))))
        const check = checkEntry(entry, resultIds(run.results, suite.dataset.idField), joinKeys)
        assert.ok(check.ok, check.ok ? '' : `${check.reason}\n${entry.query}`)
        passed++
      })
    }
    assert.equal(passed, suite.entries.length)
  })
}

test('vigil query as a process: ndjson contract, sequence shape, exit codes', () => {
  const main = suites.find((s) => s.name === 'main')!
  const { files, opts } = optionsFor(main.dataset.name, main.dataset.tiebreakerField)
  const run = (args: string[]) => spawnSync(process.execPath, [join(root, 'bin/vigil.mjs'), 'query', ...args], { encoding: 'utf8' })
  const common = [...files, '--mapping', ...(opts.mapping ?? []), '--tiebreaker', 'serial_event_id', '-q']

  const ev = run(['process where serial_event_id < 4', ...common])
  assert.equal(ev.status, 0, ev.stderr)
  const lines = ev.stdout.trim().split('\n')
  assert.deepEqual(lines.map((l) => JSON.parse(l).serial_event_id), [1, 2, 3])
  // The event exactly as read: big integers keep every digit (JSON.parse would round them).
  assert.match(lines[0], /"timestamp":\d{18}/)

  const seq = run(['sequence by unique_pid [process where true] [file where true] | head 2', ...common])
  assert.equal(seq.status, 0, seq.stderr)
  for (const l of seq.stdout.trim().split('\n')) {
    const r = JSON.parse(l)
    assert.deepEqual(Object.keys(r), ['join_keys', 'events'])
    assert.equal(r.events.length, 2)
  }

  const bad = run(['process where serial_event_id = 1', ...common])
  assert.equal(bad.status, 2)
  assert.match(bad.stderr, /line 1:31: /)
  assert.equal(bad.stdout, '')

  const none = run(['process where false', ...common])
  assert.equal(none.status, 0)
  assert.equal(none.stdout, '')
})

// Candidates past the memory budget are sorted into temporary files and merged: a budget of one byte (every
// candidate its own run file, merged in several passes) must give exactly the results of the in-memory path,
// ties and tiebreakers included.
test('vigil query: candidates spilled to disk give the same results as in memory', async () => {
  let compared = 0
  let runs = 0
  for (const suite of suites) {
    const { files, opts } = optionsFor(suite.dataset.name, suite.dataset.tiebreakerField)
    for (const entry of suite.entries.filter((_, i) => i % 9 === 0)) {
      const o: QueryOptions = { ...opts, size: entry.size ?? 50, maxSamplesPerKey: entry.maxSamplesPerKey }
      const ids = async (extra: Partial<QueryOptions>): Promise<string> => {
        const results: QueryResult[] = []
        const run = await streamQuery(entry.query, files, { ...o, ...extra }, { onResult: (r) => results.push(r) })
        runs += run.spilledRuns
        const keysOf = joinKeyRenderer(run.compiled)
        return JSON.stringify(results.map((r) => (r.kind === 'event' ? r.record.ordinal : [keysOf(r), r.members.map((m) => m?.ordinal ?? null)])))
      }
      assert.equal(await ids({ spillBudget: 1 }), await ids({}), `${suite.name}: ${entry.name}\n${entry.query}`)
      compared++
    }
  }
  assert.ok(compared > 20, `only ${compared} entries compared`)
  assert.ok(runs > 100, `only ${runs} run files written: the budget did not force spilling`)
  console.log(`# ${compared} queries compared, ${runs} run files merged`)
})

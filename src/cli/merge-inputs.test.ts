import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expandInputs, readMergedEvents } from './merge-inputs.js'
import { createSummary } from './summary.js'

const ev = (sec: number | null, tag: string) => JSON.stringify({
  ...(sec === null ? {} : { '@timestamp': new Date(Date.UTC(2026, 10, 3, 10, 0, sec)).toISOString() }),
  event: { category: ['process'], kind: 'event' }, host: { os: { type: 'windows' } }, tag,
})

// file a:  a1@1        a3@3   a5@5 (untimed a? first)
// file b:       b2@2   b3@3        b6@6
// file c:                                 c100@100 c101@101   (starts after the others end)
// =>  a?, a1, b2, a3, b3, a5, b6, c100, c101   (ties at 3s: file order, a before b)
test('files are merged by time, ties by file order, ordinals renumbered in merged order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-merge-'))
  writeFileSync(join(dir, 'c.ndjson'), [ev(100, 'c100'), ev(101, 'c101')].join('\n') + '\n')
  writeFileSync(join(dir, 'a.ndjson'), [ev(null, 'a?'), ev(1, 'a1'), ev(3, 'a3'), ev(5, 'a5')].join('\n') + '\n')
  writeFileSync(join(dir, 'b.ndjson'), [ev(2, 'b2'), ev(3, 'b3'), ev(6, 'b6')].join('\n') + '\n')
  mkdirSync(join(dir, 'docs'))
  writeFileSync(join(dir, 'docs', 'README.md'), '# not telemetry\n')
  const summary = createSummary()
  const files = await expandInputs([dir], { summary })
  assert.deepEqual(files.map((f) => f.slice(dir.length + 1)), ['a.ndjson', 'b.ndjson', 'c.ndjson'], 'README.md is skipped')
  const tags: string[] = []
  const ordinals: number[] = []
  for await (const batch of readMergedEvents(files, { summary })) {
    for (const r of batch) { tags.push(String(r.event.tag)); ordinals.push(r.ordinal) }
  }
  assert.deepEqual(tags, ['a?', 'a1', 'b2', 'a3', 'b3', 'a5', 'b6', 'c100', 'c101'])
  assert.deepEqual(ordinals, [0, 1, 2, 3, 4, 5, 6, 7, 8])
  assert.equal(summary.events, 9)
  assert.equal(summary.files, 3, 'each file counted once, not for the start-time scan')
  assert.equal(summary.malformed, 0)
})

test('a missing input is counted as a problem, the others still read', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-merge-'))
  writeFileSync(join(dir, 'a.ndjson'), ev(1, 'a1') + '\n')
  const summary = createSummary()
  const files = await expandInputs([join(dir, 'missing.ndjson'), join(dir, 'a.ndjson')], { summary })
  assert.equal(files.length, 1)
  assert.equal(summary.malformed, 1)
  assert.match(summary.problems[0].reason, /cannot read/)
  let n = 0
  for await (const b of readMergedEvents(files, { summary })) n += b.length
  assert.equal(n, 1)
})

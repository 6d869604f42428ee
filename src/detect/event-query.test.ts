import { test } from 'node:test'
import assert from 'node:assert/strict'
import { runQuery, createRunner, restoreRunner } from './index.js'
import { eventQuery, records, ids, tiny } from './testing.js'
import type { QueryResult } from './types.js'

const events = tiny([[1, 3, 'a'], [2, 1, 'a'], [3, 2, 'b'], [4, null, 'a'], [5, 5, 'a']])

const cases: ReadonlyArray<readonly [string, Parameters<typeof eventQuery>[1], number | undefined, number[]]> = [
  ['matches in time order; no timestamp sorts first', [], undefined, [4, 2, 1, 5]],
  ['head', [{ kind: 'head', count: 2 }], undefined, [4, 2]],
  ['tail', [{ kind: 'tail', count: 2 }], undefined, [1, 5]],
  ['head then tail', [{ kind: 'head', count: 3 }, { kind: 'tail', count: 2 }], undefined, [2, 1]],
  ['size after pipes', [{ kind: 'tail', count: 3 }], 2, [2, 1]],
  ['size 0', [], 0, []],
]

for (const [name, pipes, size, expected] of cases) {
  test(`event query: ${name}`, () => {
    assert.deepEqual(ids(runQuery(eventQuery('a', pipes), records(events), { size })), expected)
  })
}

test('event query: head stops the runner early', () => {
  const out: QueryResult[] = []
  const runner = createRunner(eventQuery('a', [{ kind: 'head', count: 1 }]), { onResult: (r) => out.push(r) })
  runner.push(records(events)[0])
  assert.equal(runner.isDone, true)
  runner.push(records(events)[1])
  assert.equal(out.length, 1)
  assert.equal(runner.stats().ignored, 1)
})

test('event query: tail state survives snapshot/restore', () => {
  const q = eventQuery('a', [{ kind: 'tail', count: 2 }])
  const recs = records(events.filter((e) => e.ts !== null).sort((x, y) => (x.ts as number) - (y.ts as number)))
  const out: QueryResult[] = []
  const a = createRunner(q, { onResult: (r) => out.push(r) })
  recs.slice(0, 3).forEach((r) => a.push(r))
  const b = restoreRunner(q, JSON.parse(JSON.stringify(a.snapshot())), { onResult: (r) => out.push(r) })
  recs.slice(3).forEach((r) => b.push(r))
  b.end()
  assert.deepEqual(ids(out), [1, 5])
})

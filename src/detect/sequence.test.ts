import { test } from 'node:test'
import assert from 'node:assert/strict'
import { runQuery, createRunner, restoreRunner } from './index.js'
import { sequenceQuery, records, ids, joinKeys, tiny, type StageSpec, type TinyEvent } from './testing.js'
import type { QueryResult } from './types.js'

const A: StageSpec = { cat: 'a' }
const B: StageSpec = { cat: 'b' }
const C: StageSpec = { cat: 'c' }
const M: StageSpec = { cat: 'm', isMissing: true }

interface Case {
  readonly name: string
  readonly q: Parameters<typeof sequenceQuery>[0]
  readonly events: TinyEvent[]
  readonly expected: number[]
  readonly keys?: unknown[]
}

const cases: Case[] = [
  {
    // sequence [a] [a]
    // a: 1 2 3   => (1,2) (2,3): one event completes one sequence and starts another
    name: 'an event advances one partial and starts another',
    q: { stages: [A, A] },
    events: tiny([[1, 1, 'a'], [2, 2, 'a'], [3, 3, 'a']]),
    expected: [1, 2, 2, 3],
  },
  {
    // sequence [a] [b]
    // a: 1 2
    // b:     3 4   => (2,3): the newer partial overwrites the older one; 4 finds nothing pending
    name: 'newer partial overwrites older at the same stage',
    q: { stages: [A, B] },
    events: tiny([[1, 1, 'a'], [2, 2, 'a'], [3, 3, 'b'], [4, 4, 'b']]),
    expected: [2, 3],
  },
  {
    // sequence by k with maxspan=5ms [a] [b]
    // a: h1@1        h1@3
    // b:       h1@2          h1@9     => (1,2); h1@9 is more than 5 after h1@3
    name: 'maxspan is inclusive and measured from the first event',
    q: { by: ['k'], maxspanMs: 5, stages: [A, B] },
    events: tiny([[1, 1, 'a', { k: 'h1' }], [2, 2, 'b', { k: 'h1' }], [3, 3, 'a', { k: 'h1' }], [4, 9, 'b', { k: 'h1' }]]),
    expected: [1, 2],
  },
  {
    name: 'maxspan boundary: exactly maxspan matches',
    q: { maxspanMs: 5, stages: [A, B] },
    events: tiny([[1, 1, 'a'], [2, 6, 'b'], [3, 10, 'a'], [4, 16, 'b']]),
    expected: [1, 2],
  },
  {
    name: 'keys are separate state machines and compare case-sensitively',
    q: { by: ['k'], stages: [A, B] },
    events: tiny([[1, 1, 'a', { k: 'H' }], [2, 2, 'a', { k: 'h' }], [3, 3, 'b', { k: 'H' }], [4, 4, 'b', { k: 'h' }]]),
    expected: [1, 3, 2, 4],
    keys: ['H', 'h'],
  },
  {
    name: 'a number key and its string form are different keys',
    q: { by: ['k'], stages: [A, B] },
    events: tiny([[1, 1, 'a', { k: 1 }], [2, 2, 'b', { k: '1' }], [3, 3, 'b', { k: 1 }]]),
    expected: [1, 3],
  },
  {
    name: '__proto__ is an ordinary key value',
    q: { by: ['k'], stages: [A, B] },
    events: tiny([[1, 1, 'a', { k: '__proto__' }], [2, 2, 'b', { k: 'constructor' }], [3, 3, 'b', { k: '__proto__' }]]),
    expected: [1, 3],
    keys: ['__proto__'],
  },
  {
    name: 'null key drops the event unless optional',
    q: { by: ['k'], stages: [A, B] },
    events: tiny([[1, 1, 'a'], [2, 2, 'b']]),
    expected: [],
  },
  {
    name: 'optional null key is a valid key',
    q: { by: ['?k'], stages: [A, B] },
    events: tiny([[1, 1, 'a'], [2, 2, 'b', { k: [null] }]]),
    expected: [1, 2],
    keys: [null],
  },
  {
    // multi-valued keys: one key per distinct value; results of one completing event follow its values
    name: 'multi-valued keys expand (cartesian product)',
    q: { by: ['t', 'u'], stages: [A, B] },
    events: tiny([[1, 1, 'a', { t: ['x', 'y', 'x'], u: ['1', '2'] }], [2, 2, 'b', { t: ['y', 'x', null], u: '2' }]]),
    expected: [1, 2, 1, 2],
    keys: ['y', '2', 'x', '2'],
  },
  {
    // until: an until event at or after the last member kills the partial; the completing event wins
    name: 'until kills pending partials of its key',
    q: { by: ['k'], stages: [A, B], until: { cat: 'u' } },
    events: tiny([[1, 1, 'a', { k: 1 }], [2, 2, 'u', { k: 1 }], [3, 3, 'b', { k: 1 }], [4, 4, 'a', { k: 2 }], [5, 5, 'u', { k: 3 }], [6, 6, 'b', { k: 2 }]]),
    expected: [4, 6],
  },
  {
    name: 'an event that is both until and the completing event completes',
    q: { stages: [A, { cat: 'b' }], until: { cat: 'b' } },
    events: tiny([[1, 1, 'a'], [2, 2, 'b']]),
    expected: [1, 2],
  },
  {
    name: 'an until event that is also the last member stops the next stage',
    q: { stages: [A, B, C], until: { cat: 'b', where: (e) => e.id === 2 } },
    events: tiny([[1, 1, 'a'], [2, 2, 'b'], [3, 3, 'c'], [4, 4, 'a'], [5, 5, 'b'], [6, 6, 'c']]),
    expected: [4, 5, 6],
  },
  {
    name: 'results are ordered by their last event',
    q: { by: ['k'], stages: [A, B] },
    events: tiny([[1, 1, 'a', { k: 1 }], [2, 2, 'a', { k: 2 }], [3, 3, 'b', { k: 2 }], [4, 4, 'b', { k: 1 }]]),
    expected: [2, 3, 1, 4],
  },
  {
    name: 'events without a timestamp take no part in sequences',
    q: { stages: [A, B] },
    events: tiny([[1, 1, 'a'], [2, null, 'b'], [3, 3, 'b']]),
    expected: [1, 3],
  },
  {
    name: 'head pipe',
    q: { stages: [A, A], pipes: [{ kind: 'head', count: 1 }] },
    events: tiny([[1, 1, 'a'], [2, 2, 'a'], [3, 3, 'a']]),
    expected: [1, 2],
  },
  {
    name: 'tail pipe',
    q: { stages: [A, A], pipes: [{ kind: 'tail', count: 1 }] },
    events: tiny([[1, 1, 'a'], [2, 2, 'a'], [3, 3, 'a']]),
    expected: [2, 3],
  },
  {
    name: 'tail then head',
    q: { stages: [A, A], pipes: [{ kind: 'tail', count: 2 }, { kind: 'head', count: 1 }] },
    events: tiny([[1, 1, 'a'], [2, 2, 'a'], [3, 3, 'a'], [4, 4, 'a']]),
    expected: [2, 3],
  },
  // Missing events (ES): positive stages run as a plain sequence; then a middle `![…]` discards the
  // sequence when a match lies strictly between its neighbours, and leading/trailing ones are judged
  // against maxspan (trailing: from the first member; both: from the latest leading event).
  {
    // [a] ![m] [a] with maxspan: a@1 a@2 m@3 a@4  => (1,2) only; (2,4) has m@3 in between
    name: 'middle missing event discards the sequence',
    q: { maxspanMs: 1000, stages: [A, M, A] },
    events: tiny([[1, 1, 'a'], [2, 2, 'a'], [3, 3, 'm'], [4, 4, 'a']]),
    expected: [1, -1, 2],
  },
  {
    name: 'a discarded partial still occupies its slot',
    q: { maxspanMs: 1000, stages: [A, A, M, A] },
    events: tiny([[1, 1, 'a'], [2, 2, 'a'], [3, 3, 'm'], [4, 4, 'a'], [5, 5, 'a']]),
    expected: [2, 4, -1, 5],
  },
  {
    name: 'a missing event at the same time as a neighbour does not count',
    q: { maxspanMs: 1000, stages: [A, M, B] },
    events: tiny([[1, 1, 'a'], [2, 1, 'm'], [3, 5, 'm'], [4, 5, 'b']]),
    expected: [1, -1, 4],
  },
  {
    // [a] ![m] maxspan=1000: a@1 a@2 m@3 a@4 => only a@4 (no m within 1000 after it)
    name: 'trailing missing event',
    q: { maxspanMs: 1000, stages: [A, M] },
    events: tiny([[1, 1, 'a'], [2, 2, 'a'], [3, 3, 'm'], [4, 4, 'a']]),
    expected: [4, -1],
  },
  {
    name: 'trailing missing event beyond maxspan of the first member does not reject',
    q: { maxspanMs: 10, stages: [A, B, M] },
    events: tiny([[1, 1, 'a'], [2, 5, 'b'], [3, 12, 'm'], [4, 20, 'a'], [5, 21, 'b'], [6, 30, 'm']]),
    expected: [1, 2, -1],
  },
  {
    name: 'leading missing event within maxspan of the last member rejects',
    q: { maxspanMs: 10, stages: [M, A] },
    events: tiny([[1, 0, 'm'], [2, 20, 'a'], [3, 25, 'm'], [4, 30, 'a'], [5, 40, 'a']]),
    expected: [-1, 2, -1, 5],
  },
  {
    // ES: with both a leading and a trailing `![…]`, only a pair of them within maxspan rejects
    name: 'leading and trailing missing events reject only together',
    q: { maxspanMs: 19, stages: [M, A, M] },
    events: tiny([[1, 0, 'm'], [2, 10, 'a'], [3, 20, 'm'], [4, 21, 'a'], [5, 29, 'a'], [6, 31, 'a']]),
    expected: [-1, 2, -1, -1, 4, -1, -1, 5, -1, -1, 6, -1],
  },
  {
    name: 'leading and trailing missing events within maxspan of each other reject',
    q: { maxspanMs: 21, stages: [M, A, M] },
    events: tiny([[1, 0, 'm'], [2, 10, 'a'], [3, 20, 'm'], [4, 21, 'a'], [5, 29, 'a'], [6, 31, 'a']]),
    expected: [-1, 4, -1, -1, 5, -1, -1, 6, -1],
  },
  {
    name: 'missing stage keys are matched against the sequence key',
    q: { by: ['k'], maxspanMs: 1000, stages: [A, { cat: 'm', isMissing: true, by: [] }, A] },
    events: tiny([[1, 1, 'a', { k: 1 }], [2, 2, 'm', { k: 2 }], [3, 3, 'a', { k: 1 }], [4, 4, 'm', { k: 1 }], [5, 5, 'a', { k: 1 }]]),
    expected: [1, -1, 3],
    keys: [1],
  },
]

for (const c of cases) {
  test(`sequence: ${c.name}`, () => {
    const q = sequenceQuery(c.q)
    const results = runQuery(q, records(c.events))
    assert.deepEqual(ids(results), c.expected)
    if (c.keys) assert.deepEqual(joinKeys(results), c.keys)
  })
}

test('sequence: trailing results are emitted in last-event order once their window has passed', () => {
  const q = sequenceQuery({ by: ['k'], maxspanMs: 10, stages: [A, M] })
  const out: QueryResult[] = []
  const runner = createRunner(q, { onResult: (r) => out.push(r) })
  const evs = records(tiny([[1, 0, 'a', { k: 1 }], [2, 5, 'a', { k: 2 }]]))
  runner.push(evs[0])
  runner.push(evs[1])
  assert.equal(out.length, 0)
  runner.advanceTo(11) // window of k=1 (0..10) has passed; k=2 (5..15) has not
  assert.deepEqual(ids(out), [1, -1])
  runner.advanceTo(16)
  assert.deepEqual(ids(out), [1, -1, 2, -1])
})

test('sequence: partials expire by time without scanning (pending count drops)', () => {
  const q = sequenceQuery({ by: ['k'], maxspanMs: 10, stages: [A, B] })
  const runner = createRunner(q, { onResult: () => {} })
  const evs = records(Array.from({ length: 100 }, (_, i) => ({ id: i, ts: i, cat: 'a', k: i })))
  for (const r of evs) runner.push(r)
  assert.equal(runner.stats().pending, 11) // keys 89..99 are within 10 of t=99
  runner.advanceTo(1000)
  assert.equal(runner.stats().pending, 0)
})

test('sequence: snapshot is plain JSON and restore continues identically', () => {
  const q = sequenceQuery({ by: ['k'], maxspanMs: 50, stages: [A, M, B, C], until: { cat: 'u' } })
  const evs = records(tiny([
    [1, 1, 'a', { k: 1 }], [2, 2, 'b', { k: 1 }], [3, 3, 'a', { k: 2 }], [4, 4, 'm', { k: 2 }],
    [5, 5, 'b', { k: 2 }], [6, 6, 'c', { k: 1 }], [7, 7, 'c', { k: 2 }], [8, 8, 'a', { k: 3 }], [9, 9, 'b', { k: 3 }], [10, 10, 'c', { k: 3 }],
  ]))
  const expected = ids(runQuery(q, evs))
  assert.deepEqual(expected, [1, -1, 2, 6, 8, -1, 9, 10])
  for (let cut = 0; cut <= evs.length; cut++) {
    const out: QueryResult[] = []
    const first = createRunner(q, { onResult: (r) => out.push(r) })
    for (const r of evs.slice(0, cut)) first.push(r)
    const snap = JSON.parse(JSON.stringify(first.snapshot()))
    const second = restoreRunner(q, snap, { onResult: (r) => out.push(r) })
    for (const r of evs.slice(cut)) second.push(r)
    second.end()
    assert.deepEqual(ids(out), expected, `cut at ${cut}`)
  }
})

test('sequence: restore rejects an unknown snapshot version', () => {
  const q = sequenceQuery({ stages: [A, B] })
  assert.throws(() => restoreRunner(q, { v: 2 } as never, { onResult: () => {} }), /version 2/)
})

test('sequence: restore refuses a snapshot of a differently shaped sequence', () => {
  const two = sequenceQuery({ stages: [A, B] })
  const three = sequenceQuery({ stages: [A, B, C] })
  const snap = createRunner(two, { onResult: () => {} }).snapshot()
  assert.throws(() => restoreRunner(three, snap, { onResult: () => {} }), /shaped \+\+, not \+\+\+/)
})
